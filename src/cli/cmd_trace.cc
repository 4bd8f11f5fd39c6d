// unspin index add | info, and unspin trace: find the source a spun copy
// was made from, among the documents of an index (trace/index.h).

#include <cstdio>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "decoder/decoder.h"
#include "io/jsonl.h"
#include "io/result_json.h"
#include "text/chunker.h"
#include "trace/index.h"
#include "trace/restored_query.h"

namespace unspin::cli {

namespace {

struct IndexFlags {
  std::string index;
  std::string model;
  std::string input = "-";
  size_t batch = 1000;
  bool replace_invalid = false;
  size_t max_record_bytes = size_t{64} << 20;
  std::string kind = "anchors";
  bool check = false;
};

struct TraceFlags {
  std::string index;
  std::string model;
  std::string input = "-";
  std::string output;
  bool json = false;
  bool jsonl = false;
  size_t top = 5;
  double threshold = 0.3;
  size_t max_evidence = 200;
  bool replace_invalid = false;
  size_t max_record_bytes = size_t{64} << 20;
  bool restore = true;  // also trace the query's restoration
};

// Exit code for an index that cannot be opened: like a model's (4) when
// it is missing, damaged or of another version; I/O and usage as usual.
int IndexExitCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kIoError: return kExitFailure;
    default: return kExitModel;
  }
}

int RunIndexAdd(const IndexFlags& f) {
  if (f.index.empty()) return Fail(InvalidArgumentError("--index DIR is required"), kExitUsage);
  if (f.batch == 0) return Fail(InvalidArgumentError("--batch must be at least 1"), kExitUsage);
  if (f.kind != "anchors" && f.kind != "words") {
    return Fail(InvalidArgumentError("--shingles must be anchors or words"), kExitUsage);
  }
  auto lexicon = OpenModelLexicon(f.model);
  if (!lexicon.ok()) return Fail(lexicon.status().WithContext("loading model"), kExitModel);
  const FingerprintOptions options = f.kind == "words" ? WordShingleOptions() : FingerprintOptions();
  auto index = TraceIndex::Open(f.index, *lexicon, TraceIndex::kCreate, options);
  if (!index.ok()) return Fail(index.status(), IndexExitCode(index.status()));
  return RunOnInputAndOutput(f.input, "", [&](int fd, Output* out) {
    JsonlReader reader(fd, f.max_record_bytes, f.replace_invalid);
    Progress progress("index add", FileBytes(fd), Progress::kBytes);
    JsonlItem item;
    std::vector<IndexDoc> batch;
    std::vector<uint64_t> batch_lines;
    std::vector<nlohmann::json> batch_ids;
    uint64_t added = 0, errors = 0, records = 0;
    auto write_error = [&](const nlohmann::json& record) -> Status {
      ++errors;
      return out->Write(DumpJson(record) + "\n");
    };
    auto flush = [&]() -> Status {
      if (batch.empty()) return OkStatus();
      AddReport report;
      RETURN_IF_ERROR((*index)->Add(batch, &report));
      added += report.added;
      for (const auto& [position, reason] : report.refused) {
        RETURN_IF_ERROR(write_error({{"id", batch_ids[position]}, {"line", batch_lines[position]}, {"error", reason}}));
      }
      // Reported only once the transaction is durable: everything counted
      // here survives a kill.
      progress.Finish();
      std::fprintf(stderr, "unspin: committed %llu documents (%llu records read)\n",
                   static_cast<unsigned long long>(added), static_cast<unsigned long long>(records));
      batch.clear();
      batch_lines.clear();
      batch_ids.clear();
      return OkStatus();
    };
    for (;;) {
      auto more = reader.Next(&item);
      if (!more.ok()) {
        (void)flush();
        return Fail(more.status(), kExitFailure);
      }
      if (!*more) break;
      ++records;
      Status s;
      if (!item.error.empty()) {
        s = write_error(ErrorRecord(item));
      } else if (item.id.is_null()) {
        s = write_error({{"id", nullptr}, {"line", item.line}, {"error", "record has no \"id\"; the index needs one"}});
      } else {
        batch.push_back({IdText(item.id), std::move(item.text)});
        batch_lines.push_back(item.line);
        batch_ids.push_back(item.id);
        if (batch.size() >= f.batch) s = flush();
      }
      if (!s.ok()) return Fail(s);
      progress.Add(1, reader.bytes_consumed());
    }
    if (Status s = flush(); !s.ok()) return Fail(s);
    if (Status s = out->Commit(); !s.ok()) return Fail(s, kExitFailure);
    std::fprintf(stderr, "unspin: %llu of %llu records added to %s\n", static_cast<unsigned long long>(added),
                 static_cast<unsigned long long>(records), f.index.c_str());
    if (errors > 0) {
      std::fprintf(stderr, "unspin: %llu record(s) not added; see their \"error\" fields\n",
                   static_cast<unsigned long long>(errors));
      return static_cast<int>(kExitPartial);
    }
    return static_cast<int>(kExitOk);
  });
}

int RunIndexInfo(const IndexFlags& f) {
  if (f.index.empty()) return Fail(InvalidArgumentError("--index DIR is required"), kExitUsage);
  auto lexicon = OpenModelLexicon(f.model);
  if (!lexicon.ok()) return Fail(lexicon.status().WithContext("loading model"), kExitModel);
  auto index = TraceIndex::Open(f.index, *lexicon, TraceIndex::kReadOnly);
  if (!index.ok()) return Fail(index.status(), IndexExitCode(index.status()));
  if (f.check) {
    if (Status s = (*index)->Check(); !s.ok()) return Fail(s, IndexExitCode(s));
  }
  auto info = (*index)->Info();
  if (!info.ok()) return Fail(info.status());
  const FingerprintOptions& o = info->fingerprint;
  nlohmann::json j = {
      {"documents", info->documents},
      {"file_bytes", info->file_bytes},
      {"bytes_per_document", info->documents == 0 ? 0.0 : static_cast<double>(info->file_bytes) / info->documents},
      {"fingerprint",
       {{"shingles", o.kind == ShingleKind::kAnchors ? "anchors" : "words"},
        {"shingle_words", o.shingle_words},
        {"bands", o.bands},
        {"rows", o.rows}}},
      {"lexicon_checksum", info->lexicon_checksum}};
  if (f.check) j["integrity"] = "ok";
  std::printf("%s\n", j.dump(1).c_str());
  return kExitOk;
}

std::string HumanView(const std::vector<TraceMatch>& matches, double threshold) {
  if (matches.empty()) {
    char line[128];
    std::snprintf(line, sizeof line, "no indexed document reaches similarity %.2f\n", threshold);
    return line;
  }
  std::string out;
  for (const TraceMatch& m : matches) {
    char line[512];
    std::snprintf(line, sizeof line, "%s  similarity %.3f: %llu of %llu words shared in order (%.0f %% of the source)\n",
                  m.id.c_str(), m.similarity, static_cast<unsigned long long>(m.shared_words),
                  static_cast<unsigned long long>(m.query_words), 100 * m.source_coverage);
    out += line;
    const size_t shown = std::min<size_t>(m.evidence.size(), 10);
    for (size_t i = 0; i < shown; ++i) {
      out += "    " + m.evidence[i].query_text + "  <-  " + m.evidence[i].source_text + "\n";
    }
    if (m.evidence.size() > shown) {
      out += "    ... " + std::to_string(m.evidence.size() - shown) + " more differing runs (--json lists them)\n";
    }
  }
  return out;
}

// The whole input as one query, checked window by window.
Result<std::string> ReadQuery(int fd, bool replace_invalid, size_t max_bytes) {
  TextChunker chunker(fd);
  std::string window, text;
  uint64_t offset = 0;
  for (;;) {
    auto more = chunker.Next(&window, &offset);
    if (!more.ok()) return more.status();
    if (!*more) break;
    RETURN_IF_ERROR(CheckTextWindow(&window, offset, replace_invalid));
    if (text.size() + window.size() > max_bytes) {
      return ResourceExhaustedError("input is over " + std::to_string(max_bytes >> 20) +
                                    " MiB; trace a part of it, or raise --max-record-bytes");
    }
    text += window;
  }
  if (text.empty()) return InvalidInputError("input is empty");
  return text;
}

int RunTrace(const TraceFlags& f) {
  if (f.index.empty()) return Fail(InvalidArgumentError("--index DIR is required"), kExitUsage);
  if (f.json && f.jsonl) return Fail(InvalidArgumentError("--json and --jsonl exclude each other"), kExitUsage);
  if (f.threshold < 0 || f.threshold > 1) {
    return Fail(InvalidArgumentError("--threshold must be between 0 and 1"), kExitUsage);
  }
  // With restoration the whole model is needed (the decoder), else its
  // lexicon alone.
  std::unique_ptr<Model> model;
  std::unique_ptr<Decoder> decoder;
  std::optional<Lexicon> lexicon;
  if (f.restore) {
    auto opened = OpenModel(f.model);
    if (!opened.ok()) return Fail(opened.status().WithContext("loading model"), kExitModel);
    model = std::move(*opened);
    decoder = std::make_unique<Decoder>(*model);
  } else {
    auto opened = OpenModelLexicon(f.model);
    if (!opened.ok()) return Fail(opened.status().WithContext("loading model"), kExitModel);
    lexicon.emplace(std::move(*opened));
  }
  auto index = TraceIndex::Open(f.index, model ? model->lexicon() : *lexicon, TraceIndex::kReadOnly);
  if (!index.ok()) return Fail(index.status(), IndexExitCode(index.status()));
  TraceQueryOptions base;
  base.max_results = f.top;
  base.threshold = f.threshold;
  base.max_evidence = f.max_evidence;
  auto query = [&](std::string_view text) { return QueryWithRestoration(**index, decoder.get(), text, base); };
  return RunOnInputAndOutput(f.input, f.output, [&](int fd, Output* out) {
    if (f.jsonl) {
      const int code = RunJsonlBatch("trace", fd, f.max_record_bytes, f.replace_invalid, out, [&](const JsonlItem& item) {
        nlohmann::json record = {{"id", item.id}};
        auto matches = query(item.text);
        if (!matches.ok()) {
          record["error"] = matches.status().message();
        } else {
          record["matches"] = MatchesJson(*matches);
        }
        return record;
      });
      return code;
    }
    auto text = ReadQuery(fd, f.replace_invalid, f.max_record_bytes);
    if (!text.ok()) return Fail(text.status(), text.status().code() == StatusCode::kIoError ? kExitFailure : kExitBadInput);
    auto matches = query(*text);
    if (!matches.ok()) return Fail(matches.status(), IndexExitCode(matches.status()));
    const std::string body = f.json ? DumpJson({{"matches", MatchesJson(*matches)}}) + "\n" : HumanView(*matches, f.threshold);
    Status s = out->Write(body);
    if (s.ok()) s = out->Commit();
    if (!s.ok()) return Fail(s, kExitFailure);
    return static_cast<int>(kExitOk);
  });
}

}  // namespace

void AddTraceCommands(CLI::App* app, Runner* run) {
  CLI::App* index = app->add_subcommand("index", "build and inspect a trace index of source documents");
  index->require_subcommand(1);

  auto add = std::make_shared<IndexFlags>();
  CLI::App* a = index->add_subcommand("add", "add {\"id\",\"text\"} JSONL documents to an index (made if missing)");
  a->add_option("input", add->input, "JSONL file, or - for standard input")->capture_default_str();
  a->add_option("--index", add->index, "index directory")->required();
  a->add_option("--model", add->model, "model directory (its lexicon decides which words are anchors)");
  a->add_option("--batch", add->batch, "documents per transaction")->capture_default_str();
  a->add_option("--shingles", add->kind, "anchors (spin-invariant) | words (plain near-duplicate shingles), for a new index")
      ->capture_default_str();
  a->add_flag("--replace-invalid", add->replace_invalid, "replace invalid UTF-8 with U+FFFD instead of refusing the record");
  a->add_option("--max-record-bytes", add->max_record_bytes, "longest JSONL line accepted")->capture_default_str();
  a->callback([run, add] { *run = [add] { return RunIndexAdd(*add); }; });

  auto info = std::make_shared<IndexFlags>();
  CLI::App* i = index->add_subcommand("info", "describe an index (documents, size, fingerprint settings)");
  i->add_option("--index", info->index, "index directory")->required();
  i->add_option("--model", info->model, "model directory");
  i->add_flag("--check", info->check, "also run SQLite's full integrity check");
  i->callback([run, info] { *run = [info] { return RunIndexInfo(*info); }; });

  auto trace = std::make_shared<TraceFlags>();
  CLI::App* t = app->add_subcommand("trace", "find the indexed documents a (spun) text was copied from");
  t->add_option("input", trace->input, "text file, or - for standard input")->capture_default_str();
  t->add_option("--index", trace->index, "index directory")->required();
  t->add_option("--model", trace->model, "model directory (the one the index was built with)");
  t->add_option("--output,-o", trace->output, "output file (default: standard output)");
  t->add_flag("--json", trace->json, "print one JSON object: matches with similarity and evidence");
  t->add_flag("--jsonl", trace->jsonl, "read {\"id\",\"text\"} lines; write one result line per input line");
  t->add_option("--top", trace->top, "most matches reported")->capture_default_str();
  t->add_option("--threshold", trace->threshold, "least similarity reported")->capture_default_str();
  t->add_option("--max-evidence", trace->max_evidence, "most differing runs listed per match")->capture_default_str();
  t->add_flag("!--no-restore", trace->restore,
              "trace the text as written only, not also its restoration (faster; finds fewer copies of spinners "
              "that swap names and stock phrases)");
  t->add_flag("--replace-invalid", trace->replace_invalid, "replace invalid UTF-8 with U+FFFD instead of failing");
  t->add_option("--max-record-bytes", trace->max_record_bytes, "longest input (or JSONL line) accepted")
      ->capture_default_str();
  t->callback([run, trace] { *run = [trace] { return RunTrace(*trace); }; });
}

}  // namespace unspin::cli
