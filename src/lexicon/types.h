// Small value types shared by the lexicon's builder, reader and users.
#ifndef UNSPIN_LEXICON_TYPES_H_
#define UNSPIN_LEXICON_TYPES_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace unspin {

enum class Pos : uint8_t { kNoun = 0, kVerb = 1, kAdj = 2, kAdv = 3, kOther = 4 };
constexpr int kPosCount = 5;
const char* PosName(Pos pos);

// Where a sense (a group of interchangeable words) comes from. Stored as an
// index; profiles and filters use masks of (1 << index).
enum class Source : uint8_t {
  kMythes = 0,   // LibreOffice thesaurus (Debian mythes-en-us)
  kWordNet = 1,  // WordNet 3.0 synsets (Debian wordnet-base)
  kMoby = 2,     // Moby thesaurus via Aiksaurus (Debian libaiksaurus-1.2-data)
  kTable = 3,    // unspin's own table of spinner rewrites (data/rewrites.tsv)
  kLearned = 4,  // pairs learned from real spinners' output (data/learned_pairs.tsv)
};
constexpr int kSourceCount = 5;
using SourceMask = uint8_t;
constexpr SourceMask MaskOf(Source s) { return static_cast<SourceMask>(1u << static_cast<int>(s)); }
constexpr SourceMask kAllSources = (1u << kSourceCount) - 1;
const char* SourceName(Source source);
std::optional<Source> ParseSource(std::string_view name);

// How a member relates to the sense's head word (mythes marks these; other
// sources give plain synonyms).
enum class Relation : uint8_t { kSynonym = 0, kSimilar = 1, kRelated = 2, kBroader = 3 };
using RelationMask = uint8_t;
constexpr RelationMask MaskOf(Relation r) { return static_cast<RelationMask>(1u << static_cast<int>(r)); }
const char* RelationName(Relation relation);

// Roles of a member within a sense. A directed sense (a thesaurus entry, a
// rewrite rule) has one head that may be replaced (kOriginal) by the others
// (kSubstitute); in a symmetric sense (a synset) every member has both.
constexpr uint8_t kRoleOriginal = 1;
constexpr uint8_t kRoleSubstitute = 2;

enum class Inflection : uint8_t {
  kBase = 0,
  kPlural,          // nouns: women
  kThirdPerson,     // verbs: says
  kPast,            // verbs: said
  kPastParticiple,  // verbs: taken
  kGerund,          // verbs: saying
  kComparative,     // adjectives: bigger
  kSuperlative,     // adjectives: biggest
};
constexpr int kInflectionCount = 8;
const char* InflectionName(Inflection inflection);
// The part of speech an inflection implies (kOther for kBase).
Pos PosOfInflection(Inflection inflection);

}  // namespace unspin

#endif  // UNSPIN_LEXICON_TYPES_H_
