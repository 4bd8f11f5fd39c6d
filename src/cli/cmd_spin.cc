// unspin spin: rewrite text as a spinner would, or make labelled data.

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "io/jsonl.h"
#include "lexicon/lexicon.h"
#include "spin/spinner.h"
#include "text/chunker.h"
#include "text/utf8.h"
#include "util/file_io.h"

namespace unspin::cli {

namespace {

struct SpinFlags {
  std::string input = "-";
  std::string output;
  std::string model;
  std::string profile = "phrase";
  std::string sources;
  double rate = 0.2;
  uint64_t seed = 1;
  bool jsonl = false;
  bool swap_names = false;
  bool replace_invalid = false;
  size_t max_record_bytes = size_t{64} << 20;
};

nlohmann::json SwapsJson(const SpinResult& r) {
  nlohmann::json swaps = nlohmann::json::array();
  for (const SpinSwap& s : r.swaps) {
    swaps.push_back({{"original", s.original},
                     {"spun", s.spun},
                     {"original_start", s.original_begin},
                     {"original_end", s.original_end},
                     {"spun_start", s.spun_begin},
                     {"spun_end", s.spun_end},
                     {"source", SourceName(s.source)}});
  }
  return swaps;
}

int SpinPlain(const Spinner& spinner, const SpinFlags& f, int fd, Output* out) {
  TextChunker chunker(fd);
  Rng rng(f.seed);
  SpinResult result;
  std::string window;
  uint64_t offset = 0;
  bool any = false;
  for (;;) {
    auto more = chunker.Next(&window, &offset);
    if (!more.ok()) return Fail(more.status(), kExitFailure);
    if (!*more) break;
    any = true;
    if (Status s = CheckTextWindow(&window, offset, f.replace_invalid); !s.ok()) return Fail(s, kExitBadInput);
    spinner.Spin(window, &rng, &result);
    if (Status s = out->Write(result.text); !s.ok()) return Fail(s, kExitFailure);
  }
  if (!any) return Fail(InvalidInputError("input is empty"), kExitBadInput);
  if (Status s = out->Commit(); !s.ok()) return Fail(s, kExitFailure);
  return kExitOk;
}

int SpinJsonl(const Spinner& spinner, const SpinFlags& f, int fd, Output* out) {
  SpinResult result;
  return RunJsonlBatch("spin", fd, f.max_record_bytes, f.replace_invalid, out, [&](const JsonlItem& item) {
    // Each record's randomness depends on the seed and its id (or line),
    // so a record spins the same in any batch.
    std::string key = item.id.is_null() ? "line:" + std::to_string(item.line) : item.id.dump();
    Rng rng = Rng::ForRecord(f.seed, key);
    spinner.Spin(item.text, &rng, &result);
    nlohmann::json record;
    record["id"] = item.id;
    record["text"] = result.text;
    record["original"] = item.text;
    record["swaps"] = SwapsJson(result);
    record["words"] = result.words;
    record["eligible"] = result.eligible;
    return record;
  });
}

int RunSpin(const SpinFlags& f) {
  auto profile = FindProfile(f.profile);
  if (!profile.ok()) return Fail(profile.status(), kExitUsage);
  if (!f.sources.empty()) {
    auto mask = ParseSourceList(f.sources);
    if (!mask.ok()) return Fail(mask.status(), kExitUsage);
    profile->filter.sources = *mask;
  }
  if (!(f.rate >= 0.0 && f.rate <= 1.0)) {
    return Fail(InvalidArgumentError("--rate must be between 0 and 1"), kExitUsage);
  }
  auto lexicon = OpenModelLexicon(f.model);
  if (!lexicon.ok()) return Fail(lexicon.status().WithContext("loading model"), kExitModel);
  SpinOptions options;
  options.rate = f.rate;
  options.profile = *profile;
  options.swap_names = f.swap_names;
  Spinner spinner(*lexicon, options);

  return RunOnInputAndOutput(f.input, f.output, [&](int fd, Output* out) {
    return f.jsonl ? SpinJsonl(spinner, f, fd, out) : SpinPlain(spinner, f, fd, out);
  });
}

}  // namespace

void AddSpinCommand(CLI::App* app, Runner* run) {
  auto f = std::make_shared<SpinFlags>();
  CLI::App* c = app->add_subcommand("spin", "rewrite text the way article spinners do");
  c->add_option("input", f->input, "input file, or - for standard input")->capture_default_str();
  c->add_option("--output,-o", f->output, "output file (default: standard output)");
  c->add_option("--model", f->model, "model directory");
  c->add_option("--profile,-p", f->profile,
                "naive | phrase | careful | loose | mythes | wordnet | moby | table")
      ->capture_default_str();
  c->add_option("--sources", f->sources, "restrict to lexicon sources: mythes,wordnet,moby,table");
  c->add_option("--rate,-r", f->rate, "share of eligible positions swapped, 0..1")->capture_default_str();
  c->add_option("--seed,-s", f->seed, "random seed; the same seed gives the same output")->capture_default_str();
  c->add_flag("--jsonl", f->jsonl, "read {\"id\",\"text\"} lines; write spun text with the swaps");
  c->add_flag("--swap-names", f->swap_names, "also swap capitalised words inside sentences");
  c->add_flag("--replace-invalid", f->replace_invalid, "replace invalid UTF-8 with U+FFFD instead of failing");
  c->add_option("--max-record-bytes", f->max_record_bytes, "longest JSONL line accepted")->capture_default_str();
  c->callback([run, f] { *run = [f] { return RunSpin(*f); }; });
}

}  // namespace unspin::cli
