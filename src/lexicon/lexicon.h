// The compiled lexicon: synonym senses from several sources, a reverse
// index (which originals list a word as a substitute), and morphology
// tables, used straight from a memory-mapped, validated file.
//
//   auto lex = Lexicon::Open("model/lexicon.bin");
//   uint32_t id = lex->Find("according to");
//   lex->Substitutes(id, filter, &ids);   // what a spinner may write
//   lex->Originals(spun_id, filter, &ids);  // what the original may have been
#ifndef UNSPIN_LEXICON_LEXICON_H_
#define UNSPIN_LEXICON_LEXICON_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lexicon/morphology.h"
#include "lexicon/types.h"
#include "util/binary_file.h"
#include "util/string_index.h"
#include "util/status.h"

namespace unspin {

// Which senses and members a query may use.
struct LexiconFilter {
  SourceMask sources = kAllSources;
  RelationMask relations = MaskOf(Relation::kSynonym) | MaskOf(Relation::kSimilar);
  // Parts of speech of senses allowed; senses of unknown part of speech
  // (Moby, the rewrite table) always pass.
  PosMask pos = 0xFF;
  // Return only everyday words (IsCommon), as commercial spinners' curated
  // synonym lists do; naive spinners draw on everything.
  bool everyday_only = false;
};

struct LexiconStats {
  uint32_t strings = 0;
  uint32_t phrases = 0;  // strings that belong to at least one sense
  uint32_t senses = 0;
  uint32_t senses_by_source[kSourceCount] = {};
  uint64_t members = 0;
  uint32_t inflected_lemmas = 0;
  uint64_t analyses = 0;
};

class Lexicon {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  // Maps and validates a lexicon file. Errors: kNotFound, kDataLoss (corrupt
  // or not a lexicon), kVersionMismatch.
  static Result<Lexicon> Open(const std::string& path);

  uint32_t size() const { return keys_.size(); }
  // Id of a lower-case key (tokens joined by single spaces), or kNone.
  uint32_t Find(std::string_view key) const;
  std::string_view Key(uint32_t id) const;
  // The key with the casing its source gave it ("Den Haag"); the key itself
  // for ordinary lower-case words.
  std::string_view Display(uint32_t id) const;
  int TokenCount(uint32_t id) const { return flags_[id] & 0x7; }
  bool IsStopword(uint32_t id) const { return (flags_[id] & 0x8) != 0; }
  // True if some multi-word phrase with senses starts with this word.
  bool StartsPhrase(uint32_t id) const { return (flags_[id] & 0x10) != 0; }
  // False if no multi-word key starts with (or is) `prefix`, a lower-case
  // key of two or more whole tokens; true for all that do and for about 2 %
  // of the rest (a Bloom filter: one cache line, no key bytes touched).
  bool MayStartPhrase(std::string_view prefix) const;
  // True if every word of it is an everyday English word.
  bool IsCommon(uint32_t id) const { return (flags_[id] & 0x20) != 0; }
  bool HasSenses(uint32_t id) const { return membership_offsets_[id + 1] > membership_offsets_[id]; }

  // Raw access (see format.h for the packings).
  std::span<const uint32_t> Memberships(uint32_t id) const;
  std::span<const uint32_t> SenseMembers(uint32_t sense) const;
  Pos SensePos(uint32_t sense) const { return static_cast<Pos>(sense_info_[sense] & 0xF); }
  Source SenseSource(uint32_t sense) const { return static_cast<Source>(sense_info_[sense] >> 4); }
  static uint32_t MemberString(uint32_t member) { return member >> 4; }
  static Relation MemberRelation(uint32_t member) { return static_cast<Relation>((member >> 2) & 3); }
  static uint8_t MemberRoles(uint32_t member) { return member & 3; }

  struct Analysis {
    uint32_t lemma;
    Inflection tag;
  };
  // Lemmas this form is an inflection of (not including itself as kBase).
  void Analyses(uint32_t id, std::vector<Analysis>* out) const;
  // The stored form of `lemma` for `tag`, or kNone.
  uint32_t Inflect(uint32_t lemma, Inflection tag) const;

  // Strings a spinner may write in place of `id` (forward), and strings
  // that list `id` as a substitute (reverse: the decoder's candidates).
  // Unique, in first-seen order, never `id` itself.
  // `sources`, if given, receives the source of the first sense that
  // offered each result.
  void Substitutes(uint32_t id, const LexiconFilter& filter, std::vector<uint32_t>* out,
                   std::vector<Source>* sources = nullptr) const;
  void Originals(uint32_t id, const LexiconFilter& filter, std::vector<uint32_t>* out) const;
  // True if Substitutes would return anything (no allocation).
  bool HasSubstitutes(uint32_t id, const LexiconFilter& filter) const;

  // The filter's tests, for callers that walk senses themselves: whether a
  // sense may be used, and whether `member` of an allowed sense may be
  // offered as a substitute for another member.
  bool SenseAllowed(uint32_t sense, const LexiconFilter& filter) const;
  bool SubstituteAllowed(uint32_t member, const LexiconFilter& filter) const {
    return (MemberRoles(member) & kRoleSubstitute) &&
           (filter.relations & MaskOf(MemberRelation(member))) &&
           (!filter.everyday_only || IsCommon(MemberString(member)));
  }

  LexiconStats Stats() const;
  std::string_view MetaJson() const { return meta_; }
  const BinaryFile& file() const { return file_; }

 private:
  Status Init();
  void Collect(uint32_t id, const LexiconFilter& filter, uint8_t self_role, uint8_t other_role,
               std::vector<uint32_t>* out, std::vector<Source>* sources) const;

  BinaryFile file_;
  std::string_view meta_;
  StringIndex keys_;
  std::span<const uint32_t> display_index_;
  std::string_view display_blob_;
  std::span<const uint32_t> display_offsets_;
  std::span<const uint8_t> flags_;
  std::span<const uint8_t> original_sources_;  // SourceMask per string
  std::span<const uint64_t> phrase_prefixes_;  // Bloom filter words
  std::span<const uint32_t> membership_offsets_;
  std::span<const uint32_t> memberships_;
  std::span<const uint32_t> sense_offsets_;
  std::span<const uint32_t> sense_members_;
  std::span<const uint8_t> sense_info_;
  std::span<const uint32_t> analysis_offsets_;
  std::span<const uint32_t> analyses_;
  std::span<const uint32_t> inflection_index_;
  std::span<const uint32_t> inflection_table_;
};

// Normalises a phrase as the lexicon stores it: UTF-8 tokenised by the text
// layer, lower-cased, tokens joined by single spaces. Fails (returns false)
// unless it is 1..4 word or number tokens. `display` gets the same with the
// original casing.
bool NormalizePhrase(std::string_view text, std::string* key, std::string* display, int* tokens);

}  // namespace unspin

#endif  // UNSPIN_LEXICON_LEXICON_H_
