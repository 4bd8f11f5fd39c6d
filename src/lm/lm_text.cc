#include "lm/lm_text.h"

#include "text/case.h"

namespace unspin {

Result<LmTokens> ParseLmTokens(std::string_view name) {
  if (name == "words") return LmTokens::kWords;
  if (name == "whitespace") return LmTokens::kWhitespace;
  return InvalidArgumentError("unknown tokens mode '" + std::string(name) + "' (expected words or whitespace)");
}

const std::vector<std::string_view>& LmLineTokenizer::Tokens(std::string_view line) {
  views_.clear();
  auto is_marker = [](std::string_view t) { return t == "<s>" || t == "</s>"; };
  if (mode_ == LmTokens::kWhitespace) {
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      const size_t begin = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      const std::string_view token = line.substr(begin, i - begin);
      if (!token.empty() && !is_marker(token)) views_.push_back(token);
    }
    return views_;
  }
  // Lower-cased words go into one buffer; views are made after it stops
  // growing.
  Tokenize(line, &tokens_);
  lowered_.clear();
  ends_.clear();
  for (const Token& t : tokens_) {
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kNumber) continue;
    AppendLower(t.Text(line), &lowered_);
    ends_.push_back(static_cast<uint32_t>(lowered_.size()));
  }
  uint32_t begin = 0;
  for (uint32_t end : ends_) {
    views_.emplace_back(lowered_.data() + begin, end - begin);
    begin = end;
  }
  return views_;
}

}  // namespace unspin
