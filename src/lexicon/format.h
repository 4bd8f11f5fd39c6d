// The lexicon file's layout (inside the BinaryFile container). Internal to
// the lexicon component: only LexiconBuilder writes it, only Lexicon reads.
//
// Strings (words, phrases, inflected forms) are numbered 0..N-1 and stored
// as lower-case keys; phrases are their tokens joined by single spaces.
// Bit packings (id limits checked by the builder):
//   membership  = sense << 2 | roles                  (sense < 2^30)
//   member      = string << 4 | relation << 2 | roles (string < 2^28)
//   analysis    = lemma << 3 | inflection             (lemma < 2^29)
//   sense info  = pos | source << 4                   (one byte)
#ifndef UNSPIN_LEXICON_FORMAT_H_
#define UNSPIN_LEXICON_FORMAT_H_

#include <cstdint>

#include "util/binary_file.h"
#include "util/string_index.h"

namespace unspin::lexicon_format {

inline constexpr char kMagic[] = "UNSPLEX";
// 3: sense sources may be `learned` (Source::kLearned).
inline constexpr uint32_t kVersion = 3;
inline constexpr uint32_t kNone = 0xFFFFFFFFu;
inline constexpr uint32_t kMaxStrings = 1u << 28;

inline constexpr uint32_t kMeta = SectionTag("META");           // JSON build facts
// The keys: a StringIndex (util/string_index.h) of blob, u32[N+1] offsets
// and hash slots.
inline constexpr StringIndexTags kKeyIndex = {SectionTag("KBLB"), SectionTag("KOFF"), SectionTag("HASH")};
inline constexpr uint32_t kDisplayIndex = SectionTag("DIDX");   // u32[N], into DOFF or kNone
inline constexpr uint32_t kDisplayBlob = SectionTag("DBLB");
inline constexpr uint32_t kDisplayOffsets = SectionTag("DOFF"); // u32[D+1]
inline constexpr uint32_t kStringFlags = SectionTag("FLAG");    // u8[N]: tokens | flags
// u8[N]: bit s set if the string is an original in some sense of source s,
// so a filter that excludes all of them is answered without a walk.
inline constexpr uint32_t kOriginalSources = SectionTag("OSRC");
inline constexpr uint32_t kMembershipOffsets = SectionTag("MOFF");  // u32[N+1]
inline constexpr uint32_t kMemberships = SectionTag("MEMB");
inline constexpr uint32_t kSenseOffsets = SectionTag("SOFF");   // u32[S+1]
inline constexpr uint32_t kSenseMembers = SectionTag("SMEM");
inline constexpr uint32_t kSenseInfo = SectionTag("SINF");      // u8[S]
inline constexpr uint32_t kAnalysisOffsets = SectionTag("AOFF");  // u32[N+1]
inline constexpr uint32_t kAnalyses = SectionTag("ANAL");
inline constexpr uint32_t kInflectionIndex = SectionTag("IIDX");  // u32[N], row or kNone
inline constexpr uint32_t kInflectionTable = SectionTag("ITAB");  // u32[rows * 8]

// FLAG byte: low 3 bits token count (1..4), then flags.
inline constexpr uint8_t kTokenCountMask = 0x7;
inline constexpr uint8_t kFlagStopword = 0x8;
// The first word of some multi-word phrase that has senses.
inline constexpr uint8_t kFlagPhraseStart = 0x10;
// Every word of the key is an everyday word (SCOWL size <= 50).
inline constexpr uint8_t kFlagCommon = 0x20;

// Blocked Bloom filter (util/bloom.h) over the StringHash of every prefix of
// two or more tokens of every multi-word key, full keys included: lets a
// reader skip looking up phrases that cannot exist.
inline constexpr uint32_t kPhrasePrefixes = SectionTag("PPFX");

}  // namespace unspin::lexicon_format

#endif  // UNSPIN_LEXICON_FORMAT_H_
