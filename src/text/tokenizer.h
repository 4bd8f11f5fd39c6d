// Tokenisation with byte offsets. Tokens never overlap, are in text order,
// and every byte between two tokens (or before the first, or after the
// last) is white space; so the input is rebuilt byte for byte from the
// tokens and the gaps between them (see Detokenize).
//
// Words keep internal apostrophes ("don't", "Israel's", "Israel’s"),
// hyphens ("six-week", "COVID-19") and single-letter abbreviation periods
// ("U.S.", "e.g."); numbers keep their separators ("1,139", "3.5").
#ifndef UNSPIN_TEXT_TOKENIZER_H_
#define UNSPIN_TEXT_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace unspin {

enum class TokenKind : uint8_t {
  kWord,    // letters, possibly with digits ("G7", "10-year-old")
  kNumber,  // digits with optional separators ("2024", "1,139", "3.5")
  kPunct,   // one punctuation character
  kSymbol,  // one other character (symbols, emoji, controls)
};

enum TokenFlag : uint8_t {
  kSentenceStart = 1 << 0,   // first word or number of a sentence
  kLineStart = 1 << 1,       // first token after a line break
  kParagraphStart = 1 << 2,  // first token after a blank line (or of text)
  kFirstUpper = 1 << 3,      // first letter is upper case
  kHasDigit = 1 << 4,        // a word containing a digit
};

struct Token {
  uint32_t begin = 0;  // byte offsets into the text, [begin, end)
  uint32_t end = 0;
  TokenKind kind = TokenKind::kWord;
  uint8_t flags = 0;

  uint32_t size() const { return end - begin; }
  bool Has(TokenFlag f) const { return (flags & f) != 0; }
  bool IsWord() const { return kind == TokenKind::kWord; }
  std::string_view Text(std::string_view text) const {
    return text.substr(begin, end - begin);
  }
};

// Appends the tokens of `text` to `out` (cleared first). Preconditions:
// `text` is valid UTF-8 and shorter than 4 GiB (callers chunk larger input).
void Tokenize(std::string_view text, std::vector<Token>* out);

// One replacement of the bytes [begin, end) of a text by `text`.
struct Edit {
  uint32_t begin;
  uint32_t end;
  std::string text;
};

// Rebuilds `text` with `edits` applied; edits must be sorted and must not
// overlap. With no edits the result equals `text`.
std::string ApplyEdits(std::string_view text, const std::vector<Edit>& edits);

}  // namespace unspin

#endif  // UNSPIN_TEXT_TOKENIZER_H_
