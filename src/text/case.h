// Letter case: detecting a word's casing pattern, folding to lower case for
// lookups, and carrying a casing pattern over to a replacement.
#ifndef UNSPIN_TEXT_CASE_H_
#define UNSPIN_TEXT_CASE_H_

#include <string>
#include <string_view>

namespace unspin {

enum class Casing {
  kLower,  // no upper-case letters ("press", "4x4")
  kTitle,  // first letter upper, the rest lower ("Press")
  kUpper,  // two or more letters, all upper ("NASA")
  kMixed,  // anything else ("iPhone", "McDonald")
};

// `text` must be valid UTF-8 (as everywhere below).
Casing DetectCasing(std::string_view text);

void AppendLower(std::string_view text, std::string* out);
std::string ToLower(std::string_view text);

// Applies `casing` to `lower` (a lower-case word or phrase): kTitle
// upper-cases its first letter, kUpper every letter; kLower and kMixed
// leave it as it is.
std::string ApplyCasing(std::string_view lower, Casing casing);

// Replaces every right single quotation mark (U+2019) with an ASCII
// apostrophe: the lexicon and the language model spell "don't" straight.
void NormalizeApostrophes(std::string* text);

// True if the first letter of `text` is upper case.
bool StartsUpper(std::string_view text);

}  // namespace unspin

#endif  // UNSPIN_TEXT_CASE_H_
