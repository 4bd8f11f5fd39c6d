#include "spin/spinner.h"

#include <algorithm>

#include "lexicon/inflect.h"
#include "text/case.h"
#include "util/strings.h"

namespace unspin {

namespace {

// Strips a possessive "'s" / "’s" from a lower-case word into `suffix`.
std::string_view StripPossessive(std::string_view word, std::string_view* suffix) {
  for (std::string_view s : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")}) {
    if (word.size() > s.size() && word.ends_with(s)) {
      *suffix = word.substr(word.size() - s.size());
      return word.substr(0, word.size() - s.size());
    }
  }
  *suffix = {};
  return word;
}

}  // namespace

Spinner::Spinner(const Lexicon& lexicon, SpinOptions options)
    : lexicon_(lexicon), options_(std::move(options)) {}

bool Spinner::TryKey(const std::string& key, Inflection tag, int tokens, Match* match) const {
  return TryId(lexicon_.Find(key), tag, tokens, match);
}

bool Spinner::TryId(uint32_t id, Inflection tag, int tokens, Match* match) const {
  if (id == Lexicon::kNone) return false;
  LexiconFilter filter = options_.profile.filter;
  // Function words change only through the rewrite table.
  if (tokens == 1 && lexicon_.IsStopword(id)) filter.sources &= MaskOf(Source::kTable);
  if (options_.profile.respect_pos && tag != Inflection::kBase) {
    filter.pos = PosBit(PosOfInflection(tag));
    if (PosOfInflection(tag) == Pos::kAdj) filter.pos |= PosBit(Pos::kAdv);
  }
  // The rewrite table lists surface forms ("said", "says"); it never
  // applies to an inflected match.
  if (tag != Inflection::kBase) filter.sources &= static_cast<SourceMask>(~MaskOf(Source::kTable));
  if (!lexicon_.HasSubstitutes(id, filter)) return false;
  match->filter = filter;
  match->lemma = id;
  match->tag = tag;
  match->tokens = tokens;
  return true;
}

void Spinner::CollectSubstitutes(Match* match) const {
  const uint32_t id = match->lemma;
  const LexiconFilter& filter = match->filter;
  // Weight each substitute by the senses that offer it, each sense sharing
  // one unit among its substitutes: a spinner picks a sense, then a word,
  // so a 40-word Moby group does not drown a 3-word synset.
  match->substitutes.clear();
  match->sources.clear();
  match->weights.clear();
  std::vector<uint32_t>& offered = match->scratch;
  for (uint32_t m : lexicon_.Memberships(id)) {
    uint32_t sense = m >> 2;
    if (!(m & kRoleOriginal) || !lexicon_.SenseAllowed(sense, filter)) continue;
    offered.clear();
    for (uint32_t member : lexicon_.SenseMembers(sense)) {
      uint32_t other = Lexicon::MemberString(member);
      if (other != id && lexicon_.SubstituteAllowed(member, filter)) offered.push_back(other);
    }
    for (uint32_t other : offered) {
      double w = 1.0 / static_cast<double>(offered.size());
      auto it = std::find(match->substitutes.begin(), match->substitutes.end(), other);
      if (it == match->substitutes.end()) {
        match->substitutes.push_back(other);
        match->sources.push_back(lexicon_.SenseSource(sense));
        match->weights.push_back(w);
      } else {
        match->weights[static_cast<size_t>(it - match->substitutes.begin())] += w;
      }
    }
  }
}

bool Spinner::MatchPhrase(const std::vector<std::string>& words, Match* match) const {
  const int n = static_cast<int>(words.size());
  if (n == 1) {  // the common case: no key building, one hash look-up
    uint32_t id = lexicon_.Find(words[0]);
    if (id == Lexicon::kNone) return false;
    if (TryId(id, Inflection::kBase, 1, match)) return true;
    lexicon_.Analyses(id, &match->analyses);
    for (const auto& a : match->analyses) {
      if (TryId(a.lemma, a.tag, 1, match)) return true;
    }
    return false;
  }
  if (TryKey(Join(words, ' '), Inflection::kBase, n, match)) return true;
  // One inflected word: "took part" -> "take part", "agencies" -> "agency".
  std::vector<Lexicon::Analysis> analyses;
  for (int j = n - 1; j >= 0; --j) {
    uint32_t form = lexicon_.Find(words[j]);
    if (form == Lexicon::kNone) continue;
    lexicon_.Analyses(form, &analyses);
    for (const auto& a : analyses) {
      std::vector<std::string> lemma_words = words;
      lemma_words[static_cast<size_t>(j)] = std::string(lexicon_.Key(a.lemma));
      if (TryKey(Join(lemma_words, ' '), a.tag, n, match)) return true;
    }
  }
  return false;
}

void Spinner::Spin(std::string_view text, Rng* rng, SpinResult* out) const {
  out->text.clear();
  out->swaps.clear();
  out->words = 0;
  out->eligible = 0;
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  std::vector<Edit> edits;
  std::vector<std::string> words;
  std::vector<Lexicon::Analysis> analyses;
  const int max_tokens = options_.profile.max_phrase_tokens;

  auto usable = [&](size_t i, Casing* casing) {
    const Token& t = tokens[i];
    if (!t.IsWord() || t.Has(kHasDigit)) return false;
    *casing = DetectCasing(t.Text(text));
    if (*casing == Casing::kMixed) return false;
    if (!options_.swap_names && t.Has(kFirstUpper) && !t.Has(kSentenceStart)) return false;
    return true;
  };

  for (size_t i = 0; i < tokens.size();) {
    Casing first_casing;
    if (!tokens[i].IsWord()) {
      ++i;
      continue;
    }
    ++out->words;
    if (!usable(i, &first_casing)) {
      ++i;
      continue;
    }
    // The longest run of words joined by single spaces that could form a
    // phrase; later words must be lower case (or all upper case like the
    // first), so "rose Garden" is not read as a phrase.
    int run = 1;
    words.clear();
    std::string possessive;  // "'s" carried over to the substitute
    words.push_back(ToLower(tokens[i].Text(text)));
    bool could_start_phrase = false;
    if (max_tokens > 1) {
      uint32_t id = lexicon_.Find(words[0]);
      if (id != Lexicon::kNone) {
        could_start_phrase = lexicon_.StartsPhrase(id);
        lexicon_.Analyses(id, &analyses);
        for (const auto& a : analyses) could_start_phrase |= lexicon_.StartsPhrase(a.lemma);
      }
    }
    if (could_start_phrase) {
      while (run < max_tokens && i + run < tokens.size()) {
        const Token& prev = tokens[i + run - 1];
        const Token& next = tokens[i + run];
        Casing c;
        if (next.begin != prev.end + 1 || text[prev.end] != ' ' || !usable(i + run, &c)) break;
        if (c != Casing::kLower && !(first_casing == Casing::kUpper && c == Casing::kUpper)) break;
        words.push_back(ToLower(tokens[i + run].Text(text)));
        ++run;
      }
    }
    Match match;
    bool found = false;
    for (int len = run; len >= 1 && !found; --len) {
      std::vector<std::string> phrase(words.begin(), words.begin() + len);
      std::string_view suffix_view;
      std::string base(StripPossessive(phrase.back(), &suffix_view));
      std::string suffix(suffix_view);  // copied: the view dies with phrase.back()
      phrase.back() = base;
      if (MatchPhrase(phrase, &match)) {
        found = true;
        possessive = suffix;
      }
    }
    if (!found) {
      ++i;
      continue;
    }
    ++out->eligible;
    if (rng->Uniform() >= options_.rate) {
      ++i;
      continue;
    }
    CollectSubstitutes(&match);
    if (match.substitutes.empty()) {  // cannot happen: eligibility checked the same filters
      i += static_cast<size_t>(match.tokens);
      continue;
    }
    double total = 0;
    for (double w : match.weights) total += w;
    double r = rng->Uniform() * total;
    size_t pick = 0;
    while (pick + 1 < match.weights.size() && r >= match.weights[pick]) r -= match.weights[pick++];
    std::string replacement = InflectPhrase(lexicon_, match.substitutes[pick], match.tag);
    // Substitutes with casing of their own ("Den Haag") keep it; others
    // take the original's: title case at a sentence start, or all caps.
    if (DetectCasing(replacement) == Casing::kLower &&
        (first_casing == Casing::kUpper || first_casing == Casing::kTitle)) {
      replacement = ApplyCasing(replacement, first_casing);
    }
    replacement += possessive;
    const Token& first = tokens[i];
    const Token& last = tokens[i + static_cast<size_t>(match.tokens) - 1];
    std::string_view original = text.substr(first.begin, last.end - first.begin);
    if (replacement != original) {
      SpinSwap swap;
      swap.original_begin = first.begin;
      swap.original_end = last.end;
      swap.original = std::string(original);
      swap.spun = replacement;
      swap.source = match.sources[pick];
      out->swaps.push_back(std::move(swap));
      edits.push_back({first.begin, last.end, std::move(replacement)});
    }
    i += static_cast<size_t>(match.tokens);
  }
  out->text = ApplyEdits(text, edits);
  int64_t delta = 0;
  for (SpinSwap& s : out->swaps) {
    s.spun_begin = static_cast<uint32_t>(s.original_begin + delta);
    s.spun_end = static_cast<uint32_t>(s.spun_begin + s.spun.size());
    delta += static_cast<int64_t>(s.spun.size()) - static_cast<int64_t>(s.original.size());
  }
}

}  // namespace unspin
