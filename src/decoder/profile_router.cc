#include "decoder/profile_router.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "decoder/learn.h"
#include "text/case.h"
#include "text/tokenizer.h"
#include "util/strings.h"

namespace unspin {

namespace {

constexpr double kLn10 = 2.302585092994046;
// Pseudo-words of the global rate behind each learned rate (LearnedChannel's).
constexpr double kRatePrior = 2.0;

// ln P(phrase) by the language model, without context.
double PhraseLogProb(const LanguageModel& lm, const std::string& phrase) {
  const std::vector<std::string> words = Split(phrase, ' ');
  std::vector<std::string_view> views(words.begin(), words.end());
  return lm.ScoreSentence(views, false, false) * kLn10;
}

}  // namespace

ProfileRouter::ProfileRouter(const LearnedPairs& pairs, const Lexicon& lexicon, const LanguageModel& lm,
                             double swap_rate) {
  // profile -> word -> (seen, swapped)
  std::map<std::string, std::map<std::string, std::pair<uint32_t, uint32_t>>> rates;
  for (const LearnedRate& r : pairs.rates()) rates[r.profile][r.word] = {r.seen, r.swapped};
  std::map<std::string, std::map<std::string, std::map<std::string, double>>> counts;  // profile, u, v
  for (const LearnedPair& p : pairs.pairs()) {
    if (rates.count(p.profile) != 0) counts[p.profile][p.original][p.substitute] += p.count;
  }
  // Profiles are added in turn, each a column of evidence_.
  std::vector<std::map<std::string, float>> columns;
  for (const auto& entry : rates) {
    // Named, not bound: a lambda below uses them (clang 14 cannot capture
    // a structured binding).
    const std::string& name = entry.first;
    const auto& profile_rates = entry.second;
    auto rho = [&](const std::string& word) -> double {
      auto it = profile_rates.find(word);
      if (it == profile_rates.end()) return -1;
      return (it->second.second + kRatePrior * swap_rate) / (it->second.first + kRatePrior);
    };
    std::map<std::string, float> column;
    std::map<std::string, double> ratio;  // substitute -> sum_u rho(u) q(v | u) P(u) / P(v)
    for (const auto& [u, subs] : counts[name]) {
      double c_u = 0;
      for (const auto& [v, c] : subs) c_u += c;
      const double rho_u = std::max(rho(u), 0.0);
      const double log_p_u = PhraseLogProb(lm, u);
      for (const auto& [v, c] : subs) {
        ratio[v] += rho_u * (c / c_u) * std::exp(std::min(log_p_u - PhraseLogProb(lm, v), 20.0));
      }
    }
    auto put = [&](const std::string& phrase, double evidence) {
      evidence = std::clamp(evidence, kMinEvidence, kMaxEvidence);
      for (const std::string& form : LexiconForms(lexicon, phrase)) column[form] = static_cast<float>(evidence);
    };
    for (const auto& [word, seen_swapped] : profile_rates) {
      if (ratio.count(word) == 0 && seen_swapped.second > 0) put(word, std::log1p(-rho(word)));
    }
    for (const auto& [v, r] : ratio) {
      const double rho_v = rho(v);
      put(v, std::log((rho_v < 0 ? 1.0 : 1 - rho_v) + r));
    }
    profiles_.push_back(name);
    columns.push_back(std::move(column));
  }
  const size_t n = profiles_.size();
  for (size_t k = 0; k < n; ++k) {
    for (const auto& [phrase, evidence] : columns[k]) {
      Entry& e = EntryFor(phrase);
      if (e.row == kNoRow) {
        e.row = static_cast<uint32_t>(evidence_.size() / n);
        evidence_.resize(evidence_.size() + n, std::numeric_limits<float>::quiet_NaN());
      }
      evidence_[e.row * n + k] = evidence;
      const std::vector<std::string> words = Split(phrase, ' ');
      Entry& first = EntryFor(words[0]);
      first.longest = std::max(first.longest, static_cast<uint32_t>(words.size()));
    }
  }
}

ProfileRouter::Entry& ProfileRouter::EntryFor(const std::string& phrase) {
  if (Entry* e = phrases_.Find(phrase, StringHash(phrase))) return *e;
  return *phrases_.Insert(phrase, Entry());
}

std::vector<std::string> ProfileRouter::profiles() const { return profiles_; }

double ProfileRouter::Evidence(const std::string& profile, const std::string& phrase) const {
  const Entry* e = phrases_.Find(phrase);
  for (size_t k = 0; k < profiles_.size(); ++k) {
    if (profiles_[k] != profile || e == nullptr || e->row == kNoRow) continue;
    const float evidence = evidence_[e->row * profiles_.size() + k];
    return std::isnan(evidence) ? 0 : evidence;
  }
  return 0;
}

ProfileGuess ProfileRouter::Guess(std::string_view text) const {
  ProfileGuess guess;
  if (profiles_.empty()) return guess;
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  std::vector<std::string> words;
  std::vector<const Entry*> entries;  // each word's own entry, or null
  for (const Token& t : tokens) {
    if (t.kind != TokenKind::kWord) continue;
    std::string w;
    AppendLower(t.Text(text), &w);
    NormalizeApostrophes(&w);
    entries.push_back(phrases_.Find(w, StringHash(w)));
    words.push_back(std::move(w));
  }
  const size_t n_profiles = profiles_.size();
  std::vector<double> log_ratio(n_profiles, 0);
  std::vector<uint32_t> matches(n_profiles, 0);
  std::string key;
  for (size_t k = 0; k < n_profiles; ++k) {
    // Longest match first at each word.
    for (size_t i = 0; i < words.size();) {
      size_t advance = 1;
      const size_t longest = entries[i] == nullptr ? 0 : std::min<size_t>(entries[i]->longest, words.size() - i);
      for (size_t n = std::max<size_t>(longest, 1); n >= 1; --n) {
        const Entry* e = entries[i];
        if (n > 1) {
          key = words[i];
          for (size_t j = 1; j < n; ++j) key.append(" ").append(words[i + j]);
          e = phrases_.Find(key, StringHash(key));
        }
        const float evidence = e == nullptr || e->row == kNoRow ? std::numeric_limits<float>::quiet_NaN()
                                                                : evidence_[e->row * n_profiles + k];
        if (!std::isnan(evidence)) {
          log_ratio[k] += evidence;
          ++matches[k];
          advance = n;
          break;
        }
      }
      i += advance;
    }
  }
  // Posterior over {clean, each profile}, the prior spread evenly.
  const double prior = kPrior / static_cast<double>(n_profiles);
  size_t best = 0;
  for (size_t k = 1; k < n_profiles; ++k) {
    if (log_ratio[k] > log_ratio[best]) best = k;
  }
  // Normalised against the best, so that exp() cannot overflow.
  const double top = std::max(log_ratio[best], 0.0);
  double total = (1 - kPrior) * std::exp(-top);
  for (double r : log_ratio) total += prior * std::exp(r - top);
  guess.profile = profiles_[best];
  guess.log_ratio = log_ratio[best];
  guess.matches = matches[best];
  guess.probability = prior * std::exp(log_ratio[best] - top) / total;
  return guess;
}

}  // namespace unspin
