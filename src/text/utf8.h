// UTF-8 validation, repair and decoding. Every text that enters unspin is
// validated (or repaired on request) here first; later layers assume valid
// UTF-8 and do not re-check.
#ifndef UNSPIN_TEXT_UTF8_H_
#define UNSPIN_TEXT_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace unspin {

// Byte offset of the first byte that does not start or continue a well-formed
// UTF-8 sequence (overlongs, surrogates and code points above U+10FFFF are
// ill-formed), or npos if `text` is valid.
size_t FindInvalidUtf8(std::string_view text);

// OK, or kInvalidInput naming the byte offset (plus `base_offset`, for text
// that is a window of a larger input) and the offending bytes.
Status ValidateUtf8(std::string_view text, uint64_t base_offset = 0);

// Replaces every maximal ill-formed subsequence with U+FFFD (the Unicode
// "substitution of maximal subparts" practice); counts them in `replaced`.
std::string ReplaceInvalidUtf8(std::string_view text, size_t* replaced);

// Offset of the first NUL byte, or npos. Text with NUL bytes is treated as
// binary and refused.
size_t FindNul(std::string_view text);

// Decodes the code point at text[pos]; `text` must be valid UTF-8 there.
// Returns its length in bytes (1..4).
inline int DecodeUtf8(std::string_view text, size_t pos, char32_t* cp) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  unsigned char c = b(0);
  if (c < 0x80) { *cp = c; return 1; }
  if (c < 0xE0) { *cp = (char32_t{c} & 0x1F) << 6 | (b(1) & 0x3F); return 2; }
  if (c < 0xF0) {
    *cp = (char32_t{c} & 0x0F) << 12 | (char32_t{b(1)} & 0x3F) << 6 | (b(2) & 0x3F);
    return 3;
  }
  *cp = (char32_t{c} & 0x07) << 18 | (char32_t{b(1)} & 0x3F) << 12 |
        (char32_t{b(2)} & 0x3F) << 6 | (b(3) & 0x3F);
  return 4;
}

void AppendUtf8(char32_t cp, std::string* out);

}  // namespace unspin

#endif  // UNSPIN_TEXT_UTF8_H_
