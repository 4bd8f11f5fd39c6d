#include "decoder/profile_router.h"

#include <algorithm>
#include <cmath>
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
    Profile profile;
    profile.name = name;
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
      for (const std::string& form : LexiconForms(lexicon, phrase)) {
        profile.evidence[form] = static_cast<float>(evidence);
        max_words_ = std::max(max_words_, Split(form, ' ').size());
      }
    };
    for (const auto& [word, seen_swapped] : profile_rates) {
      if (ratio.count(word) == 0 && seen_swapped.second > 0) put(word, std::log1p(-rho(word)));
    }
    for (const auto& [v, r] : ratio) {
      const double rho_v = rho(v);
      put(v, std::log((rho_v < 0 ? 1.0 : 1 - rho_v) + r));
    }
    profiles_.push_back(std::move(profile));
  }
}

std::vector<std::string> ProfileRouter::profiles() const {
  std::vector<std::string> names;
  for (const Profile& p : profiles_) names.push_back(p.name);
  return names;
}

double ProfileRouter::Evidence(const std::string& profile, const std::string& phrase) const {
  for (const Profile& p : profiles_) {
    if (p.name != profile) continue;
    auto it = p.evidence.find(phrase);
    return it == p.evidence.end() ? 0 : it->second;
  }
  return 0;
}

ProfileGuess ProfileRouter::Guess(std::string_view text) const {
  ProfileGuess guess;
  if (profiles_.empty()) return guess;
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  std::vector<std::string> words;
  for (const Token& t : tokens) {
    if (t.kind != TokenKind::kWord) continue;
    std::string w;
    AppendLower(t.Text(text), &w);
    NormalizeApostrophes(&w);
    words.push_back(std::move(w));
  }
  std::vector<double> log_ratio(profiles_.size(), 0);
  std::vector<uint32_t> matches(profiles_.size(), 0);
  std::string key;
  for (size_t k = 0; k < profiles_.size(); ++k) {
    const Profile& p = profiles_[k];
    // Longest match first at each word.
    for (size_t i = 0; i < words.size();) {
      size_t advance = 1;
      for (size_t n = std::min(max_words_, words.size() - i); n >= 1; --n) {
        key = words[i];
        for (size_t j = 1; j < n; ++j) key += ' ' + words[i + j];
        if (auto it = p.evidence.find(key); it != p.evidence.end()) {
          log_ratio[k] += it->second;
          ++matches[k];
          advance = n;
          break;
        }
      }
      i += advance;
    }
  }
  // Posterior over {clean, each profile}, the prior spread evenly.
  const double prior = kPrior / static_cast<double>(profiles_.size());
  size_t best = 0;
  for (size_t k = 1; k < profiles_.size(); ++k) {
    if (log_ratio[k] > log_ratio[best]) best = k;
  }
  // Normalised against the best, so that exp() cannot overflow.
  const double top = std::max(log_ratio[best], 0.0);
  double total = (1 - kPrior) * std::exp(-top);
  for (double r : log_ratio) total += prior * std::exp(r - top);
  guess.profile = profiles_[best].name;
  guess.log_ratio = log_ratio[best];
  guess.matches = matches[best];
  guess.probability = prior * std::exp(log_ratio[best] - top) / total;
  return guess;
}

}  // namespace unspin
