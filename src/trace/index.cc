#include "trace/index.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "trace/align.h"
#include "util/strings.h"

namespace unspin {

namespace {

constexpr int kApplicationId = 0x756E5354;  // "unST": SQLite header field 68
constexpr std::string_view kFileName = "/index.sqlite";

// An SQLite error as a Status: corruption and foreign files are kDataLoss,
// the rest kIoError, the message naming what was being done.
Status SqlError(sqlite3* db, int rc, std::string_view doing) {
  const std::string message = std::string(doing) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  const int primary = rc & 0xFF;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return DataLossError(message + " (a damaged index, or not an index at all: rebuild it with unspin index add)");
  }
  if (primary == SQLITE_CANTOPEN) return NotFoundError(message);
  return IoError(message);
}

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }
  Status Prepare(sqlite3* db, const char* sql) {
    const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
    return rc == SQLITE_OK ? Status() : SqlError(db, rc, "reading the index");
  }
  sqlite3_stmt* get() { return stmt_; }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int Step() { return sqlite3_step(stmt_); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

nlohmann::json OptionsJson(const FingerprintOptions& o) {
  return {{"fingerprint_version", kFingerprintVersion},
          {"kind", o.kind == ShingleKind::kAnchors ? "anchors" : "words"},
          {"shingle_words", o.shingle_words},
          {"bands", o.bands},
          {"rows", o.rows},
          {"sources", static_cast<int>(o.filter.sources)}};
}

}  // namespace

// Closes the database when it goes; declared before the statements, so
// it outlives them (sqlite3_close refuses while a statement is open).
struct Database {
  sqlite3* db = nullptr;
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database() { sqlite3_close(db); }
};

struct TraceIndex::Impl {
  Database database;
  sqlite3*& db = database.db;
  std::string path;
  const Lexicon& lexicon;
  FingerprintOptions options;
  std::unique_ptr<Fingerprinter> fingerprinter;
  Statement insert_doc, insert_band, find_band, doc_signature, doc_text, count_docs;

  explicit Impl(const Lexicon& lex) : lexicon(lex) {}

  Status Exec(const char* sql, std::string_view doing) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    sqlite3_free(error);
    return rc == SQLITE_OK ? Status() : SqlError(db, rc, doing);
  }

  Result<int64_t> PragmaInt(const char* sql) {
    Statement st;
    if (Status s = st.Prepare(db, sql); !s.ok()) return s;
    const int rc = st.Step();
    if (rc != SQLITE_ROW) return SqlError(db, rc, "reading the index header");
    return static_cast<int64_t>(sqlite3_column_int64(st.get(), 0));
  }

  Result<std::string> Meta(const char* key) {
    Statement st;
    if (Status s = st.Prepare(db, "SELECT value FROM meta WHERE key = ?1"); !s.ok()) return s;
    sqlite3_bind_text(st.get(), 1, key, -1, SQLITE_STATIC);
    const int rc = st.Step();
    if (rc == SQLITE_DONE) return DataLossError(path + ": meta has no " + key);
    if (rc != SQLITE_ROW) return SqlError(db, rc, "reading the index meta");
    const unsigned char* text = sqlite3_column_text(st.get(), 0);
    return std::string(text != nullptr ? reinterpret_cast<const char*>(text) : "");
  }

  Status CreateSchema(const FingerprintOptions& o) {
    const std::string sql =
        "BEGIN IMMEDIATE;"
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE docs(doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, text TEXT NOT NULL,"
        " signature BLOB NOT NULL);"
        "CREATE TABLE bands(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;"
        "PRAGMA application_id = " + std::to_string(kApplicationId) + ";"
        "PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";";
    if (Status s = Exec(sql.c_str(), "creating the index"); !s.ok()) return s;
    Statement st;
    if (Status s = st.Prepare(db, "INSERT INTO meta(key, value) VALUES(?1, ?2)"); !s.ok()) return s;
    const std::string options_json = OptionsJson(o).dump();
    const std::string checksum = Hex64(lexicon.file().info().checksum);
    for (auto [key, value] : {std::pair<const char*, const std::string*>{"fingerprint", &options_json},
                              {"lexicon_checksum", &checksum}}) {
      st.Reset();
      sqlite3_bind_text(st.get(), 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text(st.get(), 2, value->c_str(), -1, SQLITE_STATIC);
      if (int rc = st.Step(); rc != SQLITE_DONE) return SqlError(db, rc, "creating the index");
    }
    return Exec("COMMIT", "creating the index");
  }

  // Checks the header fields and meta, and reads the options.
  Status Validate() {
    auto app = PragmaInt("PRAGMA application_id");
    if (!app.ok()) return app.status();
    if (*app != kApplicationId) return DataLossError(path + ": not an unspin trace index");
    auto version = PragmaInt("PRAGMA user_version");
    if (!version.ok()) return version.status();
    if (*version != kSchemaVersion) {
      return VersionMismatchError(path + ": index schema version " + std::to_string(*version) + ", this unspin reads " +
                                  std::to_string(kSchemaVersion) + "; rebuild the index");
    }
    auto fp = Meta("fingerprint");
    if (!fp.ok()) return fp.status();
    auto j = nlohmann::json::parse(*fp, nullptr, false);
    auto field = [&](const char* name) -> int64_t {
      return j.is_object() && j.contains(name) && j[name].is_number_integer() ? j[name].get<int64_t>() : -1;
    };
    if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string()) {
      return DataLossError(path + ": meta 'fingerprint' is not valid");
    }
    if (field("fingerprint_version") != kFingerprintVersion) {
      return VersionMismatchError(path + ": fingerprint version " + std::to_string(field("fingerprint_version")) +
                                  ", this unspin makes " + std::to_string(kFingerprintVersion) + "; rebuild the index");
    }
    const std::string kind = j["kind"].get<std::string>();
    FingerprintOptions o;
    o.kind = kind == "words" ? ShingleKind::kWords : ShingleKind::kAnchors;
    o.shingle_words = static_cast<int>(field("shingle_words"));
    o.bands = static_cast<int>(field("bands"));
    o.rows = static_cast<int>(field("rows"));
    const int64_t sources = field("sources");
    if ((kind != "words" && kind != "anchors") || o.shingle_words < 1 || o.shingle_words > 16 || o.bands < 1 ||
        o.bands > 1024 || o.rows < 1 || o.rows > 64 || sources < 0 || sources > 0xFF) {
      return DataLossError(path + ": meta 'fingerprint' has a value out of range: " + *fp);
    }
    o.filter.sources = static_cast<SourceMask>(sources);
    auto checksum = Meta("lexicon_checksum");
    if (!checksum.ok()) return checksum.status();
    if (*checksum != Hex64(lexicon.file().info().checksum)) {
      return DataLossError(path + ": the index was built with another lexicon (checksum " + *checksum +
                           ", the model's is " + Hex64(lexicon.file().info().checksum) +
                           "); rebuild it with this model, or use the model it was built with");
    }
    options = o;
    return Status();
  }

  Status PrepareAll() {
    for (auto [st, sql] : std::initializer_list<std::pair<Statement*, const char*>>{
             {&insert_doc, "INSERT INTO docs(id, text, signature) VALUES(?1, ?2, ?3)"},
             {&insert_band, "INSERT OR IGNORE INTO bands(key, doc) VALUES(?1, ?2)"},
             {&find_band, "SELECT doc FROM bands WHERE key = ?1"},
             {&doc_signature, "SELECT signature FROM docs WHERE doc = ?1"},
             {&doc_text, "SELECT id, text FROM docs WHERE doc = ?1"},
             {&count_docs, "SELECT count(*) FROM docs"}}) {
      if (Status s = st->Prepare(db, sql); !s.ok()) return s;
    }
    return Status();
  }
};

TraceIndex::TraceIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TraceIndex::~TraceIndex() = default;

const FingerprintOptions& TraceIndex::fingerprint_options() const { return impl_->options; }

Result<std::unique_ptr<TraceIndex>> TraceIndex::Open(const std::string& dir, const Lexicon& lexicon, Mode mode,
                                                     const FingerprintOptions& options) {
  auto impl = std::make_unique<Impl>(lexicon);
  impl->path = dir + std::string(kFileName);
  struct stat st;
  const bool dir_exists = ::stat(dir.c_str(), &st) == 0;
  if (dir_exists && !S_ISDIR(st.st_mode)) return InvalidArgumentError(dir + ": not a directory");
  if (!dir_exists) {
    if (mode != kCreate) {
      return NotFoundError(dir + ": no such index directory; make one with: unspin index add --index " + dir + " FILE");
    }
    if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
      return IoError(dir + ": cannot create: " + std::strerror(errno));
    }
  }
  const bool exists = ::stat(impl->path.c_str(), &st) == 0;
  if (!exists && mode != kCreate) {
    return NotFoundError(impl->path + ": no index here; make one with: unspin index add --index " + dir + " FILE");
  }
  const int flags = mode == kReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(impl->path.c_str(), &impl->db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return SqlError(impl->db, rc, "opening " + impl->path);
  sqlite3_busy_timeout(impl->db, 10000);
  // A larger page cache than SQLite's 2 MB default: a batch of additions
  // touches band pages all over the B-tree.
  if (Status s = impl->Exec("PRAGMA cache_size = -65536", "opening " + impl->path); !s.ok()) return s;
  if (mode != kReadOnly) {
    // WAL: readers never block the writer nor see half a batch.
    // synchronous=FULL: a committed batch survives a crash of the machine,
    // not only of the process.
    if (Status s = impl->Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", "opening " + impl->path);
        !s.ok()) {
      return s;
    }
  }
  if (!exists) {
    if (Status s = impl->CreateSchema(options); !s.ok()) return s;
  }
  if (Status s = impl->Validate(); !s.ok()) return s;
  if (Status s = impl->PrepareAll(); !s.ok()) return s;
  impl->fingerprinter = std::make_unique<Fingerprinter>(lexicon, impl->options);
  return std::unique_ptr<TraceIndex>(new TraceIndex(std::move(impl)));
}

Status TraceIndex::Add(std::span<const IndexDoc> docs, AddReport* report) {
  Impl& d = *impl_;
  *report = AddReport();
  // Fingerprints first, outside the transaction, so the write lock is held
  // only for the inserts.
  struct Prepared {
    std::vector<uint32_t> signature;
    std::vector<uint64_t> keys;
  };
  std::vector<Prepared> prepared(docs.size());
  std::vector<uint64_t> shingles;
  for (size_t i = 0; i < docs.size(); ++i) {
    d.fingerprinter->Shingles(docs[i].text, &shingles);
    d.fingerprinter->Signature(shingles, &prepared[i].signature);
    d.fingerprinter->BandKeys(prepared[i].signature, &prepared[i].keys);
  }
  if (Status s = d.Exec("BEGIN IMMEDIATE", "adding to the index"); !s.ok()) return s;
  auto fail = [&](Status s) {
    (void)d.Exec("ROLLBACK", "rolling back");  // the first error is the one to report
    report->added = 0;
    return s;
  };
  for (size_t i = 0; i < docs.size(); ++i) {
    Statement& ins = d.insert_doc;
    ins.Reset();
    sqlite3_bind_text(ins.get(), 1, docs[i].id.data(), static_cast<int>(docs[i].id.size()), SQLITE_STATIC);
    sqlite3_bind_text64(ins.get(), 2, docs[i].text.data(), docs[i].text.size(), SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_blob(ins.get(), 3, prepared[i].signature.data(),
                      static_cast<int>(prepared[i].signature.size() * sizeof(uint32_t)), SQLITE_STATIC);
    const int rc = ins.Step();
    if ((rc & 0xFF) == SQLITE_CONSTRAINT && sqlite3_extended_errcode(d.db) == SQLITE_CONSTRAINT_UNIQUE) {
      report->refused.push_back({i, "id " + docs[i].id + " is already in the index"});
      continue;
    }
    if (rc != SQLITE_DONE) return fail(SqlError(d.db, rc, "adding " + docs[i].id));
    const sqlite3_int64 doc = sqlite3_last_insert_rowid(d.db);
    for (uint64_t key : prepared[i].keys) {
      Statement& band = d.insert_band;
      band.Reset();
      sqlite3_bind_int64(band.get(), 1, static_cast<sqlite3_int64>(key));
      sqlite3_bind_int64(band.get(), 2, doc);
      if (int brc = band.Step(); brc != SQLITE_DONE) return fail(SqlError(d.db, brc, "adding " + docs[i].id));
    }
    ++report->added;
  }
  if (Status s = d.Exec("COMMIT", "committing to the index"); !s.ok()) return fail(s);
  return Status();
}

Result<std::vector<TraceMatch>> TraceIndex::Query(std::string_view text, const TraceQueryOptions& options,
                                                  TraceQueryStats* stats) {
  Impl& d = *impl_;
  // One wording of the query: as written, or restored.
  struct Wording {
    std::string_view text;
    std::vector<FingerprintWord> words;
    std::vector<uint32_t> signature;
    std::vector<uint64_t> hashes;
  };
  std::vector<Wording> wordings(options.restored.empty() ? 1 : 2);
  wordings[0].text = text;
  if (wordings.size() > 1) wordings[1].text = options.restored;
  // Candidates: documents sharing at least one band with some wording, and
  // how many bands they share.
  std::unordered_map<int64_t, uint32_t> sharing;
  std::vector<uint64_t> shingles, keys;
  for (Wording& w : wordings) {
    d.fingerprinter->Words(w.text, &w.words);
    d.fingerprinter->Shingles(w.words, &shingles);
    d.fingerprinter->Signature(shingles, &w.signature);
    d.fingerprinter->BandKeys(w.signature, &keys);
    for (const FingerprintWord& word : w.words) w.hashes.push_back(word.hash);
    for (uint64_t key : keys) {
      Statement& st = d.find_band;
      st.Reset();
      sqlite3_bind_int64(st.get(), 1, static_cast<sqlite3_int64>(key));
      int rc;
      while ((rc = st.Step()) == SQLITE_ROW) ++sharing[sqlite3_column_int64(st.get(), 0)];
      if (rc != SQLITE_DONE) return SqlError(d.db, rc, "querying the index");
    }
  }
  struct Candidate {
    int64_t doc;
    double estimate;  // the better wording's
  };
  // At most options.estimate documents, those sharing the most bands, have
  // their signatures read: a bound on the work of a query that shares bands
  // with very many documents (a long text of common anchors). Below the
  // bound every candidate is compared, since a true source may share just
  // one band.
  std::vector<std::pair<int64_t, uint32_t>> pool(sharing.begin(), sharing.end());
  auto more_bands = [](const std::pair<int64_t, uint32_t>& a, const std::pair<int64_t, uint32_t>& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (pool.size() > options.estimate) {
    std::partial_sort(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(options.estimate), pool.end(),
                      more_bands);
    pool.resize(options.estimate);
  }
  std::vector<Candidate> candidates;
  const size_t signature_size = wordings[0].signature.size();
  std::vector<uint32_t> other(signature_size);
  for (const auto& [doc, bands] : pool) {
    Statement& st = d.doc_signature;
    st.Reset();
    sqlite3_bind_int64(st.get(), 1, doc);
    const int rc = st.Step();
    if (rc != SQLITE_ROW) return SqlError(d.db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "querying the index");
    const void* blob = sqlite3_column_blob(st.get(), 0);
    const size_t bytes = static_cast<size_t>(sqlite3_column_bytes(st.get(), 0));
    if (bytes != signature_size * sizeof(uint32_t)) {
      return DataLossError(d.path + ": document " + std::to_string(doc) + " has a signature of " +
                           std::to_string(bytes) + " bytes");
    }
    if (bytes > 0) std::memcpy(other.data(), blob, bytes);
    double estimate = 0;
    for (const Wording& w : wordings) estimate = std::max(estimate, SignatureSimilarity(w.signature, other));
    candidates.push_back({doc, estimate});
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.estimate != b.estimate ? a.estimate > b.estimate : a.doc < b.doc;
  });
  if (stats != nullptr) stats->candidates = sharing.size();
  if (candidates.size() > options.verify) candidates.resize(options.verify);
  if (stats != nullptr) stats->verified = candidates.size();

  // Verification: align the words of each wording with each candidate's.
  const std::vector<FingerprintWord>& query_words = wordings[0].words;
  std::vector<FingerprintWord> source_words;
  std::vector<uint64_t> source_hashes;
  auto share = [](uint64_t shared, uint64_t of) {
    return of == 0 ? 0.0 : static_cast<double>(shared) / static_cast<double>(of);
  };
  std::vector<TraceMatch> matches;
  for (const Candidate& c : candidates) {
    Statement& st = d.doc_text;
    st.Reset();
    sqlite3_bind_int64(st.get(), 1, c.doc);
    const int rc = st.Step();
    if (rc != SQLITE_ROW) return SqlError(d.db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "querying the index");
    const char* id = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
    const char* source = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 1));
    const std::string_view source_text(source != nullptr ? source : "",
                                       static_cast<size_t>(sqlite3_column_bytes(st.get(), 1)));
    d.fingerprinter->Words(source_text, &source_words);
    source_hashes.clear();
    for (const auto& w : source_words) source_hashes.push_back(w.hash);
    const Alignment alignment = AlignWords(wordings[0].hashes, source_hashes);
    TraceMatch m;
    m.id = id != nullptr ? id : "";
    m.query_words = query_words.size();
    m.source_words = source_words.size();
    m.shared_words = alignment.shared_words;
    m.similarity = share(m.shared_words, m.query_words);
    m.source_coverage = share(m.shared_words, m.source_words);
    m.signature_similarity = c.estimate;
    if (wordings.size() > 1) {
      const Alignment restored = AlignWords(wordings[1].hashes, source_hashes);
      m.restored_similarity = share(restored.shared_words, wordings[1].words.size());
    }
    if (std::max(m.similarity, m.restored_similarity) < options.threshold) continue;
    for (const AlignedRun& run : alignment.runs) {
      if (run.same || run.query.size() == 0 || run.source.size() == 0) continue;
      if (m.evidence.size() >= options.max_evidence) break;
      TraceEvidence e;
      e.query_begin = query_words[run.query.begin].begin;
      e.query_end = query_words[run.query.end - 1].end;
      e.source_begin = source_words[run.source.begin].begin;
      e.source_end = source_words[run.source.end - 1].end;
      e.query_text = std::string(text.substr(e.query_begin, e.query_end - e.query_begin));
      e.source_text = std::string(source_text.substr(e.source_begin, e.source_end - e.source_begin));
      m.evidence.push_back(std::move(e));
    }
    matches.push_back(std::move(m));
  }
  std::sort(matches.begin(), matches.end(), [](const TraceMatch& a, const TraceMatch& b) {
    // Among sources that explain as much of the query, the one the query
    // covers more of is the closer copy (a syndicated version without the
    // dateline the copy dropped, say).
    const double x = std::max(a.similarity, a.restored_similarity), y = std::max(b.similarity, b.restored_similarity);
    if (x != y) return x > y;
    if (a.source_coverage != b.source_coverage) return a.source_coverage > b.source_coverage;
    return a.id < b.id;
  });
  if (matches.size() > options.max_results) matches.resize(options.max_results);
  return matches;
}

Result<TraceIndexInfo> TraceIndex::Info() {
  Impl& d = *impl_;
  TraceIndexInfo info;
  d.count_docs.Reset();
  const int rc = d.count_docs.Step();
  if (rc != SQLITE_ROW) return SqlError(d.db, rc, "counting documents");
  info.documents = static_cast<uint64_t>(sqlite3_column_int64(d.count_docs.get(), 0));
  struct stat st;
  if (::stat(d.path.c_str(), &st) == 0) info.file_bytes = static_cast<uint64_t>(st.st_size);
  info.fingerprint = d.options;
  info.lexicon_checksum = Hex64(d.lexicon.file().info().checksum);
  return info;
}

Status TraceIndex::Check() {
  Impl& d = *impl_;
  Statement st;
  if (Status s = st.Prepare(d.db, "PRAGMA integrity_check"); !s.ok()) return s;
  const int rc = st.Step();
  if (rc != SQLITE_ROW) return SqlError(d.db, rc, "checking the index");
  const unsigned char* verdict = sqlite3_column_text(st.get(), 0);
  const std::string v = verdict != nullptr ? reinterpret_cast<const char*>(verdict) : "";
  if (v != "ok") return DataLossError(d.path + ": integrity check failed: " + v);
  return Status();
}

}  // namespace unspin
