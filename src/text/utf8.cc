#include "text/utf8.h"

#include <cstring>

namespace unspin {

namespace {

// Length of the well-formed sequence at text[pos], or 0 if ill-formed; on
// failure `*bad_len` is the length of the maximal ill-formed subpart (>= 1).
int WellFormedLength(std::string_view text, size_t pos, int* bad_len) {
  const size_t n = text.size();
  auto at = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char c = at(pos);
  *bad_len = 1;
  if (c < 0x80) return 1;
  int len;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds for the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;       // no overlongs
    else if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  for (int i = 1; i < len; ++i) {
    if (pos + i >= n) return 0;
    unsigned char d = at(pos + i);
    unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
    if (d < l || d > h) return 0;
    *bad_len = i + 1;
  }
  return len;
}

std::string HexBytes(std::string_view text, size_t pos, size_t count) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = pos; i < text.size() && i < pos + count; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (!out.empty()) out += ' ';
    out += "0x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view text) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, text.data() + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    if (static_cast<unsigned char>(text[i]) < 0x80) { ++i; continue; }
    int bad;
    int len = WellFormedLength(text, i, &bad);
    if (len == 0) return i;
    i += static_cast<size_t>(len);
  }
  return std::string_view::npos;
}

Status ValidateUtf8(std::string_view text, uint64_t base_offset) {
  size_t bad = FindInvalidUtf8(text);
  if (bad == std::string_view::npos) return OkStatus();
  return InvalidInputError("invalid UTF-8 at byte offset " + std::to_string(base_offset + bad) +
                           " (bytes " + HexBytes(text, bad, 4) +
                           "); fix the encoding or pass --replace-invalid");
}

std::string ReplaceInvalidUtf8(std::string_view text, size_t* replaced) {
  std::string out;
  out.reserve(text.size());
  size_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    int bad;
    int len = WellFormedLength(text, i, &bad);
    if (len > 0) {
      out.append(text.data() + i, static_cast<size_t>(len));
      i += static_cast<size_t>(len);
    } else {
      out += "\xEF\xBF\xBD";
      ++count;
      i += static_cast<size_t>(bad);
    }
  }
  if (replaced) *replaced = count;
  return out;
}

size_t FindNul(std::string_view text) {
  const void* p = std::memchr(text.data(), 0, text.size());
  return p ? static_cast<size_t>(static_cast<const char*>(p) - text.data())
           : std::string_view::npos;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace unspin
