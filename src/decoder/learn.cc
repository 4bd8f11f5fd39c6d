#include "decoder/learn.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "decoder/candidates.h"
#include "lexicon/inflect.h"
#include "text/case.h"
#include "text/tokenizer.h"
#include "trace/align.h"
#include "util/string_index.h"
#include "util/strings.h"

namespace unspin {

namespace {

// Runs longer than this on either side are not one swap; they are learned
// only when they split word by word.
constexpr uint32_t kMaxPhraseWords = 4;

std::string TokenKey(std::string_view text, const Token& t) {
  std::string key = ToLower(t.Text(text));
  NormalizeApostrophes(&key);
  return key;
}

std::string JoinTokens(std::string_view text, const std::vector<Token>& tokens, uint32_t begin, uint32_t end) {
  std::string out;
  for (uint32_t k = begin; k < end; ++k) {
    if (!out.empty()) out.push_back(' ');
    out.append(tokens[k].Text(text));
  }
  return out;
}

bool IsWordOrNumber(const Token& t) { return t.kind == TokenKind::kWord || t.kind == TokenKind::kNumber; }

// The lower-case key NormalizePhrase gives, with plain apostrophes; empty
// if `text` is no phrase of 1..4 words.
std::string PhraseKey(std::string_view text) {
  std::string key, display;
  int tokens = 0;
  if (!NormalizePhrase(text, &key, &display, &tokens)) return "";
  NormalizeApostrophes(&key);
  return key;
}

}  // namespace

std::vector<DocumentSwap> AlignedSwaps(std::string_view original, std::string_view spun) {
  std::vector<Token> orig_tokens, spun_tokens;
  Tokenize(original, &orig_tokens);
  Tokenize(spun, &spun_tokens);
  std::vector<uint64_t> orig_hashes, spun_hashes;
  for (const Token& t : orig_tokens) orig_hashes.push_back(StringHash(TokenKey(original, t)));
  for (const Token& t : spun_tokens) spun_hashes.push_back(StringHash(TokenKey(spun, t)));
  const Alignment alignment = AlignWords(spun_hashes, orig_hashes, 1);
  std::vector<DocumentSwap> out;
  for (const AlignedRun& run : alignment.runs) {
    if (run.same) continue;
    DocumentSwap s;
    const bool has_spun = run.query.size() > 0, has_original = run.source.size() > 0;
    s.kind = has_spun && has_original ? DocumentSwap::kSwap
             : has_spun               ? DocumentSwap::kInsertion
                                      : DocumentSwap::kDeletion;
    if (has_spun) {
      s.spun_begin = spun_tokens[run.query.begin].begin;
      s.spun_end = spun_tokens[run.query.end - 1].end;
    } else {
      // An empty range where the original words were.
      s.spun_begin = s.spun_end = run.query.begin < spun_tokens.size()
                                      ? spun_tokens[run.query.begin].begin
                                      : static_cast<uint32_t>(spun.size());
    }
    if (has_original) {
      s.original_begin = orig_tokens[run.source.begin].begin;
      s.original_end = orig_tokens[run.source.end - 1].end;
    } else {
      s.original_begin = s.original_end = run.source.begin < orig_tokens.size()
                                              ? orig_tokens[run.source.begin].begin
                                              : static_cast<uint32_t>(original.size());
    }
    s.spun = JoinTokens(spun, spun_tokens, run.query.begin, run.query.end);
    s.original = JoinTokens(original, orig_tokens, run.source.begin, run.source.end);
    for (uint32_t k = run.query.begin; k < run.query.end; ++k) {
      s.spun_words += IsWordOrNumber(spun_tokens[k]);
      s.punctuation |= !IsWordOrNumber(spun_tokens[k]);
    }
    for (uint32_t k = run.source.begin; k < run.source.end; ++k) {
      s.original_words += IsWordOrNumber(orig_tokens[k]);
      s.punctuation |= !IsWordOrNumber(orig_tokens[k]);
    }
    out.push_back(std::move(s));
  }
  return out;
}

uint64_t DocumentSplitKey(const DocumentPair& pair) { return LearnedFromKey("doc", pair.original); }

uint64_t PhraseSplitKey(const PhrasePair& pair) {
  std::string key = ToLower(pair.spun);
  NormalizeApostrophes(&key);
  return LearnedFromKey("phrase", key);
}

// --- Learner ------------------------------------------------------------

Learner::WordPair Learner::Lemmas(const std::string& original, const std::string& substitute) const {
  const uint32_t a = lexicon_.Find(original), b = lexicon_.Find(substitute);
  if (a == Lexicon::kNone || b == Lexicon::kNone) return {original, substitute};
  std::vector<Lexicon::Analysis> of_a, of_b;
  lexicon_.Analyses(a, &of_a);
  lexicon_.Analyses(b, &of_b);
  // Both inflected the same way: the lemmas. A word that is a lemma itself
  // has no analyses; then the pair stays as given.
  for (const auto& x : of_a) {
    for (const auto& y : of_b) {
      if (x.tag == y.tag && x.lemma != y.lemma) {
        return {std::string(lexicon_.Key(x.lemma)), std::string(lexicon_.Key(y.lemma))};
      }
    }
  }
  return {original, substitute};
}

bool Learner::IsStopword(const std::string& lower_word) const {
  const uint32_t id = lexicon_.Find(lower_word);
  return id != Lexicon::kNone && lexicon_.IsStopword(id);
}

std::string Learner::RateKey(const std::string& lower_word) const {
  const uint32_t id = lexicon_.Find(lower_word);
  if (id == Lexicon::kNone) return lower_word;
  std::vector<Lexicon::Analysis> analyses;
  lexicon_.Analyses(id, &analyses);
  return analyses.empty() ? lower_word : std::string(lexicon_.Key(analyses.front().lemma));
}

std::string Learner::Singular(const std::string& lower_word) const {
  const uint32_t id = lexicon_.Find(lower_word);
  if (id == Lexicon::kNone) return lower_word;
  std::vector<Lexicon::Analysis> analyses;
  lexicon_.Analyses(id, &analyses);
  // Only a plural of one lemma ("networks", noun or verb): "forest" is no
  // superlative of "fore".
  bool plural = false;
  for (const Lexicon::Analysis& a : analyses) {
    if (a.lemma != analyses[0].lemma) return lower_word;
    plural |= a.tag == Inflection::kPlural;
  }
  return plural ? std::string(lexicon_.Key(analyses[0].lemma)) : lower_word;
}

bool Learner::Linked(const std::string& a, const std::string& b) const {
  const uint32_t ia = lexicon_.Find(a), ib = lexicon_.Find(b);
  if (ia == Lexicon::kNone || ib == Lexicon::kNone) return false;
  // Thesauri and the rewrite table only: a lexicon's own learned source
  // must not vouch for what is being learned (evaluation learns per fold
  // with a lexicon compiled from every fold).
  LexiconFilter any;
  any.relations = 0xFF;
  any.sources = static_cast<SourceMask>(kAllSources & ~MaskOf(Source::kLearned));
  std::vector<uint32_t> subs;
  lexicon_.Substitutes(ia, any, &subs);
  if (std::find(subs.begin(), subs.end(), ib) != subs.end()) return true;
  lexicon_.Substitutes(ib, any, &subs);
  return std::find(subs.begin(), subs.end(), ia) != subs.end();
}

bool Learner::Plausible(const std::string& original, const std::string& substitute) const {
  if (seen_alone_.contains({original, substitute})) return true;
  if (Linked(original, substitute)) return true;
  const WordPair lemmas = Lemmas(original, substitute);
  return lemmas.original != original && Linked(lemmas.original, lemmas.substitute);
}

bool Learner::AddPair(const std::string& profile, const std::string& original, const std::string& substitute,
                      LearnedKind kind) {
  // "cross-breed" is also written "cross breed": both spellings are learned.
  if (substitute.find('-') != std::string::npos) {
    std::string spaced = substitute;
    std::replace(spaced.begin(), spaced.end(), '-', ' ');
    AddOnePair(profile, original, spaced, kind);
  }
  return AddOnePair(profile, original, substitute, kind);
}

Learner::WordPair Learner::PairKey(const std::string& original, const std::string& substitute) const {
  const std::string o = PhraseKey(original), s = PhraseKey(substitute);
  if (o.empty() || s.empty() || o == s) return {};
  if (o.find(' ') == std::string::npos && s.find(' ') == std::string::npos) {
    WordPair lemmas = Lemmas(o, s);
    // Inflected differently ("networks" / "organization", as lists pair a
    // plural term with a singular phrase): each word's own lemma, so that
    // the pair is learned once and re-inflected together.
    if (lemmas.original == o && lemmas.substitute == s) lemmas = {Singular(o), Singular(s)};
    if (lemmas.original == lemmas.substitute) return {};
    return lemmas;
  }
  // Phrases inflect at their last word ("neural associations" / "neural
  // networks"): learned as lemma phrases, so that every form is known.
  std::vector<std::string> ow = Split(o, ' '), sw = Split(s, ' ');
  const WordPair last = ow.back() == sw.back() ? WordPair{Singular(ow.back()), Singular(sw.back())}
                                               : Lemmas(ow.back(), sw.back());
  if (last.original != ow.back()) {
    ow.back() = last.original;
    sw.back() = last.substitute;
  }
  WordPair key{Join(ow, ' '), Join(sw, ' ')};
  if (key.original == key.substitute) return {};
  return key;
}

bool Learner::AddOnePair(const std::string& profile, const std::string& original, const std::string& substitute,
                         LearnedKind kind) {
  const WordPair key = PairKey(original, substitute);
  if (key.original.empty()) return false;
  pairs_.Add(profile, key.original, key.substitute, 1, kind);
  return true;
}

void Learner::CountRates(const DocumentPair& doc, const std::vector<DocumentSwap>& swaps,
                         const std::string& profile) {
  std::vector<Token> tokens;
  Tokenize(doc.original, &tokens);
  std::map<std::string, std::pair<uint32_t, uint32_t>> counts;  // key -> (seen, swapped)
  size_t next = 0;  // the first swap that does not end before the token
  for (const Token& t : tokens) {
    if (t.kind != TokenKind::kWord) continue;
    while (next < swaps.size() && swaps[next].original_end <= t.begin) ++next;
    const DocumentSwap* in = next < swaps.size() && swaps[next].original_begin <= t.begin &&
                                     t.end <= swaps[next].original_end && swaps[next].kind != DocumentSwap::kInsertion
                                 ? &swaps[next]
                                 : nullptr;
    if (in != nullptr && in->kind == DocumentSwap::kDeletion) continue;  // dropped, not met
    const std::string word = PhraseKey(t.Text(doc.original));
    if (word.empty()) continue;
    auto& c = counts[RateKey(word)];
    ++c.first;
    // A word of a swapped run that the spun side also has was kept there.
    if (in != nullptr) {
      bool kept = false;
      for (const std::string& w : Split(PhraseKey(in->spun).empty() ? ToLower(in->spun) : PhraseKey(in->spun), ' ')) {
        kept |= w == word;
      }
      c.second += !kept;
    }
  }
  for (const auto& [word, c] : counts) pairs_.AddRate(profile, word, c.first, c.second);
}

void Learner::AddDocuments(const std::vector<DocumentPair>& docs, const std::string& default_profile) {
  // Pass 1: every swap, and the one-word swaps, which make word-by-word
  // splits of longer runs plausible.
  std::vector<std::vector<DocumentSwap>> swaps(docs.size());
  for (size_t d = 0; d < docs.size(); ++d) {
    swaps[d] = AlignedSwaps(docs[d].original, docs[d].spun);
    for (const DocumentSwap& s : swaps[d]) {
      if (s.kind == DocumentSwap::kSwap && !s.punctuation && s.spun_words == 1 && s.original_words == 1) {
        seen_alone_.insert({PhraseKey(s.original), PhraseKey(s.spun)});
      }
    }
  }
  for (size_t d = 0; d < docs.size(); ++d) {
    const std::string& profile = docs[d].profile.empty() ? default_profile : docs[d].profile;
    ++report_.documents;
    pairs_.AddFrom({"doc", DocumentSplitKey(docs[d]), docs[d].label});
    CountRates(docs[d], swaps[d], profile);
    for (const DocumentSwap& s : swaps[d]) {
      if (s.kind == DocumentSwap::kInsertion) {
        ++report_.insertions;
        continue;
      }
      if (s.kind == DocumentSwap::kDeletion) {
        ++report_.deletions;
        continue;
      }
      ++report_.swaps;
      if (s.punctuation) continue;
      const std::vector<std::string> o = Split(s.original, ' '), v = Split(s.spun, ' ');
      // Word by word, when every differing word pair is plausible on its
      // own, or when none of them involves a function word: adjacent swaps
      // of content words ("price started" / "worth began") are one run to
      // the aligner, while function-word phrases ("as well as" / "in
      // addition to") are rewritten whole.
      bool split = o.size() == v.size() && o.size() > 1;
      bool all_plausible = true, function_word = false;
      for (size_t k = 0; split && k < o.size(); ++k) {
        const std::string a = PhraseKey(o[k]), b = PhraseKey(v[k]);
        split = !a.empty() && !b.empty();
        if (!split || a == b) continue;
        all_plausible &= Plausible(a, b);
        function_word |= IsStopword(a) || IsStopword(b);
      }
      split = split && (all_plausible || !function_word);
      if (split) {
        for (size_t k = 0; k < o.size(); ++k) {
          if (PhraseKey(o[k]) == PhraseKey(v[k])) continue;
          AddPair(profile, o[k], v[k], LearnedKind::kSwap);
          ++report_.word_pairs;
        }
        ++report_.swaps_learned;
      } else if (s.original_words <= kMaxPhraseWords && s.spun_words <= kMaxPhraseWords) {
        AddPair(profile, s.original, s.spun, LearnedKind::kSwap);
        ++report_.swaps_learned;
      }
    }
  }
}

void Learner::AddPhrases(const std::vector<PhrasePair>& phrases, const std::string& profile) {
  for (const PhrasePair& p : phrases) {
    ++report_.phrases;
    pairs_.AddFrom({"phrase", PhraseSplitKey(p), p.spun});
    std::string o = ToLower(p.original), v = ToLower(p.spun);
    NormalizeApostrophes(&o);
    NormalizeApostrophes(&v);
    // A function word for a phrase ("and" / "associate in nursingd") is a
    // tool's misreading, not a phrase of the field: learning it would make
    // every "and" a candidate swap.
    const bool function_word = o.find(' ') == std::string::npos && IsStopword(o);
    bool learned = !function_word && AddPair(profile, o, v, LearnedKind::kPhrase);
    std::vector<Token> ot, vt;
    Tokenize(o, &ot);
    Tokenize(v, &vt);
    if (ot.size() == vt.size() && ot.size() > 1) {
      for (size_t k = 0; k < ot.size(); ++k) {
        const std::string a(ot[k].Text(o)), b(vt[k].Text(v));
        if (a == b || !IsWordOrNumber(ot[k]) || !IsWordOrNumber(vt[k])) continue;
        // Tortured phrases swap content words; a function word that differs
        // ("of" / "for") is a variant of the phrase, not the tool's swap.
        if (IsStopword(a) || IsStopword(b)) continue;
        if (AddPair(profile, a, b, LearnedKind::kWord)) {
          ++report_.word_pairs;
          learned = true;
        }
      }
    }
    report_.phrases_learned += learned;
  }
}

std::set<std::string> LexiconForms(const Lexicon& lexicon, const std::string& phrase) {
  std::set<std::string> forms = {phrase};
  if (const uint32_t id = lexicon.Find(phrase); id != Lexicon::kNone) {
    for (int tag = 1; tag < kInflectionCount; ++tag) {
      std::string form = InflectPhrase(lexicon, id, static_cast<Inflection>(tag));
      if (!form.empty()) forms.insert(ToLower(form));
    }
  }
  return forms;
}

ChannelParams LearnedChannel(const ChannelParams& base, const LearnedPairs& pairs, const Lexicon& lexicon,
                             const LanguageModel& lm, double smoothing) {
  // Pseudo-words of the global rate behind each learned swap rate.
  constexpr double kRatePrior = 2.0;
  ChannelParams channel = base;
  channel.filter.sources = static_cast<SourceMask>(channel.filter.sources | MaskOf(Source::kLearned));
  channel.secondary_sources = static_cast<SourceMask>(channel.secondary_sources & ~MaskOf(Source::kLearned));
  channel.pair_log_q.clear();
  channel.keep_log.clear();
  channel.unseen_pair_log_q = 0;
  std::map<std::string, std::map<std::string, double>> counts;  // original -> substitute -> count
  for (const LearnedPair& p : pairs.pairs()) counts[p.original][p.substitute] += p.count;
  std::set<std::string> originals;
  for (const auto& [u, subs] : counts) originals.insert(u);
  for (const LearnedRate& r : pairs.rates()) originals.insert(r.word);
  CandidateBuilder builder(lexicon, lm, channel);
  const double rho = channel.swap_rate;
  for (const std::string& original : originals) {
    const uint32_t u = lexicon.Find(original);
    if (u == Lexicon::kNone) continue;  // not compiled into this lexicon
    // The spinner's own rate for this word, where it was seen: q is scaled
    // by rho(u) / rho, since the lattice prices every swap with rho.
    double rate_shift = 0;
    if (const auto [seen, swapped] = pairs.Rate(original); seen > 0) {
      const double rho_u = std::clamp((swapped + kRatePrior * rho) / (seen + kRatePrior), 1e-3, 0.99);
      rate_shift = std::log(rho_u / rho);
      const float keep = static_cast<float>(std::log1p(-rho_u));
      for (const std::string& form : LexiconForms(lexicon, original)) channel.keep_log[form] = keep;
    }
    auto it = counts.find(original);
    if (it == counts.end()) {
      if (rate_shift != 0) channel.pair_log_q[original + "\t*"] = static_cast<float>(rate_shift);
      continue;
    }
    double c_u = 0;
    for (const auto& [v, c] : it->second) c_u += c;
    const double q0 = std::exp(builder.DefaultLogQ(u));
    for (const auto& [v, c] : it->second) {
      const float log_q = static_cast<float>(std::log((c + smoothing * q0) / (c_u + smoothing)) + rate_shift);
      for (const std::string& form : LexiconForms(lexicon, v)) {
        float& entry = channel.pair_log_q.try_emplace(original + '\t' + form, log_q).first->second;
        entry = std::max(entry, log_q);
      }
    }
    channel.pair_log_q[original + "\t*"] =
        static_cast<float>(std::log(smoothing / (c_u + smoothing)) + rate_shift);
  }
  return channel;
}

ChannelParams WithoutLearned(const ChannelParams& channel) {
  ChannelParams c = channel;
  c.filter.sources = static_cast<SourceMask>(c.filter.sources & ~MaskOf(Source::kLearned));
  c.secondary_sources = static_cast<SourceMask>(c.secondary_sources & ~MaskOf(Source::kLearned));
  c.pair_log_q.clear();
  c.keep_log.clear();
  c.unseen_pair_log_q = 0;
  return c;
}

std::vector<std::string> RoutedProfiles(const LearnedPairs& pairs) {
  std::set<std::string> names;
  for (const LearnedRate& r : pairs.rates()) names.insert(r.profile);
  return {names.begin(), names.end()};
}

ChannelParams PlainChannel(const ChannelParams& channel, const LearnedPairs& pairs, const Lexicon& lexicon,
                           const LanguageModel& lm) {
  const std::vector<std::string> routed = RoutedProfiles(pairs);
  auto is_routed = [&](const std::string& profile) {
    return std::find(routed.begin(), routed.end(), profile) != routed.end();
  };
  std::vector<std::string> unrouted;
  for (const std::string& profile : pairs.Profiles()) {
    if (!is_routed(profile)) unrouted.push_back(profile);
  }
  ChannelParams plain = LearnedChannel(WithoutLearned(channel), pairs.Select(unrouted), lexicon, lm);
  // A phrase list is no spinner's whole dictionary: its pairs add to the
  // thesaurus's substitutes without taking q from them ("network" stays
  // open to every synonym a spinner may draw, beside "organization").
  // Word for word, a list's pairs are candidates at the thesaurus's q: a
  // peaked q(organization | network) from "neural organization" would read
  // every "organization" of plain prose as "network". Phrases keep theirs.
  plain.pair_log_q.erase_if([](const auto& entry) {
    return entry.first.ends_with("\t*") || entry.first.find(' ') == std::string::npos;
  });
  LexiconFilter thesauri = channel.filter;
  thesauri.sources = static_cast<SourceMask>((channel.filter.sources | channel.secondary_sources) &
                                             ~MaskOf(Source::kLearned));
  // A pair the thesauri offer too, as the decoder reads the observed
  // phrase (lemmatised, re-inflected), keeps the thesaurus's q.
  std::vector<OriginalReading> readings;
  for (const LearnedPair& p : pairs.pairs()) {
    if (!is_routed(p.profile)) continue;
    const uint32_t u = lexicon.Find(p.original);
    if (u == Lexicon::kNone) continue;
    for (const std::string& form : LexiconForms(lexicon, p.substitute)) {
      OriginalReadings(lexicon, Split(form, ' '), thesauri, &readings);
      const bool offered = std::any_of(readings.begin(), readings.end(),
                                       [&](const OriginalReading& r) { return r.original == u; });
      // An unrouted profile's entry for the same pair (try_emplace) stands.
      if (!offered) plain.pair_log_q.try_emplace(p.original + '\t' + form, kExcludedLogQ);
    }
  }
  return plain;
}

}  // namespace unspin
