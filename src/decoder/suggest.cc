#include "decoder/suggest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "lexicon/inflect.h"
#include "text/case.h"
#include "text/tokenizer.h"
#include "text/utf8.h"

namespace unspin {

namespace {

constexpr double kLn10 = 2.302585092994046;
// Paths kept per word position; a phrase of a few words has far fewer.
constexpr size_t kBeam = 64;

struct Path {
  LmState state;
  double score = 0;
  std::string text;
  int swaps = 0;
  std::vector<std::string> sources;
  uint32_t evidence = 0;
};

double LogSumExp(const std::vector<double>& xs) {
  if (xs.empty()) return -std::numeric_limits<double>::infinity();
  const double m = *std::max_element(xs.begin(), xs.end());
  double sum = 0;
  for (double x : xs) sum += std::exp(x - m);
  return m + std::log(sum);
}

// The words of `text` as the decoder reads them: lower case, plain
// apostrophes, punctuation left out.
std::vector<std::string> ReadWords(std::string_view text) {
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  std::vector<std::string> words;
  for (const Token& t : tokens) {
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kNumber) continue;
    std::string w = ToLower(t.Text(text));
    NormalizeApostrophes(&w);
    words.push_back(std::move(w));
  }
  return words;
}

}  // namespace

struct Suggester::Impl {
  const Model& model;
  ChannelParams channel;
  std::unique_ptr<CandidateBuilder> builder;
  std::unordered_map<std::string, std::vector<Candidate>> lists;
  std::vector<OriginalReading> readings;

  Impl(const Model& m, const ChannelParams& c) : model(m) { SetChannel(c); }

  void SetChannel(const ChannelParams& c) {
    channel = c;
    lists.clear();
    builder = std::make_unique<CandidateBuilder>(model.lexicon(), model.lm(), channel);
  }

  const std::vector<Candidate>& List(const std::vector<std::string>& words) {
    std::string key;
    for (const std::string& w : words) key += (key.empty() ? "" : " ") + w;
    auto it = lists.find(key);
    if (it == lists.end()) {
      std::vector<Candidate> list;
      builder->Build(key, words, &list);
      it = lists.emplace(key, std::move(list)).first;
    }
    return it->second;
  }

  // The first source, in the order learned, table, thesaurus, whose senses
  // offer `original` for the observed words.
  std::string SourceOf(uint32_t original, const std::vector<std::string>& words) {
    const std::pair<SourceMask, const char*> kinds[] = {
        {MaskOf(Source::kLearned), "learned"},
        {MaskOf(Source::kTable), "table"},
        {static_cast<SourceMask>(MaskOf(Source::kMythes) | MaskOf(Source::kWordNet) | MaskOf(Source::kMoby)),
         "thesaurus"}};
    for (const auto& [mask, name] : kinds) {
      LexiconFilter filter = channel.filter;
      filter.sources = static_cast<SourceMask>(mask & (channel.filter.sources | channel.secondary_sources));
      if (filter.sources == 0) continue;
      OriginalReadings(model.lexicon(), words, filter, &readings);
      for (const OriginalReading& r : readings) {
        if (r.original == original) return name;
      }
    }
    return "thesaurus";
  }

  double Word(uint32_t id, LmState* state) const {
    const LanguageModel& lm = model.lm();
    if (id == lm.unk()) {
      *state = lm.NullContext();
      return channel.oov_log10 * kLn10;
    }
    return lm.Score(*state, id, state) * kLn10;
  }

  Status Suggest(std::string_view phrase, std::string_view context, int top, std::vector<Suggestion>* out) {
    out->clear();
    if (FindInvalidUtf8(phrase) != std::string_view::npos || FindInvalidUtf8(context) != std::string_view::npos) {
      return InvalidInputError("phrase or context is not valid UTF-8");
    }
    const std::vector<std::string> words = ReadWords(phrase);
    if (words.empty()) return InvalidInputError("the phrase has no words");
    if (words.size() > kMaxWords) {
      return InvalidInputError("the phrase has " + std::to_string(words.size()) + " words; at most " +
                               std::to_string(kMaxWords) + " are suggested for");
    }
    const LanguageModel& lm = model.lm();
    LmState start = lm.NullContext();
    for (const std::string& w : ReadWords(context)) Word(lm.Vocab(w), &start);
    const double log_rho = std::log(channel.swap_rate), log_keep = std::log1p(-channel.swap_rate);
    const Lexicon& lex = model.lexicon();
    const int max_span = std::max(1, channel.max_span_tokens);

    std::vector<std::vector<Path>> at(words.size() + 1);
    at[0].push_back({start, 0, "", 0, {}, 0});
    for (size_t i = 0; i < words.size(); ++i) {
      std::vector<Path>& here = at[i];
      std::sort(here.begin(), here.end(), [](const Path& a, const Path& b) { return a.score > b.score; });
      if (here.size() > kBeam) here.resize(kBeam);
      for (const Path& p : here) {
        // Keep word i.
        Path kept = p;
        const uint32_t id = lex.Find(words[i]);
        kept.score += Word(lm.Vocab(words[i]), &kept.state) +
                      (id != Lexicon::kNone && lex.HasSubstitutes(id, channel.filter) ? log_keep : 0.0);
        kept.text += (kept.text.empty() ? "" : " ") + words[i];
        at[i + 1].push_back(std::move(kept));
        // Swap the run of words [i, i + n).
        for (int n = 1; n <= max_span && i + static_cast<size_t>(n) <= words.size(); ++n) {
          const std::vector<std::string> run(words.begin() + static_cast<std::ptrdiff_t>(i),
                                             words.begin() + static_cast<std::ptrdiff_t>(i) + n);
          for (const Candidate& c : List(run)) {
            Path swapped = p;
            swapped.score += log_rho + c.weight;
            for (uint32_t w : c.lm) swapped.score += Word(w, &swapped.state);
            swapped.text += (swapped.text.empty() ? "" : " ") + std::string(c.text);
            ++swapped.swaps;
            std::string source = SourceOf(c.original, run);
            if (source == "learned" && model.learned() != nullptr) {
              std::string observed;
              for (const std::string& w : run) observed += (observed.empty() ? "" : " ") + w;
              swapped.evidence += model.learned()->Count(lex.Key(c.original), observed);
            }
            if (std::find(swapped.sources.begin(), swapped.sources.end(), source) == swapped.sources.end()) {
              swapped.sources.push_back(std::move(source));
            }
            at[i + static_cast<size_t>(n)].push_back(std::move(swapped));
          }
        }
      }
    }
    // Complete paths, one per text (the best), every one in the normaliser.
    std::vector<Path>& done = at.back();
    std::sort(done.begin(), done.end(), [](const Path& a, const Path& b) { return a.score > b.score; });
    std::vector<Path> unique;
    for (Path& p : done) {
      if (std::none_of(unique.begin(), unique.end(), [&](const Path& u) { return u.text == p.text; })) {
        unique.push_back(std::move(p));
      }
    }
    std::vector<double> scores;
    for (const Path& p : unique) scores.push_back(p.score);
    const double total = LogSumExp(scores);
    for (const Path& p : unique) {
      if (p.swaps == 0) continue;
      if (static_cast<int>(out->size()) >= top) break;
      out->push_back({p.text, std::exp(p.score - total), p.sources, p.evidence});
    }
    return OkStatus();
  }
};

Suggester::Suggester(const Model& model) : impl_(std::make_unique<Impl>(model, model.channel())) {}
Suggester::~Suggester() = default;
void Suggester::set_channel(const ChannelParams& channel) { impl_->SetChannel(channel); }

Status Suggester::Suggest(std::string_view phrase, std::string_view context, int top,
                          std::vector<Suggestion>* out) {
  return impl_->Suggest(phrase, context, top, out);
}

}  // namespace unspin
