#include "lexicon/lexicon_builder.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lexicon/format.h"
#include "lexicon/lexicon.h"
#include "util/binary_file.h"
#include "util/bloom.h"
#include "util/file_io.h"
#include "util/string_index.h"
#include "util/strings.h"

namespace unspin {

namespace fmt = lexicon_format;

void LexiconBuilder::AddSenses(std::vector<RawSense> senses) {
  raw_.insert(raw_.end(), std::make_move_iterator(senses.begin()),
              std::make_move_iterator(senses.end()));
}

void LexiconBuilder::AddStopwords(const std::vector<std::string>& words) {
  stopwords_.insert(stopwords_.end(), words.begin(), words.end());
}

uint32_t LexiconBuilder::Intern(const std::string& key, const std::string& display, int tokens,
                               bool case_evidence) {
  auto [it, inserted] = ids_.emplace(key, static_cast<uint32_t>(keys_.size()));
  uint32_t id = it->second;
  if (inserted) {
    keys_.push_back(key);
    displays_.emplace_back();
    token_counts_.push_back(static_cast<uint8_t>(tokens));
    lower_seen_.push_back(false);
  }
  if (!case_evidence) return id;
  // A word any source writes in lower case is an ordinary word ("polish");
  // otherwise keep the first capitalised spelling ("Captain Hicks").
  if (display == key) {
    lower_seen_[id] = true;
    displays_[id].clear();
  } else if (!lower_seen_[id] && displays_[id].empty()) {
    displays_[id] = display;
  }
  return id;
}

namespace {

struct Member {
  uint32_t id;
  Relation relation;
  uint8_t roles;
};

}  // namespace

Status LexiconBuilder::Build(const MorphologyBuilder& morphology, const std::string& meta_json,
                             std::string* bytes, LexiconBuildReport* report) {
  LexiconBuildReport rep;
  rep.senses_read = raw_.size();
  std::string key, display;
  int tokens = 0;

  // 1. Senses, with phrases normalised and interned.
  std::vector<std::vector<Member>> senses;
  std::vector<uint8_t> sense_info;
  for (const RawSense& raw : raw_) {
    std::vector<Member> members;
    auto add = [&](const std::string& text, Relation rel, uint8_t roles, bool case_evidence) {
      if (!NormalizePhrase(text, &key, &display, &tokens)) {
        ++rep.phrases_rejected;
        return;
      }
      uint32_t id = Intern(key, display, tokens, case_evidence);
      for (Member& m : members) {
        if (m.id == id) {
          m.roles |= roles;
          m.relation = std::min(m.relation, rel);
          return;
        }
      }
      members.push_back({id, rel, roles});
    };
    bool directed = !raw.head.empty();
    if (directed) {
      add(raw.head, Relation::kSynonym, kRoleOriginal, raw.source != Source::kMythes);
      if (members.empty()) continue;  // head rejected: nothing to replace
    }
    for (const auto& [text, rel] : raw.members) {
      add(text, rel, directed ? kRoleSubstitute : (kRoleOriginal | kRoleSubstitute), true);
    }
    // A head listed among its own substitutes adds nothing: it stays the
    // original only.
    if (directed) members[0].roles = kRoleOriginal;
    size_t substitutes = 0, originals = 0;
    for (const Member& m : members) {
      substitutes += (m.roles & kRoleSubstitute) != 0;
      originals += (m.roles & kRoleOriginal) != 0;
    }
    if (members.size() < 2 || substitutes == 0 || originals == 0) continue;
    senses.push_back(std::move(members));
    sense_info.push_back(static_cast<uint8_t>(static_cast<int>(raw.pos) |
                                              static_cast<int>(raw.source) << 4));
  }
  rep.senses_kept = senses.size();
  raw_.clear();
  raw_.shrink_to_fit();

  // 2. Morphology for every word of every phrase that has senses.
  const uint32_t phrase_count = static_cast<uint32_t>(keys_.size());
  std::vector<PosMask> sense_pos(phrase_count, 0);
  for (size_t s = 0; s < senses.size(); ++s) {
    Pos pos = static_cast<Pos>(sense_info[s] & 0xF);
    if (pos == Pos::kOther) continue;
    for (const Member& m : senses[s]) sense_pos[m.id] |= PosBit(pos);
  }
  std::vector<std::string> words;
  std::vector<PosMask> word_pos;
  {
    std::unordered_map<std::string, size_t> seen;
    for (uint32_t id = 0; id < phrase_count; ++id) {
      bool single = token_counts_[id] == 1;
      for (const std::string& w : Split(keys_[id], ' ')) {
        auto [it, inserted] = seen.emplace(w, words.size());
        if (inserted) {
          words.push_back(w);
          word_pos.push_back(morphology.WordNetPos(w));
        }
        if (single) word_pos[it->second] |= sense_pos[id];
      }
    }
  }
  std::vector<std::array<uint32_t, kInflectionCount>> table;
  std::vector<uint32_t> inflection_row;  // per string id, grown below
  std::vector<std::vector<uint32_t>> analyses;
  for (size_t w = 0; w < words.size(); ++w) {
    auto forms = morphology.Inflect(words[w], word_pos[w]);
    uint32_t lemma = Intern(words[w], words[w], 1, false);
    std::array<uint32_t, kInflectionCount> row;
    row.fill(fmt::kNone);
    row[0] = lemma;
    bool any = false;
    for (int t = 1; t < kInflectionCount; ++t) {
      const std::string& f = forms[t];
      if (f.empty()) continue;
      uint32_t form = Intern(f, f, 1, false);
      row[t] = form;
      any = true;
      if (form == lemma) continue;
      if (analyses.size() <= form) analyses.resize(form + 1);
      uint32_t packed = lemma << 3 | static_cast<uint32_t>(t);
      auto& list = analyses[form];
      if (std::find(list.begin(), list.end(), packed) == list.end()) list.push_back(packed);
    }
    if (any) {
      if (inflection_row.size() <= lemma) inflection_row.resize(lemma + 1, fmt::kNone);
      inflection_row[lemma] = static_cast<uint32_t>(table.size());
      table.push_back(row);
    }
  }

  const uint32_t n = static_cast<uint32_t>(keys_.size());
  if (n >= fmt::kMaxStrings) return ResourceExhaustedError("lexicon has too many strings");
  if (senses.size() >= (1u << 30)) return ResourceExhaustedError("lexicon has too many senses");
  inflection_row.resize(n, fmt::kNone);
  analyses.resize(n);

  // 3. Serialise.
  BinaryFileWriter writer(fmt::kMagic, fmt::kVersion);
  writer.AddSection(fmt::kMeta, meta_json);
  {
    RETURN_IF_ERROR(WriteStringIndex(keys_, fmt::kKeyIndex, &writer));
  }
  {
    std::string blob;
    std::vector<uint32_t> offsets{0}, index(n, fmt::kNone);
    for (uint32_t id = 0; id < n; ++id) {
      if (displays_[id].empty()) continue;
      index[id] = static_cast<uint32_t>(offsets.size() - 1);
      blob += displays_[id];
      offsets.push_back(static_cast<uint32_t>(blob.size()));
    }
    writer.AddArray(fmt::kDisplayIndex, index);
    writer.AddSection(fmt::kDisplayBlob, std::move(blob));
    writer.AddArray(fmt::kDisplayOffsets, offsets);
  }
  {
    std::vector<uint8_t> flags(n);
    for (uint32_t id = 0; id < n; ++id) {
      flags[id] = token_counts_[id] & fmt::kTokenCountMask;
      bool common = true;
      for (const std::string& w : Split(keys_[id], ' ')) common = common && morphology.IsCommon(w);
      // Names ("Captain Hicks") are never everyday substitutes.
      if (common && displays_[id].empty()) flags[id] |= fmt::kFlagCommon;
    }
    for (uint32_t id = 0; id < phrase_count; ++id) {
      if (token_counts_[id] < 2) continue;
      auto it = ids_.find(keys_[id].substr(0, keys_[id].find(' ')));
      if (it != ids_.end()) flags[it->second] |= fmt::kFlagPhraseStart;
    }
    for (const std::string& w : stopwords_) {
      auto it = ids_.find(w);
      if (it != ids_.end()) flags[it->second] |= fmt::kFlagStopword;
    }
    writer.AddArray(fmt::kStringFlags, flags);
  }
  {
    std::vector<uint64_t> prefix_hashes;
    for (uint32_t id = 0; id < phrase_count; ++id) {
      const std::string& phrase_key = keys_[id];
      for (size_t space = phrase_key.find(' '); space != std::string::npos;) {
        size_t end = phrase_key.find(' ', space + 1);
        prefix_hashes.push_back(StringHash(std::string_view(phrase_key).substr(0, end)));
        space = end;
      }
    }
    std::vector<uint64_t> filter(bloom::WordsFor(prefix_hashes.size()), 0);
    for (uint64_t h : prefix_hashes) bloom::Add(&filter, h);
    writer.AddArray(fmt::kPhrasePrefixes, filter);
  }
  {
    std::vector<std::vector<uint32_t>> memberships(n);
    std::vector<uint32_t> sense_offsets{0}, members;
    std::vector<uint8_t> original_sources(n, 0);
    for (uint32_t s = 0; s < senses.size(); ++s) {
      for (const Member& m : senses[s]) {
        members.push_back(m.id << 4 | static_cast<uint32_t>(m.relation) << 2 | m.roles);
        memberships[m.id].push_back(s << 2 | m.roles);
        if (m.roles & kRoleOriginal) original_sources[m.id] |= static_cast<uint8_t>(1u << (sense_info[s] >> 4));
      }
      sense_offsets.push_back(static_cast<uint32_t>(members.size()));
    }
    std::vector<uint32_t> offsets{0}, flat;
    for (const auto& list : memberships) {
      flat.insert(flat.end(), list.begin(), list.end());
      offsets.push_back(static_cast<uint32_t>(flat.size()));
    }
    writer.AddArray(fmt::kMembershipOffsets, offsets);
    writer.AddArray(fmt::kMemberships, flat);
    writer.AddArray(fmt::kSenseOffsets, sense_offsets);
    writer.AddArray(fmt::kSenseMembers, members);
    writer.AddArray(fmt::kSenseInfo, sense_info);
    writer.AddArray(fmt::kOriginalSources, original_sources);
  }
  {
    std::vector<uint32_t> offsets{0}, flat;
    for (const auto& list : analyses) {
      flat.insert(flat.end(), list.begin(), list.end());
      offsets.push_back(static_cast<uint32_t>(flat.size()));
    }
    writer.AddArray(fmt::kAnalysisOffsets, offsets);
    writer.AddArray(fmt::kAnalyses, flat);
    std::vector<uint32_t> flat_table;
    for (const auto& row : table) flat_table.insert(flat_table.end(), row.begin(), row.end());
    writer.AddArray(fmt::kInflectionIndex, inflection_row);
    writer.AddArray(fmt::kInflectionTable, flat_table);
  }
  *bytes = writer.Serialize();
  if (report) *report = rep;
  return OkStatus();
}

namespace {

nlohmann::json FileFact(const std::string& path) {
  auto data = ReadFileToString(path);
  nlohmann::json j;
  j["path"] = path;
  if (data.ok()) {
    j["bytes"] = data->size();
    j["xxh3"] = Hex64(Checksum64(data->data(), data->size()));
  }
  return j;
}

Status ReadLines(const std::string& path, std::vector<std::string>* out) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": not found");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    for (std::string& word : Split(line, ' ')) {
      if (!word.empty()) out->push_back(std::move(word));
    }
  }
  return OkStatus();
}

}  // namespace

Status BuildDefaultLexicon(const DefaultLexiconPaths& paths, const std::string& out_path,
                           LexiconBuildReport* report) {
  MorphologyBuilder morphology;
  RETURN_IF_ERROR(morphology.LoadWordNet(paths.wordnet_dir));
  RETURN_IF_ERROR(morphology.LoadIrregularVerbs(paths.data_dir + "/irregular_verbs.tsv"));
  // SCOWL lists up to size 70 (common and moderately rare words) attest
  // inflected forms; the larger sizes admit too many oddities.
  // Sizes up to 50 are everyday words, which realistic spinner profiles
  // restrict their substitutes to.
  std::vector<std::pair<std::string, bool>> word_lists;
  for (const char* kind : {"english-words", "american-words"}) {
    for (int size : {10, 20, 35, 40, 50, 55, 60, 70}) {
      std::string path = paths.scowl_dir + "/" + kind + "." + std::to_string(size);
      if (FileExists(path)) word_lists.emplace_back(path, size <= 50);
    }
  }
  if (word_lists.empty()) {
    return NotFoundError(paths.scowl_dir + "/english-words.* not found: install the Debian package "
                         "scowl (apt-get install scowl)");
  }
  for (const auto& [path, common] : word_lists) RETURN_IF_ERROR(morphology.LoadWordList(path, common));

  LexiconBuilder builder;
  std::vector<RawSense> senses;
  RETURN_IF_ERROR(ReadMythes(paths.mythes, &senses));
  builder.AddSenses(std::move(senses));
  senses.clear();
  RETURN_IF_ERROR(ReadWordNetSynsets(paths.wordnet_dir, &senses));
  builder.AddSenses(std::move(senses));
  senses.clear();
  RETURN_IF_ERROR(ReadAiksaurus(paths.aiksaurus_dir, &senses));
  builder.AddSenses(std::move(senses));
  senses.clear();
  RETURN_IF_ERROR(ReadRewriteTable(paths.data_dir + "/rewrites.tsv", &senses));
  builder.AddSenses(std::move(senses));
  if (!paths.learned.empty()) {
    senses.clear();
    RETURN_IF_ERROR(ReadLearnedPairs(paths.learned, &senses));
    builder.AddSenses(std::move(senses));
  }
  std::vector<std::string> stopwords;
  RETURN_IF_ERROR(ReadLines(paths.data_dir + "/stopwords.txt", &stopwords));
  builder.AddStopwords(stopwords);

  nlohmann::json meta;
  meta["kind"] = "unspin lexicon";
  meta["unspin_version"] = UNSPIN_VERSION;
  meta["format_version"] = fmt::kVersion;
  meta["sources"] = {
      {"mythes", FileFact(paths.mythes)},
      {"wordnet", FileFact(paths.wordnet_dir + "/data.noun")},
      {"moby", FileFact(paths.aiksaurus_dir + "/meanings.dat")},
      {"table", FileFact(paths.data_dir + "/rewrites.tsv")},
  };
  if (!paths.learned.empty()) meta["sources"]["learned"] = FileFact(paths.learned);
  meta["word_list_entries"] = morphology.word_list_size();
  std::string bytes;
  RETURN_IF_ERROR(builder.Build(morphology, meta.dump(), &bytes, report));
  return WriteFileAtomically(out_path, bytes);
}

}  // namespace unspin
