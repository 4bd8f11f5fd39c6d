// The trace index: documents and their spin-invariant fingerprints in an
// SQLite database (DIR/index.sqlite), and the query that finds the source
// a spun copy was made from.
//
//   auto index = TraceIndex::Open("idx", lexicon, TraceIndex::kCreate);
//   index->Add(docs, &report);                  // one transaction
//   auto matches = index->Query(text, {});     // best first
//
// Why SQLite: additions are transactions (a batch is in the index entirely
// or not at all, and a killed writer leaves an index that opens), many
// processes may read while one writes (write-ahead log), and the look-up
// the query needs, band key -> documents, is a B-tree range scan. The file
// carries SQLite's own header check, an application id and a schema
// version; the settings the fingerprints were made with and the lexicon's
// checksum are in its `meta` table and are checked on open, because a
// fingerprint made under other settings would silently match nothing.
#ifndef UNSPIN_TRACE_INDEX_H_
#define UNSPIN_TRACE_INDEX_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lexicon/lexicon.h"
#include "trace/fingerprint.h"
#include "util/status.h"

namespace unspin {

struct IndexDoc {
  std::string id;
  std::string text;  // valid UTF-8
};

struct AddReport {
  uint64_t added = 0;
  // Documents refused, as (position in the batch, reason): an id already
  // in the index, or repeated in the batch.
  std::vector<std::pair<size_t, std::string>> refused;
};

// A run where the copy and the source differ: the copy's words (a swap,
// or text the source lacks) against the source's.
struct TraceEvidence {
  uint32_t query_begin = 0, query_end = 0;    // bytes of the query
  uint32_t source_begin = 0, source_end = 0;  // bytes of the source text
  std::string query_text, source_text;
};

struct TraceMatch {
  std::string id;
  // Share of the query's words found in the source in order, in shared
  // runs of two or more words: how much of the query this source explains.
  double similarity = 0;
  double source_coverage = 0;       // the same shared words over the source's words
  double signature_similarity = 0;  // MinHash estimate of the fingerprints' Jaccard similarity
  // The same share for the query's restoration (TraceQueryOptions::restored),
  // 0 without one. Matches rank by the better of the two.
  double restored_similarity = 0;
  uint64_t query_words = 0, source_words = 0, shared_words = 0;
  std::vector<TraceEvidence> evidence;  // differing runs with words on both sides, in order
};

struct TraceQueryOptions {
  size_t max_results = 5;
  double threshold = 0.3;  // least similarity reported
  // LSH candidates whose signatures are compared with the query's (those
  // sharing the most bands), and of those the best by signature similarity
  // that are aligned with the query in full.
  size_t estimate = 256;
  size_t verify = 10;
  size_t max_evidence = 200;  // per match
  // The query's restoration (what `restore` writes for it), or empty. A
  // spinner that swaps names and stock phrases breaks the runs of anchor
  // words a copy shares with its source; the restoration has many of them
  // back. Its fingerprint adds candidates, and a source reaches the
  // threshold and ranks by the better of the two alignments. Evidence is
  // always of the query as written.
  std::string_view restored;
};

// What a query did: documents sharing a band with it (LSH candidates), and
// how many of those were aligned in full.
struct TraceQueryStats {
  uint64_t candidates = 0;
  uint64_t verified = 0;
};

struct TraceIndexInfo {
  uint64_t documents = 0;
  uint64_t file_bytes = 0;
  FingerprintOptions fingerprint;
  std::string lexicon_checksum;
};

class TraceIndex {
 public:
  static constexpr int kSchemaVersion = 2;
  enum Mode { kReadOnly, kWrite, kCreate };

  // Opens DIR/index.sqlite. kCreate makes DIR and the index if missing
  // (with `options` for a new index; an existing one keeps its own).
  // Errors: kNotFound, kDataLoss (not an index, corrupt, or made with
  // another lexicon), kVersionMismatch (another schema or fingerprint
  // version), kIoError.
  static Result<std::unique_ptr<TraceIndex>> Open(const std::string& dir, const Lexicon& lexicon, Mode mode,
                                                  const FingerprintOptions& options = {});
  ~TraceIndex();
  TraceIndex(const TraceIndex&) = delete;
  TraceIndex& operator=(const TraceIndex&) = delete;

  // Adds `docs` in one transaction: when it returns OK, every document it
  // reports added is durably in the index.
  Status Add(std::span<const IndexDoc> docs, AddReport* report);
  // The indexed documents most like `text` (or like options.restored),
  // best first, at most options.max_results, none below options.threshold.
  Result<std::vector<TraceMatch>> Query(std::string_view text, const TraceQueryOptions& options,
                                        TraceQueryStats* stats = nullptr);
  Result<TraceIndexInfo> Info();
  // SQLite's full integrity check; kDataLoss with its first complaint.
  Status Check();

  const FingerprintOptions& fingerprint_options() const;

 private:
  struct Impl;
  explicit TraceIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace unspin

#endif  // UNSPIN_TRACE_INDEX_H_
