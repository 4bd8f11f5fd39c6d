#include "text/tokenizer.h"

#include <utf8proc.h>

#include <array>
#include <cstring>

#include "text/utf8.h"

namespace unspin {

namespace {

enum CharClass : uint8_t {
  kSpace,
  kNewline,
  kLetterLower,
  kLetterUpper,
  kLetterOther,  // letters without case, combining marks
  kDigit,
  kApostrophe,   // ' and U+2019
  kHyphen,       // - and U+2010, U+2011
  kPeriod,
  kComma,
  kSentenceEnd,  // ! ? and U+2026
  kOpenPunct,    // quotes and brackets that open
  kPunctOther,
  kSymbolOther,
};

constexpr std::array<uint8_t, 128> MakeAsciiTable() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) t[c] = kSymbolOther;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kLetterLower;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kLetterUpper;
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  t[' '] = t['\t'] = t['\r'] = t['\f'] = t['\v'] = kSpace;
  t['\n'] = kNewline;
  t['\''] = kApostrophe;
  t['-'] = kHyphen;
  t['.'] = kPeriod;
  t[','] = kComma;
  t['!'] = t['?'] = kSentenceEnd;
  t['"'] = t['('] = t['['] = t['{'] = kOpenPunct;
  for (char c : {':', ';', ')', ']', '}', '/', '\\', '_', '*', '&', '#', '@', '%'}) {
    t[static_cast<unsigned char>(c)] = kPunctOther;
  }
  return t;
}
constexpr std::array<uint8_t, 128> kAscii = MakeAsciiTable();

CharClass ClassifyCodePoint(char32_t cp) {
  switch (cp) {
    case 0x2019: return kApostrophe;
    case 0x2010: case 0x2011: return kHyphen;
    case 0x2026: return kSentenceEnd;
    case 0x2028: case 0x2029: case 0x85: return kNewline;
    case 0x201C: case 0x2018: case 0x00AB: return kOpenPunct;
    default: break;
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: return kLetterUpper;
    case UTF8PROC_CATEGORY_LL: return kLetterLower;
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return kLetterOther;
    case UTF8PROC_CATEGORY_ZS: return kSpace;
    case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP: return kNewline;
    case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PI: return kOpenPunct;
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PF: case UTF8PROC_CATEGORY_PO:
      return kPunctOther;
    default: return kSymbolOther;
  }
}

// Class and byte length of the character at text[pos] (pos < size).
inline CharClass ClassAt(std::string_view text, size_t pos, int* len) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) {
    *len = 1;
    return static_cast<CharClass>(kAscii[c]);
  }
  char32_t cp;
  *len = DecodeUtf8(text, pos, &cp);
  return ClassifyCodePoint(cp);
}

inline bool IsLetter(CharClass c) {
  return c == kLetterLower || c == kLetterUpper || c == kLetterOther;
}
inline bool IsWordChar(CharClass c) { return IsLetter(c) || c == kDigit; }

inline CharClass ClassAtOrSpace(std::string_view text, size_t pos) {
  if (pos >= text.size()) return kSpace;
  int len;
  return ClassAt(text, pos, &len);
}

// Abbreviations after which a period does not end a sentence.
bool IsAbbreviation(std::string_view word) {
  static const char* const kAbbrev[] = {
      "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "gen", "sen", "rep",
      "gov", "lt", "col", "sgt", "capt", "adm", "rev", "hon", "jan", "feb", "mar",
      "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "figs",
      "eq", "vol", "no", "pp", "al", "approx", "dept", "est", "inc", "ltd", "co",
      "corp", "mt", "ft", "cf", "ca"};
  if (word.size() > 6) return false;
  char lower[8];
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  std::string_view w(lower, word.size());
  for (const char* a : kAbbrev) {
    if (w == a) return true;
  }
  return false;
}

}  // namespace

void Tokenize(std::string_view text, std::vector<Token>* out) {
  out->clear();
  const size_t n = text.size();
  size_t pos = 0;
  uint8_t pending = kSentenceStart | kLineStart | kParagraphStart;
  bool sentence_pending = true;
  int newlines_in_gap = 0;
  char last_nonspace = 0;  // last ASCII byte of the previous token, for line-break rules
  while (pos < n) {
    int len;
    CharClass cls = ClassAt(text, pos, &len);
    if (cls == kSpace || cls == kNewline) {
      if (cls == kNewline) {
        ++newlines_in_gap;
        pending |= kLineStart;
        if (newlines_in_gap >= 2) {
          pending |= kParagraphStart;
          sentence_pending = true;
        } else if (!(last_nonspace >= 'a' && last_nonspace <= 'z') && last_nonspace != ',') {
          // A line that does not end mid-phrase (a title, a list item) ends
          // its sentence; hard-wrapped prose ends lines with a lower-case
          // word or a comma and does not.
          sentence_pending = true;
        }
      }
      pos += static_cast<size_t>(len);
      continue;
    }
    newlines_in_gap = 0;
    Token tok;
    tok.begin = static_cast<uint32_t>(pos);
    tok.flags = pending & (kLineStart | kParagraphStart);
    pending = 0;
    if (IsWordChar(cls)) {
      bool all_digits = cls == kDigit;
      bool has_digit = cls == kDigit;
      bool has_inner_period = false;
      if (cls == kLetterUpper) tok.flags |= kFirstUpper;
      size_t segment_start = pos;  // start of the run since the last '.'
      pos += static_cast<size_t>(len);
      while (pos < n) {
        CharClass c = ClassAt(text, pos, &len);
        if (IsWordChar(c)) {
          if (c == kDigit) has_digit = true;
          else all_digits = false;
          pos += static_cast<size_t>(len);
          continue;
        }
        CharClass next = ClassAtOrSpace(text, pos + static_cast<size_t>(len));
        if (all_digits && (c == kComma || c == kPeriod) && next == kDigit) {
          pos += static_cast<size_t>(len);  // 1,139 or 3.5
          continue;
        }
        if ((c == kApostrophe && IsLetter(next)) || (c == kHyphen && IsWordChar(next))) {
          all_digits = false;
          pos += static_cast<size_t>(len);
          continue;
        }
        if (c == kPeriod && !all_digits) {
          bool one_letter_segment = pos - segment_start == 1;
          if (one_letter_segment && IsLetter(next)) {  // U.S, e.g
            has_inner_period = true;
            pos += 1;
            segment_start = pos;
            continue;
          }
          if (has_inner_period && one_letter_segment && !IsWordChar(next)) {
            pos += 1;  // the final period of U.S.
          }
        }
        break;
      }
      tok.end = static_cast<uint32_t>(pos);
      if (all_digits) {
        tok.kind = TokenKind::kNumber;
      } else {
        tok.kind = TokenKind::kWord;
        if (has_digit) tok.flags |= kHasDigit;
      }
      if (sentence_pending) tok.flags |= kSentenceStart;
      sentence_pending = false;
    } else {
      tok.end = static_cast<uint32_t>(pos + static_cast<size_t>(len));
      pos += static_cast<size_t>(len);
      tok.kind = cls == kSymbolOther ? TokenKind::kSymbol : TokenKind::kPunct;
      if (cls == kSentenceEnd) {
        sentence_pending = true;
      } else if (cls == kPeriod) {
        // "Mr." and "J." do not end sentences; the word must touch the period.
        bool abbreviation = false;
        if (!out->empty()) {
          const Token& prev = out->back();
          if (prev.end == tok.begin && prev.kind == TokenKind::kWord) {
            std::string_view w = prev.Text(text);
            abbreviation = w.size() == 1 || IsAbbreviation(w);
          }
        }
        if (!abbreviation) sentence_pending = true;
      }
    }
    last_nonspace = text[tok.end - 1];
    out->push_back(tok);
  }
}

std::string ApplyEdits(std::string_view text, const std::vector<Edit>& edits) {
  std::string out;
  size_t extra = 0;
  for (const Edit& e : edits) extra += e.text.size();
  out.reserve(text.size() + extra);
  size_t at = 0;
  for (const Edit& e : edits) {
    out.append(text.substr(at, e.begin - at));
    out.append(e.text);
    at = e.end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace unspin
