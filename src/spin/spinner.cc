#include "spin/spinner.h"

#include <algorithm>

#include "lexicon/inflect.h"
#include "text/case.h"

namespace unspin {

Spinner::Spinner(const Lexicon& lexicon, SpinOptions options)
    : lexicon_(lexicon),
      options_(std::move(options)),
      eligible_memo_(std::make_unique<std::atomic<uint16_t>[]>(lexicon.size())) {}

bool Spinner::TryId(uint32_t id, Inflection tag, int tokens, Match* match) const {
  if (id == Lexicon::kNone) return false;
  static_assert(kInflectionCount * 2 <= 16);
  const int shift = 2 * static_cast<int>(tag);
  const uint16_t known = static_cast<uint16_t>(1u << shift), yes = static_cast<uint16_t>(2u << shift);
  const uint16_t memo = eligible_memo_[id].load(std::memory_order_relaxed);
  if ((memo & known) && !(memo & yes)) return false;
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
  if (!(memo & known)) {
    const bool has = lexicon_.HasSubstitutes(id, filter);
    eligible_memo_[id].fetch_or(static_cast<uint16_t>(known | (has ? yes : 0)), std::memory_order_relaxed);
    if (!has) return false;
  }
  match->filter = filter;
  match->lemma = id;
  match->tag = tag;
  match->tokens = tokens;
  return true;
}

bool Spinner::PickSubstitute(const Match& match, Rng* rng, uint32_t* substitute, Source* source) const {
  const uint32_t id = match.lemma;
  const LexiconFilter& filter = match.filter;
  // A spinner picks a sense, then a word of it, so a 40-word Moby group
  // does not drown a 3-word synset. Sampling that way directly touches the
  // members of one sense only, not the hundreds a word like "run" has.
  auto offerable = [&](uint32_t member) {
    return Lexicon::MemberString(member) != id && lexicon_.SubstituteAllowed(member, filter);
  };
  auto allowed = [&](uint32_t m) { return (m & kRoleOriginal) && lexicon_.SenseAllowed(m >> 2, filter); };
  auto pick_from = [&](uint32_t m) {
    auto members = lexicon_.SenseMembers(m >> 2);
    auto offered = static_cast<uint32_t>(std::count_if(members.begin(), members.end(), offerable));
    if (offered == 0) return false;
    uint32_t pick = rng->Below(offered);
    for (uint32_t member : members) {
      if (offerable(member) && pick-- == 0) {
        *substitute = Lexicon::MemberString(member);
        *source = lexicon_.SenseSource(m >> 2);
        break;
      }
    }
    return true;
  };
  // A uniform draw among the allowed senses, redrawn while the sense offers
  // nothing, is a uniform draw among the senses that offer something, and
  // needs no pass over every sense's members.
  const auto memberships = lexicon_.Memberships(id);
  const auto allowed_count = static_cast<uint32_t>(std::count_if(memberships.begin(), memberships.end(), allowed));
  if (allowed_count == 0) return false;
  for (int attempt = 0; attempt < 64; ++attempt) {
    uint32_t k = rng->Below(allowed_count);
    for (uint32_t m : memberships) {
      if (allowed(m) && k-- == 0) {
        if (pick_from(m)) return true;
        break;
      }
    }
  }
  // Almost every allowed sense offers something; if draws keep missing, take
  // the first that does rather than loop on.
  for (uint32_t m : memberships) {
    if (allowed(m) && pick_from(m)) return true;
  }
  return false;
}

namespace {

// One word token, looked up once per Spin call however many phrases it
// takes part in.
struct Word {
  bool ready = false;
  uint32_t lower_begin = 0, lower_end = 0;  // in Words::arena
  uint32_t suffix = 0;                       // bytes of a trailing "'s"/"’s"
  uint32_t id = Lexicon::kNone;              // of the whole lower-case word
  uint32_t base_id = Lexicon::kNone;         // of the word without "'s"
};

struct Words {
  const Lexicon& lexicon;
  std::string_view text;
  std::string arena;
  std::vector<Word> entries;  // parallel to the tokens

  const Word& At(const Token& token, size_t i) {
    Word& e = entries[i];
    if (e.ready) return e;
    e.ready = true;
    e.lower_begin = static_cast<uint32_t>(arena.size());
    AppendLower(token.Text(text), &arena);
    e.lower_end = static_cast<uint32_t>(arena.size());
    std::string_view lower = Lower(e);
    e.id = lexicon.Find(lower);
    e.base_id = e.id;
    for (std::string_view s : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")}) {
      if (lower.size() > s.size() && lower.ends_with(s)) {
        e.suffix = static_cast<uint32_t>(s.size());
        e.base_id = lexicon.Find(lower.substr(0, lower.size() - s.size()));
        break;
      }
    }
    return e;
  }
  std::string_view Lower(const Word& e) const {
    return std::string_view(arena).substr(e.lower_begin, e.lower_end - e.lower_begin);
  }
};

// Calls visit(key, tag) on the readings of the first `n` words of `phrase`
// as lexicon keys, until it returns true: the words as they are, then with
// one word lemmatised ("took part" -> "take part", "news agencies" -> "news
// agency"), last word first. With `strip_last`, the last word is read
// without its possessive ending. Returns whether some visit returned true.
template <typename Visit>
bool ForEachReading(const Words& words, const std::vector<const Word*>& phrase, int n, bool strip_last,
                    std::string* key, std::vector<Lexicon::Analysis>* analyses, Visit visit) {
  auto word = [&](int j) {
    const Word& e = *phrase[static_cast<size_t>(j)];
    std::string_view w = words.Lower(e);
    return strip_last && j == n - 1 ? w.substr(0, w.size() - e.suffix) : w;
  };
  auto build_key = [&](int replaced, std::string_view replacement) {
    key->clear();
    for (int j = 0; j < n; ++j) {
      if (j > 0) key->push_back(' ');
      key->append(j == replaced ? replacement : word(j));
    }
  };
  build_key(-1, {});
  if (visit(*key, Inflection::kBase)) return true;
  for (int j = n - 1; j >= 0; --j) {
    const Word& e = *phrase[static_cast<size_t>(j)];
    const uint32_t form = strip_last && j == n - 1 ? e.base_id : e.id;
    if (form == Lexicon::kNone) continue;
    words.lexicon.Analyses(form, analyses);
    for (const auto& a : *analyses) {
      build_key(j, words.lexicon.Key(a.lemma));
      if (visit(*key, a.tag)) return true;
    }
  }
  return false;
}

}  // namespace

void Spinner::Spin(std::string_view text, Rng* rng, SpinResult* out) const {
  out->text.clear();
  out->swaps.clear();
  out->words = 0;
  out->eligible = 0;
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  Words words{lexicon_, text, {}, std::vector<Word>(tokens.size())};
  std::vector<Edit> edits;
  std::vector<const Word*> phrase;
  std::vector<Lexicon::Analysis> analyses;
  std::string key;
  Match match;
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
    phrase.clear();
    phrase.push_back(&words.At(tokens[i], i));
    bool could_start_phrase = false;
    if (max_tokens > 1 && phrase[0]->id != Lexicon::kNone) {
      const uint32_t id = phrase[0]->id;
      could_start_phrase = lexicon_.StartsPhrase(id);
      lexicon_.Analyses(id, &analyses);
      for (const auto& a : analyses) could_start_phrase |= lexicon_.StartsPhrase(a.lemma);
    }
    if (could_start_phrase) {
      while (static_cast<int>(phrase.size()) < max_tokens && i + phrase.size() < tokens.size()) {
        const size_t next_index = i + phrase.size();
        const Token& prev = tokens[next_index - 1];
        const Token& next = tokens[next_index];
        Casing c;
        if (next.begin != prev.end + 1 || text[prev.end] != ' ' || !usable(next_index, &c)) break;
        if (c != Casing::kLower && !(first_casing == Casing::kUpper && c == Casing::kUpper)) break;
        phrase.push_back(&words.At(next, next_index));
      }
    }
    // Keep only as many words as some phrase in the lexicon may start with
    // (most runs: one), so that few full look-ups are made.
    for (int n = 2; n <= static_cast<int>(phrase.size()); ++n) {
      auto may_start = [&](std::string_view k, Inflection) { return lexicon_.MayStartPhrase(k); };
      if (!ForEachReading(words, phrase, n, true, &key, &analyses, may_start) &&
          !(phrase[static_cast<size_t>(n - 1)]->suffix &&
            ForEachReading(words, phrase, n, false, &key, &analyses, may_start))) {
        phrase.resize(static_cast<size_t>(n - 1));
        break;
      }
    }
    bool found = false;
    for (; !phrase.empty(); phrase.pop_back()) {
      const int n = static_cast<int>(phrase.size());
      if (n == 1) {  // a single word: its ids are known, no key to build
        const uint32_t id = phrase[0]->base_id;
        if (id == Lexicon::kNone) break;
        if ((found = TryId(id, Inflection::kBase, 1, &match))) break;
        lexicon_.Analyses(id, &analyses);
        for (const auto& a : analyses) {
          if ((found = TryId(a.lemma, a.tag, 1, &match))) break;
        }
        break;
      }
      found = ForEachReading(words, phrase, n, true, &key, &analyses, [&](std::string_view k, Inflection tag) {
        return TryId(lexicon_.Find(k), tag, n, &match);
      });
      if (found) break;
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
    uint32_t substitute;
    Source source;
    if (!PickSubstitute(match, rng, &substitute, &source)) {  // cannot happen: eligibility checked
      i += static_cast<size_t>(match.tokens);
      continue;
    }
    std::string replacement = InflectPhrase(lexicon_, substitute, match.tag);
    // Substitutes with casing of their own ("Den Haag") keep it; others
    // take the original's: title case at a sentence start, or all caps.
    if (DetectCasing(replacement) == Casing::kLower &&
        (first_casing == Casing::kUpper || first_casing == Casing::kTitle)) {
      replacement = ApplyCasing(replacement, first_casing);
    }
    const Token& first = tokens[i];
    const Token& last = tokens[i + static_cast<size_t>(match.tokens) - 1];
    // The possessive ending is carried over to the substitute.
    replacement.append(text.substr(last.end - phrase.back()->suffix, phrase.back()->suffix));
    std::string_view original = text.substr(first.begin, last.end - first.begin);
    if (replacement != original) {
      SpinSwap swap;
      swap.original_begin = first.begin;
      swap.original_end = last.end;
      swap.original = std::string(original);
      swap.spun = replacement;
      swap.source = source;
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
