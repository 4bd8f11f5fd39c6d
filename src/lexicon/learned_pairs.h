// A spinner's dictionary learned from its real output: which original
// phrase it was seen writing as which substitute, how often, and from what
// kind of evidence. `unspin learn` makes it (decoder/learn.h); `unspin
// model build` compiles it into the lexicon (the `learned` source, so its
// pairs become candidates) and into the channel (q peaked on what the
// spinner was seen to do); the decoder reads the counts back as the
// evidence of a flagged span.
//
// Stored as text, so that anyone can read what a model learned:
//
//   #unspin-learned-pairs<TAB>1
//   #checksum<TAB>XXH3-64 of the data lines, 16 hex digits
//   # free comments (what it was learned from, the command)
//   pair<TAB>profile<TAB>original<TAB>substitute<TAB>count<TAB>kind
//   rate<TAB>profile<TAB>word<TAB>seen<TAB>swapped
//   from<TAB>doc|phrase<TAB>key hash<TAB>label (a URL or an id)
//
// A `rate` line says how often a word (a lemma key) stood in the originals
// of aligned documents and how often the spinner swapped it there: a real
// spinner swaps the words of its dictionary nearly always and the others
// never, which a global swap rate cannot say.
//
// The `from` lines name every document and phrase learned from, by the
// hash of the key that evaluation splits on (LearnedFromKey), so that
// `unspin eval real` can refuse to measure on them.
//
// Invariants of a loaded table: keys are lower case, normalised as lexicon
// keys (NormalizePhrase) and differ from each other; counts are >= 1; one
// entry per (profile, original, substitute, kind), sorted by them.
#ifndef UNSPIN_LEXICON_LEARNED_PAIRS_H_
#define UNSPIN_LEXICON_LEARNED_PAIRS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "util/flat_string_map.h"

#include "util/status.h"

namespace unspin {

// Where a learned pair's evidence comes from.
enum class LearnedKind : uint8_t {
  kSwap = 0,    // a differing run of an aligned original / spun document pair
  kPhrase = 1,  // a listed phrase pair (spun<TAB>original), whole
  kWord = 2,    // a word pair inside a listed phrase pair of equal length
  kEm = 3,      // expected swaps on unaligned output (unspin adapt)
};
const char* LearnedKindName(LearnedKind kind);
std::optional<LearnedKind> ParseLearnedKind(std::string_view name);

struct LearnedPair {
  std::string profile;     // the spinner it was seen in ("autoblog-common")
  std::string original;    // lemma phrase, as a lexicon key
  std::string substitute;  // lemma phrase, as a lexicon key
  uint32_t count = 0;
  LearnedKind kind = LearnedKind::kSwap;
};

// How often a spinner met and swapped one word.
struct LearnedRate {
  std::string profile;
  std::string word;  // lemma key
  uint32_t seen = 0, swapped = 0;  // swapped <= seen
};

// One document or phrase a table was learned from.
struct LearnedFrom {
  std::string unit;   // "doc" or "phrase"
  uint64_t key_hash;  // LearnedFromKey of its split key
  std::string label;  // a URL or an id, for people (no tabs or line breaks)
};

// The hash that identifies a learned-from unit: XXH3-64 of the unit and
// its split key (a document's original text, a phrase's spun side, lower
// case).
uint64_t LearnedFromKey(std::string_view unit, std::string_view key);

class LearnedPairs {
 public:
  static constexpr int kVersion = 1;
  static constexpr char kFormat[] = "#unspin-learned-pairs";

  // Errors: kNotFound, kDataLoss (not a learned table, a malformed line,
  // by number, or a checksum that does not match), kVersionMismatch. Every
  // message names `path`.
  static Result<LearnedPairs> Load(const std::string& path);
  static Result<LearnedPairs> Parse(std::string_view text, const std::string& path);

  // The file's text: header, checksum, `comments` (one "# " line each),
  // then the pairs.
  std::string Serialize(const std::vector<std::string>& comments) const;
  Status Save(const std::string& path, const std::vector<std::string>& comments) const;

  // Adds `count` to the entry of (profile, original, substitute, kind).
  // Preconditions: original != substitute, both normalised keys.
  void Add(const std::string& profile, const std::string& original, const std::string& substitute,
           uint32_t count, LearnedKind kind);
  // Adds to the counts of (profile, word). Precondition: swapped <= seen.
  void AddRate(const std::string& profile, const std::string& word, uint32_t seen, uint32_t swapped);
  // Sorted by (profile, word).
  std::vector<LearnedRate> rates() const;
  // The counts of `word` summed over profiles; {0, 0} if never seen.
  std::pair<uint32_t, uint32_t> Rate(std::string_view word) const;

  // Records a unit learned from (once per unit and hash).
  void AddFrom(LearnedFrom from);
  const std::vector<LearnedFrom>& from() const { return from_; }
  bool LearnedFromUnit(std::string_view unit, uint64_t key_hash) const;

  // Adds every entry of `other`, and its units.
  void Merge(const LearnedPairs& other);
  // Only the entries of these profiles.
  LearnedPairs Select(const std::vector<std::string>& profiles) const;

  // Sorted (see the invariants above).
  std::vector<LearnedPair> pairs() const;
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  // Times `original` was seen written as `substitute`, over every profile
  // and kind; 0 if never.
  uint32_t Count(std::string_view original, std::string_view substitute) const;
  // The same, from phrase lists only (kinds kPhrase and kWord): the pairs a
  // screener's list of tortured phrases showed, which count as document
  // evidence on their own (decoder.h, DecodeResult::listed_phrases).
  uint32_t ListedCount(std::string_view original, std::string_view substitute) const;
  // Whether a phrase list showed `substitute`, a key of two or more words,
  // whole (kind kPhrase): the list lookup that screeners make.
  bool IsListedPhrase(std::string_view substitute) const {
    return (ListedRun(substitute) & kListedPhrase) != 0;
  }
  // What a run of lower-case words is to the listed phrases: kListedPhrase
  // if one of them, kListedPrefix if a longer one starts with it and a
  // space (a single word too), 0 if neither. A reader of running text
  // extends a run only while it is a prefix.
  static constexpr uint8_t kListedPhrase = 1, kListedPrefix = 2;
  uint8_t ListedRun(std::string_view run) const {
    const uint8_t* flags = listed_runs_.Find(run);
    return flags == nullptr ? 0 : *flags;
  }
  // Whether `original`, a key of two or more words, is what a listed
  // phrase stood for ("random forest"): a term of the field that tortured
  // phrases are made from, whatever new phrase stands for it next.
  bool IsListedTerm(std::string_view original) const { return listed_terms_.contains(std::string(original)); }
  // Distinct profiles, sorted.
  std::vector<std::string> Profiles() const;
  // XXH3-64 of the data lines (pairs, rates, then units) as Serialize writes them.
  uint64_t Checksum() const;

 private:
  // Keyed "profile\toriginal\tsubstitute\tkind".
  std::unordered_map<std::string, LearnedPair> entries_;
  std::unordered_map<std::string, LearnedRate> rates_;  // keyed "profile\tword"
  std::unordered_map<std::string, std::pair<uint32_t, uint32_t>> rate_totals_;  // by word
  std::vector<LearnedFrom> from_;                  // sorted by (unit, hash)
  std::unordered_set<std::string> from_keys_;     // "unit\thash"
  std::unordered_map<std::string, uint32_t> totals_;  // "original\tsubstitute"
  std::unordered_map<std::string, uint32_t> listed_totals_;  // the same, kinds kPhrase and kWord
  // ListedRun's answers: the substitutes of kPhrase entries with a space,
  // and their leading word runs.
  FlatStringMap<uint8_t> listed_runs_;
  std::unordered_set<std::string> listed_terms_;    // originals of kPhrase entries with a space
};

}  // namespace unspin

#endif  // UNSPIN_LEXICON_LEARNED_PAIRS_H_
