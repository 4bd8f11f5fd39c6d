#include "text/case.h"

#include <utf8proc.h>

#include "text/utf8.h"

namespace unspin {

namespace {
bool IsUpperCp(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  return utf8proc_isupper(static_cast<utf8proc_int32_t>(cp));
}
bool IsLowerCp(char32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  return utf8proc_islower(static_cast<utf8proc_int32_t>(cp));
}
char32_t LowerCp(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
}
char32_t UpperCp(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(cp)));
}
}  // namespace

Casing DetectCasing(std::string_view text) {
  int letters = 0, uppers = 0;
  bool first_upper = false, later_upper = false;
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    i += static_cast<size_t>(DecodeUtf8(text, i, &cp));
    bool up = IsUpperCp(cp);
    if (!up && !IsLowerCp(cp)) continue;
    if (letters == 0) first_upper = up;
    else if (up) later_upper = true;
    ++letters;
    uppers += up;
  }
  if (uppers == 0) return Casing::kLower;
  if (uppers == letters && letters >= 2) return Casing::kUpper;
  if (first_upper && !later_upper) return Casing::kTitle;
  return Casing::kMixed;
}

void AppendLower(std::string_view text, std::string* out) {
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c));
      ++i;
      continue;
    }
    char32_t cp;
    i += static_cast<size_t>(DecodeUtf8(text, i, &cp));
    AppendUtf8(LowerCp(cp), out);
  }
}

std::string ToLower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendLower(text, &out);
  return out;
}

std::string ApplyCasing(std::string_view lower, Casing casing) {
  if (casing == Casing::kLower || casing == Casing::kMixed) return std::string(lower);
  std::string out;
  out.reserve(lower.size());
  bool done_first = false;
  for (size_t i = 0; i < lower.size();) {
    char32_t cp;
    i += static_cast<size_t>(DecodeUtf8(lower, i, &cp));
    bool letter = IsLowerCp(cp) || IsUpperCp(cp);
    if (casing == Casing::kUpper || (letter && !done_first)) {
      AppendUtf8(UpperCp(cp), &out);
    } else {
      AppendUtf8(cp, &out);
    }
    if (letter) done_first = true;
  }
  return out;
}

bool StartsUpper(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    i += static_cast<size_t>(DecodeUtf8(text, i, &cp));
    if (IsUpperCp(cp)) return true;
    if (IsLowerCp(cp)) return false;
  }
  return false;
}

void NormalizeApostrophes(std::string* text) {
  for (size_t p; (p = text->find("\xE2\x80\x99")) != std::string::npos;) text->replace(p, 3, "'");
}

}  // namespace unspin
