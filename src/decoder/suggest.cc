#include "decoder/suggest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "lexicon/inflect.h"
#include "text/case.h"
#include "text/tokenizer.h"
#include "text/utf8.h"
#include "util/strings.h"

namespace unspin {

namespace {

constexpr double kLn10 = 2.302585092994046;
// Paths kept per word position; a phrase of a few words has far fewer.
constexpr size_t kBeam = 64;

// ln of how much likelier a learned term ("random forest") is than another
// reading of the same words that the channel allows equally: a tortured
// phrase stands for a term of its field. Measured on a split of the PPS
// development list (docs/DECISIONS.md): top-1 rises with it up to about
// this value and no further.
constexpr double kKnownTermLogBonus = 10.0;
// A known term may also be reached through a word pair no source offers
// ("authentic terrible rate" for "true negative rate": negative is not
// among the thesaurus's originals of "terrible"), when the two words are
// two steps of synonymy apart (terrible ~ bad ~ negative: the term word is
// among the candidates of the observed word's candidates), at this ln
// channel weight, for at most half of the term's words. Tuned on a split
// of the PPS development list (docs/DECISIONS.md, "Suggest"); pairs with
// no such link cost top-1 at any weight tried.
constexpr double kTwoStepLogQ = -11.0;

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
  std::unordered_map<std::string, std::unordered_set<std::string>> two_steps;  // TwoSteps' cache

  // The originals of the learned phrase lists ("random forest"): the terms
  // of a field, which a tortured phrase stands for far more often than
  // for any other reading of its words.
  std::unordered_set<std::string> known_terms;
  static constexpr size_t kMaxTermWords = 6;
  std::vector<std::string> terms_by_length[kMaxTermWords + 1];

  Impl(const Model& m, const ChannelParams& c) : model(m) {
    SetChannel(c);
    if (model.learned() != nullptr) {
      for (const LearnedPair& p : model.learned()->pairs()) {
        if (p.kind == LearnedKind::kPhrase && p.original.find(' ') != std::string::npos) {
          if (!known_terms.insert(p.original).second) continue;
          const size_t n = Split(p.original, ' ').size();
          if (n <= kMaxTermWords) terms_by_length[n].push_back(p.original);
        }
      }
    }
  }

  void SetChannel(const ChannelParams& c) {
    channel = c;
    lists.clear();
    two_steps.clear();
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

  // Counts a swap of the observed words for `original` into *path: its
  // source (once per path, in text order) and the learned pair's evidence.
  void CreditSwap(uint32_t original, const std::vector<std::string>& observed, Path* path) {
    ++path->swaps;
    std::string source = SourceOf(original, observed);
    if (source == "learned" && model.learned() != nullptr) {
      path->evidence += model.learned()->Count(model.lexicon().Key(original), Join(observed, ' '));
    }
    if (std::find(path->sources.begin(), path->sources.end(), source) == path->sources.end()) {
      path->sources.push_back(std::move(source));
    }
  }

  // The best alignment of the observed `words` to `term`: each term word
  // either the observed word kept or part of a candidate of a run of
  // observed words. Fills the channel part of *path's score, its swaps,
  // sources and evidence; false if there is none or it swaps nothing.
  bool AlignTerm(const std::vector<std::string>& words, const std::vector<std::string>& term, int max_span,
                 double log_rho, double log_keep, Path* path) {
    const Lexicon& lex = model.lexicon();
    const size_t n = words.size(), m = term.size();
    constexpr double kNone = -std::numeric_limits<double>::infinity();
    struct Cell {
      double score = kNone;
      size_t from_i = 0, from_j = 0;
      const Candidate* swap = nullptr;  // null: a kept word, or a loose pair
      bool loose = false;               // one observed word for one term word, two steps apart
    };
    std::vector<Cell> f((n + 1) * (m + 1));
    Cell* const cells = f.data();
    if (cells == nullptr) return false;
    auto at_cell = [&](size_t i, size_t j) -> Cell& { return cells[i * (m + 1) + j]; };
    cells[0].score = 0;
    std::vector<std::string> run;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j <= m; ++j) {
        const Cell& here = at_cell(i, j);
        if (here.score == kNone) continue;
        if (j < m && words[i] == term[j]) {
          const uint32_t id = lex.Find(words[i]);
          const double keep = id != Lexicon::kNone && lex.HasSubstitutes(id, channel.filter) ? log_keep : 0.0;
          Cell& next = at_cell(i + 1, j + 1);
          if (here.score + keep > next.score) next = {here.score + keep, i, j, nullptr};
        } else if (j < m && TwoSteps(words[i]).contains(term[j])) {
          const double score = here.score + log_rho + kTwoStepLogQ;
          Cell& next = at_cell(i + 1, j + 1);
          if (score > next.score) next = {score, i, j, nullptr, true};
        }
        run.clear();
        for (size_t k = i; k < n && k < i + static_cast<size_t>(max_span); ++k) {
          run.push_back(words[k]);
          for (const Candidate& c : List(run)) {
            size_t used = 0;
            bool matches = true;
            for (size_t start = 0; start <= c.text.size() && matches;) {
              const size_t space = std::min(c.text.find(' ', start), c.text.size());
              matches = j + used < m && c.text.substr(start, space - start) == term[j + used];
              ++used;
              start = space + 1;
            }
            if (!matches) continue;
            Cell& next = at_cell(k + 1, j + used);
            const double score = here.score + log_rho + c.weight;
            if (score > next.score) next = {score, i, j, &c};
          }
        }
      }
    }
    if (at_cell(n, m).score == kNone) return false;
    *path = Path();
    path->score = at_cell(n, m).score;
    // The swaps, back to front: (first observed word, end, candidate).
    std::vector<std::tuple<size_t, size_t, const Candidate*>> swaps;
    size_t loose = 0;
    for (size_t i = n, j = m; i > 0;) {
      const Cell& c = at_cell(i, j);
      if (c.swap != nullptr) swaps.emplace_back(c.from_i, i, c.swap);
      loose += c.loose;
      const size_t from_i = c.from_i, from_j = c.from_j;
      i = from_i;
      j = from_j;
    }
    if (2 * loose > m) return false;
    if (loose > 0) {
      ++path->swaps;
      path->sources.push_back("learned");  // the learned term vouches for it
    }
    for (auto it = swaps.rbegin(); it != swaps.rend(); ++it) {
      const auto& [begin, end, candidate] = *it;
      CreditSwap(candidate->original,
                 std::vector<std::string>(words.begin() + static_cast<std::ptrdiff_t>(begin),
                                          words.begin() + static_cast<std::ptrdiff_t>(end)),
                 path);
    }
    return path->swaps > 0;
  }

  // The words two steps of synonymy from the observed `word`: the
  // originals offered for the originals offered for it (at most
  // kTwoStepWidth of each), cached per suggester.
  const std::unordered_set<std::string>& TwoSteps(const std::string& word) {
    auto it = two_steps.find(word);
    if (it != two_steps.end()) return it->second;
    constexpr size_t kTwoStepWidth = 24;
    std::unordered_set<std::string> out;
    std::vector<std::string> first;
    for (const Candidate& c : List({word})) {
      if (first.size() >= kTwoStepWidth) break;
      if (c.text.find(' ') == std::string_view::npos) first.emplace_back(c.text);
    }
    for (const std::string& f : first) {
      out.insert(f);
      size_t taken = 0;
      for (const Candidate& c : List({f})) {
        if (taken++ >= kTwoStepWidth) break;
        out.emplace(c.text);
      }
    }
    return two_steps.emplace(word, std::move(out)).first->second;
  }

  // The learned terms are the learned pairs' knowledge: a channel without
  // the learned source does not use them either.
  bool UsesLearned() const { return (channel.filter.sources & MaskOf(Source::kLearned)) != 0; }

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
            CreditSwap(c.original, run, &swapped);
            at[i + static_cast<size_t>(n)].push_back(std::move(swapped));
          }
        }
      }
    }
    // Known terms the beam may have lost: a term whose words the phrase's
    // words reach, each kept or swapped for a candidate of a run of them
    // (an alignment found by dynamic programming over the channel
    // weights), scored as the lattice scores that path.
    std::vector<Path>& done = at.back();
    for (size_t length = words.size() > 2 ? words.size() - 2 : 1; UsesLearned() && length <= words.size() + 2;
         ++length) {
      if (length > kMaxTermWords) break;
      for (const std::string& term : terms_by_length[length]) {
        Path p;
        if (!AlignTerm(words, Split(term, ' '), max_span, log_rho, log_keep, &p)) continue;
        p.state = start;
        for (const std::string& w : Split(term, ' ')) p.score += Word(lm.Vocab(w), &p.state);
        p.text = term;
        done.push_back(std::move(p));
      }
    }
    // Complete paths, one per text (the best), every one in the normaliser.
    std::sort(done.begin(), done.end(), [](const Path& a, const Path& b) { return a.score > b.score; });
    std::vector<Path> unique;
    for (Path& p : done) {
      if (std::none_of(unique.begin(), unique.end(), [&](const Path& u) { return u.text == p.text; })) {
        unique.push_back(std::move(p));
      }
    }
    for (Path& p : unique) {
      if (p.swaps > 0 && UsesLearned() && known_terms.contains(p.text)) p.score += kKnownTermLogBonus;
    }
    std::stable_sort(unique.begin(), unique.end(), [](const Path& a, const Path& b) { return a.score > b.score; });
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
