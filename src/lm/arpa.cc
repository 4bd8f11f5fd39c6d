#include "lm/arpa.h"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "text/utf8.h"
#include "util/mapped_file.h"

namespace unspin {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Splits on runs of spaces and tabs.
void Fields(std::string_view line, std::vector<std::string_view>* out) {
  out->clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    size_t start = i;
    while (i < line.size() && !IsSpace(line[i])) ++i;
    if (i > start) out->push_back(line.substr(start, i - start));
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool ParseFloat(std::string_view s, float* out) {
  if (s == "-inf" || s == "-Inf" || s == "-INF") {
    *out = -99.0f;
    return true;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(*out);
}

// Reads lines with their numbers.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool Next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    *line = text_.substr(pos_, end - pos_);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos_ = end + 1;
    ++number_;
    return true;
  }
  size_t number() const { return number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0, number_ = 0;
};

}  // namespace

Result<NgramModel> ParseArpa(std::string_view text, const std::string& name) {
  Lines lines(text);
  std::string_view line;
  auto error = [&](const std::string& what) {
    return InvalidInputError(name + ":" + std::to_string(lines.number()) + ": " + what);
  };
  if (size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    size_t line_no = 1;
    for (size_t i = 0; i < bad; ++i) line_no += text[i] == '\n';
    return InvalidInputError(name + ":" + std::to_string(line_no) + ": invalid UTF-8 at byte " +
                             std::to_string(bad));
  }
  // Header.
  bool found = false;
  while (lines.Next(&line)) {
    if (Trim(line) == "\\data\\") {
      found = true;
      break;
    }
  }
  if (!found) return InvalidInputError(name + ": no \\data\\ line: not an ARPA language model");
  std::vector<uint64_t> counts;
  while (lines.Next(&line)) {
    std::string_view t = Trim(line);
    if (t.empty()) {
      if (counts.empty()) continue;
      break;
    }
    if (!t.starts_with("ngram ")) return error("expected 'ngram N=count', found '" + std::string(t) + "'");
    t.remove_prefix(6);
    size_t eq = t.find('=');
    unsigned n = 0;
    uint64_t c = 0;
    if (eq == std::string_view::npos) return error("expected 'ngram N=count'");
    std::string_view ns = Trim(t.substr(0, eq)), cs = Trim(t.substr(eq + 1));
    if (std::from_chars(ns.data(), ns.data() + ns.size(), n).ptr != ns.data() + ns.size() ||
        std::from_chars(cs.data(), cs.data() + cs.size(), c).ptr != cs.data() + cs.size() || ns.empty() ||
        cs.empty()) {
      return error("malformed count line 'ngram " + std::string(t) + "'");
    }
    if (n != counts.size() + 1) return error("counts must be listed for orders 1, 2, ... in turn");
    if (n > static_cast<unsigned>(kMaxLmOrder)) {
      return error("order " + std::to_string(n) + " is above the supported " + std::to_string(kMaxLmOrder));
    }
    // Each n-gram takes a line of at least 2n + 2 bytes ("p\tw w\n"): a
    // larger count is a damaged or hostile header, refused before it sizes
    // any allocation.
    if (c > text.size() / (2 * uint64_t{n} + 2)) {
      return error("declares " + std::to_string(c) + " " + std::to_string(n) + "-grams, more than its " +
                   std::to_string(text.size()) + " bytes can hold");
    }
    counts.push_back(c);
  }
  if (counts.empty()) return error("no 'ngram N=count' lines after \\data\\");
  if (counts[0] == 0) return error("the model has no unigrams");
  const int order = static_cast<int>(counts.size());

  NgramModel model;
  model.orders.resize(counts.size());
  std::unordered_map<std::string_view, uint32_t> ids;
  std::vector<std::string_view> fields;
  for (int n = 1; n <= order; ++n) {
    // The section header, after optional blank lines.
    const std::string want = "\\" + std::to_string(n) + "-grams:";
    bool header = false;
    while (lines.Next(&line)) {
      std::string_view t = Trim(line);
      if (t.empty()) continue;
      if (t != want) return error("expected '" + want + "', found '" + std::string(t.substr(0, 80)) + "'");
      header = true;
      break;
    }
    if (!header) return error("missing section " + want);
    NgramModel::Order& o = model.orders[static_cast<size_t>(n - 1)];
    const uint64_t count = counts[static_cast<size_t>(n - 1)];
    o.words.reserve(static_cast<size_t>(count) * static_cast<size_t>(n));
    o.probs.reserve(static_cast<size_t>(count));
    o.backoffs.reserve(static_cast<size_t>(count));
    for (uint64_t i = 0; i < count; ++i) {
      if (!lines.Next(&line)) return error("file ends inside " + want);
      Fields(line, &fields);
      if (fields.empty() || (fields.size() == 1 && fields[0].starts_with("\\"))) {
        return error(want + " has " + std::to_string(i) + " entries, but its count says " + std::to_string(count));
      }
      const size_t nf = static_cast<size_t>(n);
      if (fields.size() != nf + 1 && fields.size() != nf + 2) {
        return error("a " + std::to_string(n) + "-gram line needs a probability, " + std::to_string(n) +
                     " words and an optional backoff; found " + std::to_string(fields.size()) + " fields");
      }
      float prob = 0, backoff = 0;
      if (!ParseFloat(fields[0], &prob)) return error("bad probability '" + std::string(fields[0]) + "'");
      if (prob > 0) return error("probability " + std::string(fields[0]) + " is above 0 (log10)");
      if (fields.size() == nf + 2) {
        if (n == order) return error("the highest order cannot have a backoff");
        if (!ParseFloat(fields[nf + 1], &backoff)) return error("bad backoff '" + std::string(fields[nf + 1]) + "'");
      }
      for (size_t j = 1; j <= nf; ++j) {
        if (n == 1) {
          uint32_t id = static_cast<uint32_t>(model.vocab.size());
          if (!ids.emplace(fields[j], id).second) return error("unigram '" + std::string(fields[j]) + "' repeated");
          model.vocab.emplace_back(fields[j]);
          o.words.push_back(id);
        } else {
          auto it = ids.find(fields[j]);
          if (it == ids.end()) return error("word '" + std::string(fields[j]) + "' is not among the unigrams");
          o.words.push_back(it->second);
        }
      }
      o.probs.push_back(prob);
      o.backoffs.push_back(backoff);
    }
  }
  // The end marker, after optional blank lines; anything else is an error
  // (most often a count smaller than the lines present).
  while (lines.Next(&line)) {
    std::string_view t = Trim(line);
    if (t.empty()) continue;
    if (t == "\\end\\") {
      // Re-key the vocabulary: views into `text` were only for parsing.
      RETURN_IF_ERROR(model.Validate());
      return model;
    }
    return error("expected \\end\\ or a blank line, found '" + std::string(t.substr(0, 80)) +
                 "' (is a count in \\data\\ too small?)");
  }
  return InvalidInputError(name + ": no \\end\\ line: the file is truncated");
}

Result<NgramModel> ReadArpaFile(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  return ParseArpa(file->view(), path);
}

std::string FormatArpa(const NgramModel& model) {
  std::string out = "\\data\\\n";
  for (int n = 1; n <= model.order(); ++n) {
    out += "ngram " + std::to_string(n) + "=" + std::to_string(model.orders[static_cast<size_t>(n - 1)].size()) + "\n";
  }
  char buf[32];
  auto append_float = [&](float v) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  };
  for (int n = 1; n <= model.order(); ++n) {
    out += "\n\\" + std::to_string(n) + "-grams:\n";
    const NgramModel::Order& o = model.orders[static_cast<size_t>(n - 1)];
    for (size_t i = 0; i < o.size(); ++i) {
      append_float(o.probs[i]);
      for (int j = 0; j < n; ++j) {
        out += '\t';
        out += model.vocab[o.words[i * static_cast<size_t>(n) + static_cast<size_t>(j)]];
      }
      if (o.backoffs[i] != 0) {
        out += '\t';
        append_float(o.backoffs[i]);
      }
      out += '\n';
    }
  }
  out += "\n\\end\\\n";
  return out;
}

}  // namespace unspin
