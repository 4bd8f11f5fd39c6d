#include "decoder/candidates.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "lm/ngram_hash.h"
#include "text/case.h"
#include "util/file_io.h"
#include "util/parallel.h"
#include "util/strings.h"

namespace unspin {

namespace {

constexpr double kLn10 = 2.302585092994046;
constexpr char kTableMagic[] = "UNSPCAND";
constexpr uint32_t kMeta = SectionTag("META");  // JSON: what the table was compiled from
constexpr StringIndexTags kKeyIndex = {SectionTag("KBLB"), SectionTag("KOFF"), SectionTag("HASH")};
constexpr uint32_t kKeyFlags = SectionTag("KFLG");     // u8[keys]: kExtends
constexpr uint32_t kListOffsets = SectionTag("LOFF");  // u32[keys + 1], into RECS
constexpr uint32_t kRecords = SectionTag("RECS");      // Record[candidates]
constexpr uint32_t kTextBlob = SectionTag("TBLB");     // distinct original texts, concatenated
constexpr uint32_t kLmIds = SectionTag("LMID");        // the texts' words as LM ids

}  // namespace

uint64_t CandidateFingerprint(const ChannelParams& channel) {
  // Everything but the fields known not to change a list, so that a field
  // added later counts until someone decides it does not. pair_log_q is
  // hashed entry by entry and summed (the map's order is arbitrary):
  // dumping tens of thousands of learned pairs as JSON would cost every
  // decoder 100 ms.
  nlohmann::json j = channel.ScalarJson();
  for (const char* unrelated : {"swap_rate", "rate_iterations", "rate_prior_words", "digit_log_penalty",
                                "flag_threshold", "spun_threshold", "beam", "beam_delta", "scored_candidates",
                                "prefilter_delta", "max_span_tokens", "calibration", "span_model", "adapted_on",
                                "routed_scores"}) {
    j.erase(unrelated);
  }
  uint64_t pairs = 0;
  std::string entry;
  for (const auto& [key, value] : channel.pair_log_q) {
    uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    entry = key;
    entry += '\t';
    entry += std::to_string(bits);
    pairs += StringHash(entry);
  }
  return StringHash(j.dump() + "\npairs " + std::to_string(channel.pair_log_q.size()) + " " + Hex64(pairs));
}

// --- CandidateBuilder ---------------------------------------------------

CandidateBuilder::CandidateBuilder(const Lexicon& lexicon, const LanguageModel& lm, const ChannelParams& channel)
    : lexicon_(lexicon),
      lm_(lm),
      channel_(channel),
      default_log_q_(lexicon.size(), std::numeric_limits<float>::quiet_NaN()) {
  secondary_ = channel.filter;
  secondary_.sources = static_cast<SourceMask>(channel.secondary_sources & ~channel.filter.sources);
  all_sources_ = channel.filter;
  all_sources_.sources = static_cast<SourceMask>(channel.filter.sources | channel.secondary_sources);
}

double CandidateBuilder::Unigram(uint32_t id) const {
  LmState unused;
  return id == lm_.unk() ? channel_.oov_log10 * kLn10 : kLn10 * lm_.Score(lm_.NullContext(), id, &unused);
}

float CandidateBuilder::DefaultLogQ(uint32_t original) {
  float& q = default_log_q_[original];
  if (std::isnan(q)) {
    std::vector<uint32_t> subs;
    lexicon_.Substitutes(original, all_sources_, &subs);
    q = static_cast<float>(-channel_.substitute_exponent * std::log(std::max<size_t>(subs.size(), 1)));
  }
  return q;
}

float CandidateBuilder::QFor(uint32_t original, std::string_view key) {
  if (channel_.pair_log_q.empty()) return DefaultLogQ(original);
  std::string pair = std::string(lexicon_.Key(original)) + '\t';
  const size_t prefix = pair.size();
  pair += key;
  if (auto it = channel_.pair_log_q.find(pair); it != channel_.pair_log_q.end()) return it->second;
  pair.resize(prefix);
  pair += '*';
  if (auto it = channel_.pair_log_q.find(pair); it != channel_.pair_log_q.end()) {
    return DefaultLogQ(original) + it->second;
  }
  return DefaultLogQ(original) + channel_.unseen_pair_log_q;
}

const CandidateBuilder::Realized& CandidateBuilder::Realize(uint32_t original, Inflection tag) {
  const uint64_t k = ReadingKey(original, tag);
  if (auto it = realized_.find(k); it != realized_.end()) return it->second;
  Realized r;
  r.text = InflectPhrase(lexicon_, original, tag);
  // A proper name offered for a common word ("in" for "Indiana") is an
  // abbreviation sense no spinner writes: such originals stay unusable.
  if (DetectCasing(r.text) == Casing::kLower) {
    for (const std::string& w : Split(r.text, ' ')) {
      const uint32_t id = lm_.Vocab(w);
      if (id == lm_.unk()) {
        r.lm.clear();
        break;
      }
      r.lm.push_back(id);
      r.unigram += Unigram(id);
    }
  }
  return realized_.emplace(k, std::move(r)).first->second;
}

void CandidateBuilder::Build(std::string_view key, const std::vector<std::string>& words,
                             std::vector<Candidate>* out) {
  out->clear();
  std::vector<double> unigrams;
  std::unordered_map<std::string_view, size_t> index_of_text;
  // Originals from the primary sources, then those only the secondary
  // sources (noisier thesauri) offer, which pay secondary_log_q.
  OriginalReadings(lexicon_, words, channel_.filter, &readings_);
  const size_t primary = readings_.size();
  if (secondary_.sources != 0) {
    OriginalReadings(lexicon_, words, secondary_, &secondary_readings_);
    std::unordered_set<uint64_t> seen;
    for (const OriginalReading& r : readings_) seen.insert(ReadingKey(r.original, r.tag));
    for (const OriginalReading& r : secondary_readings_) {
      if (!seen.contains(ReadingKey(r.original, r.tag))) readings_.push_back(r);
    }
  }
  for (size_t ri = 0; ri < readings_.size(); ++ri) {
    const OriginalReading& reading = readings_[ri];
    const Realized& z = Realize(reading.original, reading.tag);
    if (z.lm.empty() || z.text == key) continue;
    const float log_q =
        QFor(reading.original, key) + (ri < primary ? 0.0f : static_cast<float>(channel_.secondary_log_q));
    if (log_q <= kExcludedLogQ) continue;
    if (auto seen = index_of_text.find(z.text); seen != index_of_text.end()) {
      Candidate& first = (*out)[seen->second];
      first.log_q = std::max(first.log_q, log_q);
      continue;
    }
    index_of_text.emplace(z.text, out->size());
    Candidate cand;
    cand.text = z.text;
    cand.lm = z.lm;
    cand.original = reading.original;
    cand.log_q = log_q;
    out->push_back(cand);
    unigrams.push_back(z.unigram);
  }
  // The frequency correction: the language model prefers frequent words
  // everywhere, while a spinner picks substitutes whatever their
  // frequency; (P(observed) / P(original))^gamma, on unigrams, tempers
  // that preference so that context, not frequency, decides.
  double observed_unigram = 0;
  for (const std::string& w : words) observed_unigram += Unigram(lm_.Vocab(w));
  std::vector<double> prior(out->size());
  for (size_t c = 0; c < out->size(); ++c) {
    Candidate& cand = (*out)[c];
    cand.weight = static_cast<float>(cand.log_q + channel_.frequency_exponent * (observed_unigram - unigrams[c]));
    cand.unigram = static_cast<float>(unigrams[c] / static_cast<double>(cand.lm.size()));
    cand.observed_unigram = static_cast<float>(observed_unigram / static_cast<double>(words.size()));
    prior[c] = cand.weight + Unigram(cand.lm[0]);
  }
  // Only the likeliest few originals enter the lattice, judged without
  // context by their unigram probability and channel weight.
  if (out->size() > static_cast<size_t>(channel_.max_candidates)) {
    std::vector<size_t> order(out->size());
    for (size_t c = 0; c < order.size(); ++c) order[c] = c;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return prior[a] > prior[b]; });
    order.resize(static_cast<size_t>(channel_.max_candidates));
    std::vector<Candidate> best;
    for (size_t c : order) best.push_back((*out)[c]);
    *out = std::move(best);
  }
}

// --- CandidateTable -----------------------------------------------------

Result<CandidateTable> CandidateTable::Open(const std::string& path, const Lexicon& lexicon,
                                            const LanguageModel& lm) {
  CandidateTable table;
  auto file = BinaryFile::Open(path, kTableMagic, kVersion, "candidate table");
  if (!file.ok()) return file.status();
  table.file_ = std::move(file).value();
  RETURN_IF_ERROR(table.Init(lexicon, lm));
  table.file_.ReleasePages();
  return table;
}

Status CandidateTable::Init(const Lexicon& lexicon, const LanguageModel& lm) {
  const std::string& path = file_.path();
  auto corrupt = [&](const std::string& why) { return DataLossError(path + ": " + why); };
  ASSIGN_OR_RETURN(std::string_view meta_text, file_.Section(kMeta));
  const nlohmann::json meta = nlohmann::json::parse(meta_text, nullptr, false);
  if (!meta.is_object() || !meta.contains("lexicon_checksum") || !meta["lexicon_checksum"].is_string() ||
      !meta.contains("lm_checksum") || !meta["lm_checksum"].is_string() || !meta.contains("channel_fingerprint") ||
      !meta["channel_fingerprint"].is_string()) {
    return corrupt("META is not the candidate table's JSON");
  }
  // A table is only valid beside the files it was compiled from.
  if (meta["lexicon_checksum"].get<std::string>() != Hex64(lexicon.file().info().checksum) ||
      meta["lm_checksum"].get<std::string>() != Hex64(lm.file().info().checksum)) {
    return corrupt("compiled from another lexicon or language model; rebuild it with: unspin model build");
  }
  fingerprint_ = std::strtoull(meta["channel_fingerprint"].get<std::string>().c_str(), nullptr, 16);
  RETURN_IF_ERROR(keys_.Init(file_, kKeyIndex, "candidate keys"));
  ASSIGN_OR_RETURN(key_flags_, file_.Array<uint8_t>(kKeyFlags));
  ASSIGN_OR_RETURN(list_offsets_, file_.Array<uint32_t>(kListOffsets));
  ASSIGN_OR_RETURN(records_, file_.Array<Record>(kRecords));
  ASSIGN_OR_RETURN(text_blob_, file_.Section(kTextBlob));
  ASSIGN_OR_RETURN(lm_ids_, file_.Array<uint32_t>(kLmIds));
  // Structural invariants, so that AppendList may index without checks.
  if (key_flags_.size() != keys_.size()) return corrupt("key flags do not match the keys");
  if (list_offsets_.size() != size_t{keys_.size()} + 1) return corrupt("list offsets do not match the keys");
  if (const char* f = OffsetsFault(list_offsets_, records_.size())) return corrupt(std::string("list offsets ") + f);
  for (const Record& r : records_) {
    if (uint64_t{r.text_begin} + r.text_size > text_blob_.size() || r.lm_count == 0 ||
        uint64_t{r.lm_begin} + r.lm_count > lm_ids_.size() || r.original >= lexicon.size()) {
      return corrupt("a candidate out of range");
    }
  }
  for (uint32_t id : lm_ids_) {
    if (id >= lm.vocab_size() || id == lm.unk()) return corrupt("a word the language model does not have");
  }
  std::vector<uint64_t> pairs;
  for (uint32_t k = 0; k < keys_.size(); ++k) {
    const std::string_view key = keys_.Get(k);
    const size_t space = key.find(' ');
    if (space == std::string_view::npos) continue;
    const size_t end = std::min(key.size(), key.find(' ', space + 1));
    pairs.push_back(WordPairHash(StringHash(key.substr(0, space)), StringHash(key.substr(space + 1, end - space - 1))));
  }
  pair_filter_.assign(bloom::WordsFor(pairs.size()), 0);
  for (uint64_t h : pairs) bloom::Add(&pair_filter_, h);
  return OkStatus();
}

uint64_t CandidateTable::WordPairHash(uint64_t first, uint64_t second) {
  // Mixed so that the filter's word and bit positions, low and high bits,
  // depend on both words (and on their order).
  return ngram_hash::Mix(first * 0x9E3779B97F4A7C15ull ^ second);
}

void CandidateTable::AppendList(uint32_t k, std::vector<Candidate>* out) const {
  for (size_t i = 0, n = ListSize(k); i < n; ++i) out->push_back(Get(k, i));
}

Candidate CandidateTable::Get(uint32_t k, size_t i) const {
  const Record& r = records_[list_offsets_[k] + i];
  Candidate c;
  c.text = text_blob_.substr(r.text_begin, r.text_size);
  c.lm = lm_ids_.subspan(r.lm_begin, r.lm_count);
  c.original = r.original;
  c.unigram = r.unigram;
  c.observed_unigram = r.observed_unigram;
  c.log_q = r.log_q;
  c.weight = r.weight;
  return c;
}

// --- Compilation --------------------------------------------------------

namespace {

// Every phrase the decoder may look up that can have candidates: each
// string that is some original's substitute, as stored and with any one
// word replaced by a form the lexicon analyses as that word inflected (the
// readings OriginalReadings makes in reverse). Sorted, so the table does
// not depend on thread timing.
std::vector<std::string> ObservedPhrases(const Lexicon& lexicon, const ChannelParams& channel) {
  LexiconFilter all_sources = channel.filter;
  all_sources.sources = static_cast<SourceMask>(channel.filter.sources | channel.secondary_sources);
  std::vector<std::vector<uint32_t>> forms_of(lexicon.size());
  std::vector<Lexicon::Analysis> analyses;
  for (uint32_t id = 0; id < lexicon.size(); ++id) {
    if (lexicon.TokenCount(id) != 1) continue;
    lexicon.Analyses(id, &analyses);
    for (const auto& a : analyses) forms_of[a.lemma].push_back(id);
  }
  std::unordered_set<std::string> keys;
  std::vector<uint32_t> originals;
  for (uint32_t id = 0; id < lexicon.size(); ++id) {
    if (lexicon.TokenCount(id) > channel.max_span_tokens) continue;
    lexicon.Originals(id, all_sources, &originals);
    if (originals.empty()) continue;
    const std::string_view key = lexicon.Key(id);
    keys.emplace(key);
    std::vector<std::string> words = Split(key, ' ');
    for (size_t j = 0; j < words.size(); ++j) {
      const uint32_t word = lexicon.Find(words[j]);
      if (word == Lexicon::kNone) continue;
      const std::string lemma = words[j];
      for (uint32_t form : forms_of[word]) {
        words[j] = std::string(lexicon.Key(form));
        keys.insert(Join(words, ' '));
      }
      words[j] = lemma;
    }
  }
  std::vector<std::string> sorted(keys.begin(), keys.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

}  // namespace

Status CompileCandidateTable(const Lexicon& lexicon, const LanguageModel& lm, const ChannelParams& channel,
                             int threads, const std::string& path, CandidateCompileReport* report,
                             const std::function<void(uint64_t, uint64_t)>& progress) {
  *report = CandidateCompileReport();
  threads = std::max(1, threads);
  const std::vector<std::string> phrases = ObservedPhrases(lexicon, channel);

  // Blocks of phrases are built in parallel and kept in compact form; the
  // builders' caches are dropped between blocks to bound memory.
  struct Owned {
    std::string text;
    std::vector<uint32_t> lm;
    Candidate fields;
  };
  std::vector<std::vector<Owned>> lists(phrases.size());
  std::vector<std::unique_ptr<CandidateBuilder>> builders;
  for (int t = 0; t < threads; ++t) builders.push_back(std::make_unique<CandidateBuilder>(lexicon, lm, channel));
  constexpr size_t kBlock = 1 << 15;
  for (size_t block = 0; block < phrases.size(); block += kBlock) {
    const size_t n = std::min(kBlock, phrases.size() - block);
    ParallelFor(n, threads, nullptr, [&](int t, size_t i) {
      const std::string& key = phrases[block + i];
      std::vector<Candidate> built;
      builders[static_cast<size_t>(t)]->Build(key, Split(key, ' '), &built);
      for (const Candidate& c : built) {
        lists[block + i].push_back({std::string(c.text), std::vector<uint32_t>(c.lm.begin(), c.lm.end()), c});
      }
    });
    for (auto& b : builders) {
      if (b->cached() > (size_t{1} << 20)) b->Clear();
    }
    if (progress) progress(block + n, phrases.size());
  }

  // The keys: phrases with candidates and all their leading word runs.
  std::unordered_map<std::string, size_t> phrase_of;  // key -> index into phrases, or SIZE_MAX
  for (size_t p = 0; p < phrases.size(); ++p) {
    if (!lists[p].empty()) phrase_of[phrases[p]] = p;
  }
  for (size_t p = 0; p < phrases.size(); ++p) {
    if (lists[p].empty()) continue;
    for (size_t space = phrases[p].find(' '); space != std::string::npos; space = phrases[p].find(' ', space + 1)) {
      phrase_of.emplace(phrases[p].substr(0, space), SIZE_MAX);
    }
  }
  std::vector<std::string> keys;
  for (const auto& [key, p] : phrase_of) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  std::vector<uint8_t> key_flags(keys.size(), 0);
  for (size_t k = 0; k < keys.size(); ++k) {
    const size_t space = keys[k].rfind(' ');
    if (space == std::string::npos) continue;
    // Its leading run is a key too (closure above): mark it.
    const auto it = std::lower_bound(keys.begin(), keys.end(), keys[k].substr(0, space));
    key_flags[static_cast<size_t>(it - keys.begin())] |= 1;
  }

  std::vector<uint32_t> list_offsets = {0};
  std::vector<CandidateTable::Record> records;
  std::string text_blob;
  std::vector<uint32_t> lm_ids;
  struct Placed {
    uint32_t text_begin, lm_begin;
  };
  std::unordered_map<std::string, Placed> placed;  // each distinct text stored once
  for (const std::string& key : keys) {
    const size_t p = phrase_of[key];
    if (p != SIZE_MAX) {
      for (const Owned& c : lists[p]) {
        if (c.text.size() > 0xFFFF || c.lm.size() > 0xFF) return InternalError("candidate table: an original too long");
        auto [it, added] = placed.emplace(c.text, Placed{static_cast<uint32_t>(text_blob.size()),
                                                         static_cast<uint32_t>(lm_ids.size())});
        if (added) {
          text_blob += c.text;
          lm_ids.insert(lm_ids.end(), c.lm.begin(), c.lm.end());
        }
        records.push_back({it->second.text_begin, it->second.lm_begin, static_cast<uint16_t>(c.text.size()),
                           static_cast<uint8_t>(c.lm.size()), 0, c.fields.original, c.fields.unigram,
                           c.fields.observed_unigram, c.fields.log_q, c.fields.weight});
      }
    }
    list_offsets.push_back(static_cast<uint32_t>(records.size()));
  }
  if (records.size() >= std::numeric_limits<uint32_t>::max() ||
      text_blob.size() >= std::numeric_limits<uint32_t>::max()) {
    return ResourceExhaustedError("candidate table: more than 2^32 entries");
  }

  BinaryFileWriter writer(kTableMagic, CandidateTable::kVersion);
  const nlohmann::json meta = {{"lexicon_checksum", Hex64(lexicon.file().info().checksum)},
                               {"lm_checksum", Hex64(lm.file().info().checksum)},
                               {"channel_fingerprint", Hex64(CandidateFingerprint(channel))},
                               {"keys", keys.size()},
                               {"candidates", records.size()}};
  writer.AddSection(kMeta, meta.dump());
  RETURN_IF_ERROR(WriteStringIndex(keys, kKeyIndex, &writer));
  writer.AddArray(kKeyFlags, key_flags);
  writer.AddArray(kListOffsets, list_offsets);
  writer.AddArray(kRecords, records);
  report->text_bytes = text_blob.size();
  writer.AddSection(kTextBlob, std::move(text_blob));
  writer.AddArray(kLmIds, lm_ids);
  const std::string bytes = writer.Serialize();
  report->keys = keys.size();
  for (const auto& list : lists) report->phrases += !list.empty();
  report->candidates = records.size();
  report->bytes = bytes.size();
  return WriteFileAtomically(path, bytes);
}

}  // namespace unspin
