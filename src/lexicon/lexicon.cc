#include "lexicon/lexicon.h"

#include <algorithm>

#include "lexicon/format.h"
#include "text/case.h"
#include "text/tokenizer.h"
#include "text/utf8.h"
#include "util/bloom.h"

namespace unspin {

namespace fmt = lexicon_format;

bool NormalizePhrase(std::string_view text, std::string* key, std::string* display, int* tokens) {
  key->clear();
  display->clear();
  if (text.empty() || FindInvalidUtf8(text) != std::string_view::npos) return false;
  std::vector<Token> toks;
  Tokenize(text, &toks);
  if (toks.empty() || toks.size() > 4) return false;
  for (const Token& t : toks) {
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kNumber) return false;
    if (!key->empty()) {
      key->push_back(' ');
      display->push_back(' ');
    }
    AppendLower(t.Text(text), key);
    display->append(t.Text(text));
  }
  *tokens = static_cast<int>(toks.size());
  return true;
}

namespace {

Status Corrupt(const std::string& path, const std::string& what) {
  return DataLossError(path + ": lexicon is inconsistent: " + what);
}

// Checks a CSR offset array: `count + 1` entries, non-decreasing, ending at
// `target_size`.
Status CheckOffsets(const std::string& path, const char* name, std::span<const uint32_t> offsets,
                    size_t count, size_t target_size) {
  if (offsets.size() != count + 1) return Corrupt(path, std::string(name) + " has the wrong length");
  if (const char* fault = OffsetsFault(offsets, target_size)) return Corrupt(path, std::string(name) + " " + fault);
  return OkStatus();
}

}  // namespace

Result<Lexicon> Lexicon::Open(const std::string& path) {
  Lexicon lex;
  auto file = BinaryFile::Open(path, fmt::kMagic, fmt::kVersion, "lexicon");
  if (!file.ok()) return file.status();
  lex.file_ = std::move(file).value();
  RETURN_IF_ERROR(lex.Init());
  lex.file_.ReleasePages();
  return lex;
}

Status Lexicon::Init() {
  const BinaryFile& f = file_;
  const std::string& path = f.path();
  ASSIGN_OR_RETURN(meta_, f.Section(fmt::kMeta));
  RETURN_IF_ERROR(keys_.Init(f, fmt::kKeyIndex, "lexicon keys"));
  ASSIGN_OR_RETURN(display_index_, f.Array<uint32_t>(fmt::kDisplayIndex));
  ASSIGN_OR_RETURN(display_blob_, f.Section(fmt::kDisplayBlob));
  ASSIGN_OR_RETURN(display_offsets_, f.Array<uint32_t>(fmt::kDisplayOffsets));
  ASSIGN_OR_RETURN(flags_, f.Array<uint8_t>(fmt::kStringFlags));
  ASSIGN_OR_RETURN(original_sources_, f.Array<uint8_t>(fmt::kOriginalSources));
  ASSIGN_OR_RETURN(phrase_prefixes_, f.Array<uint64_t>(fmt::kPhrasePrefixes));
  ASSIGN_OR_RETURN(membership_offsets_, f.Array<uint32_t>(fmt::kMembershipOffsets));
  ASSIGN_OR_RETURN(memberships_, f.Array<uint32_t>(fmt::kMemberships));
  ASSIGN_OR_RETURN(sense_offsets_, f.Array<uint32_t>(fmt::kSenseOffsets));
  ASSIGN_OR_RETURN(sense_members_, f.Array<uint32_t>(fmt::kSenseMembers));
  ASSIGN_OR_RETURN(sense_info_, f.Array<uint8_t>(fmt::kSenseInfo));
  ASSIGN_OR_RETURN(analysis_offsets_, f.Array<uint32_t>(fmt::kAnalysisOffsets));
  ASSIGN_OR_RETURN(analyses_, f.Array<uint32_t>(fmt::kAnalyses));
  ASSIGN_OR_RETURN(inflection_index_, f.Array<uint32_t>(fmt::kInflectionIndex));
  ASSIGN_OR_RETURN(inflection_table_, f.Array<uint32_t>(fmt::kInflectionTable));

  // Structural invariants, so that every accessor may index without checks.
  const size_t n = keys_.size();
  const size_t senses = sense_info_.size();
  RETURN_IF_ERROR(CheckOffsets(path, "membership offsets", membership_offsets_, n, memberships_.size()));
  RETURN_IF_ERROR(CheckOffsets(path, "sense offsets", sense_offsets_, senses, sense_members_.size()));
  RETURN_IF_ERROR(CheckOffsets(path, "analysis offsets", analysis_offsets_, n, analyses_.size()));
  if (display_offsets_.empty()) return Corrupt(path, "no display offsets");
  RETURN_IF_ERROR(CheckOffsets(path, "display offsets", display_offsets_, display_offsets_.size() - 1,
                               display_blob_.size()));
  if (flags_.size() != n || display_index_.size() != n || inflection_index_.size() != n ||
      original_sources_.size() != n) {
    return Corrupt(path, "per-string arrays differ in length");
  }
  const size_t filter_words = phrase_prefixes_.size();
  if (filter_words == 0 || (filter_words & (filter_words - 1)) != 0) {
    return Corrupt(path, "bad phrase prefix filter size");
  }
  const size_t displays = display_offsets_.size() - 1;
  for (uint32_t d : display_index_) {
    if (d != fmt::kNone && d >= displays) return Corrupt(path, "display index out of range");
  }
  for (uint32_t m : memberships_) {
    if ((m >> 2) >= senses) return Corrupt(path, "membership names a missing sense");
  }
  for (uint32_t m : sense_members_) {
    if ((m >> 4) >= n) return Corrupt(path, "sense member out of range");
  }
  for (uint8_t info : sense_info_) {
    if ((info & 0xF) >= kPosCount || (info >> 4) >= kSourceCount) return Corrupt(path, "bad sense info");
  }
  for (uint32_t a : analyses_) {
    if ((a >> 3) >= n) return Corrupt(path, "analysis lemma out of range");
  }
  if (inflection_table_.size() % kInflectionCount != 0) return Corrupt(path, "bad inflection table");
  const size_t rows = inflection_table_.size() / kInflectionCount;
  for (uint32_t r : inflection_index_) {
    if (r != fmt::kNone && r >= rows) return Corrupt(path, "inflection row out of range");
  }
  for (uint32_t form : inflection_table_) {
    if (form != fmt::kNone && form >= n) return Corrupt(path, "inflected form out of range");
  }
  return OkStatus();
}

uint32_t Lexicon::Find(std::string_view key) const { return keys_.Find(key); }

bool Lexicon::MayStartPhrase(std::string_view prefix) const {
  return bloom::MayContain(phrase_prefixes_, StringHash(prefix));
}

std::string_view Lexicon::Key(uint32_t id) const { return keys_.Get(id); }

std::string_view Lexicon::Display(uint32_t id) const {
  uint32_t d = display_index_[id];
  if (d == fmt::kNone) return Key(id);
  return display_blob_.substr(display_offsets_[d], display_offsets_[d + 1] - display_offsets_[d]);
}

std::span<const uint32_t> Lexicon::Memberships(uint32_t id) const {
  return memberships_.subspan(membership_offsets_[id], membership_offsets_[id + 1] - membership_offsets_[id]);
}

std::span<const uint32_t> Lexicon::SenseMembers(uint32_t sense) const {
  return sense_members_.subspan(sense_offsets_[sense], sense_offsets_[sense + 1] - sense_offsets_[sense]);
}

void Lexicon::Analyses(uint32_t id, std::vector<Analysis>* out) const {
  out->clear();
  for (uint32_t i = analysis_offsets_[id]; i < analysis_offsets_[id + 1]; ++i) {
    out->push_back({analyses_[i] >> 3, static_cast<Inflection>(analyses_[i] & 7)});
  }
}

uint32_t Lexicon::Inflect(uint32_t lemma, Inflection tag) const {
  if (tag == Inflection::kBase) return lemma;
  uint32_t row = inflection_index_[lemma];
  if (row == fmt::kNone) return kNone;
  return inflection_table_[size_t{row} * kInflectionCount + static_cast<size_t>(tag)];
}

bool Lexicon::SenseAllowed(uint32_t sense, const LexiconFilter& filter) const {
  if (!(filter.sources & MaskOf(SenseSource(sense)))) return false;
  Pos pos = SensePos(sense);
  return pos == Pos::kOther || (filter.pos & PosBit(pos));
}

void Lexicon::Collect(uint32_t id, const LexiconFilter& filter, uint8_t self_role,
                      uint8_t other_role, std::vector<uint32_t>* out,
                      std::vector<Source>* sources) const {
  out->clear();
  if (sources) sources->clear();
  if (self_role == kRoleOriginal && !(original_sources_[id] & filter.sources)) return;
  // Words in many senses (Moby's "round") collect hundreds of strings, so
  // duplicates are found with a per-thread array stamped by call rather
  // than by searching `out`.
  thread_local std::vector<uint32_t> stamp;
  thread_local uint32_t call = 0;
  if (stamp.size() < keys_.size()) stamp.assign(keys_.size(), 0);
  if (++call == 0) {
    std::fill(stamp.begin(), stamp.end(), 0);
    call = 1;
  }
  for (uint32_t m : Memberships(id)) {
    uint32_t sense = m >> 2;
    if (!(m & self_role) || !SenseAllowed(sense, filter)) continue;
    // The relation that matters is the substitute's: in the forward
    // direction the other member's, in the reverse direction our own.
    bool reverse = self_role == kRoleSubstitute;
    bool self_allowed = true;
    if (reverse) {
      for (uint32_t self : SenseMembers(sense)) {
        if (MemberString(self) == id) self_allowed = filter.relations & MaskOf(MemberRelation(self));
      }
      if (!self_allowed) continue;
    }
    for (uint32_t member : SenseMembers(sense)) {
      uint32_t other = MemberString(member);
      if (other == id) continue;
      if (reverse) {
        if (!(MemberRoles(member) & other_role)) continue;
        if (filter.everyday_only && !IsCommon(other)) continue;
      } else if (!SubstituteAllowed(member, filter)) {
        continue;
      }
      if (stamp[other] != call) {
        stamp[other] = call;
        out->push_back(other);
        if (sources) sources->push_back(SenseSource(sense));
      }
    }
  }
}

void Lexicon::Substitutes(uint32_t id, const LexiconFilter& filter, std::vector<uint32_t>* out,
                          std::vector<Source>* sources) const {
  Collect(id, filter, kRoleOriginal, kRoleSubstitute, out, sources);
}

void Lexicon::Originals(uint32_t id, const LexiconFilter& filter, std::vector<uint32_t>* out) const {
  Collect(id, filter, kRoleSubstitute, kRoleOriginal, out, nullptr);
}

bool Lexicon::HasSubstitutes(uint32_t id, const LexiconFilter& filter) const {
  if (!(original_sources_[id] & filter.sources)) return false;
  for (uint32_t m : Memberships(id)) {
    uint32_t sense = m >> 2;
    if (!(m & kRoleOriginal) || !SenseAllowed(sense, filter)) continue;
    for (uint32_t member : SenseMembers(sense)) {
      if (MemberString(member) != id && SubstituteAllowed(member, filter)) return true;
    }
  }
  return false;
}

LexiconStats Lexicon::Stats() const {
  LexiconStats s;
  s.strings = size();
  for (uint32_t i = 0; i < size(); ++i) {
    if (HasSenses(i)) ++s.phrases;
    if (inflection_index_[i] != fmt::kNone) ++s.inflected_lemmas;
  }
  s.senses = static_cast<uint32_t>(sense_info_.size());
  for (uint32_t i = 0; i < s.senses; ++i) ++s.senses_by_source[static_cast<int>(SenseSource(i))];
  s.members = sense_members_.size();
  s.analyses = analyses_.size();
  return s;
}

}  // namespace unspin
