// How a line of text becomes the tokens of one LM sentence. The trainer,
// the perplexity tool and the decoders all use this, so a model is queried
// with tokens of the same form it was trained on.
#ifndef UNSPIN_LM_LM_TEXT_H_
#define UNSPIN_LM_LM_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer.h"
#include "util/status.h"

namespace unspin {

enum class LmTokens {
  // unspin's tokenizer; words and numbers kept, lower-cased; punctuation
  // and symbols dropped. The form of the CMU model and of the decoders.
  kWords,
  // Split on spaces and tabs, kept as written (text already tokenised, as
  // other toolkits expect it).
  kWhitespace,
};

// Parses "words" or "whitespace".
Result<LmTokens> ParseLmTokens(std::string_view name);

class LmLineTokenizer {
 public:
  explicit LmLineTokenizer(LmTokens mode) : mode_(mode) {}

  // The tokens of `line` (valid UTF-8), valid until the next call. In
  // kWhitespace mode the sentence markers <s> and </s> written in the text
  // are dropped (the model adds its own); kWords never yields them, since
  // '<' and '>' are punctuation to the tokenizer.
  const std::vector<std::string_view>& Tokens(std::string_view line);

 private:
  LmTokens mode_;
  std::vector<Token> tokens_;
  std::string lowered_;
  std::vector<uint32_t> ends_;
  std::vector<std::string_view> views_;
};

}  // namespace unspin

#endif  // UNSPIN_LM_LM_TEXT_H_
