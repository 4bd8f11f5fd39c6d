// unspin adapt: learn an unknown spinner's channel from its output and
// write a model directory that decodes it better.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "decoder/adapt.h"
#include "io/jsonl.h"
#include "text/chunker.h"
#include "text/utf8.h"
#include "util/parallel.h"

namespace unspin::cli {

namespace {

struct AdaptFlags {
  std::string input = "-";
  std::string out;
  std::string model;
  bool jsonl = false;
  int iterations = 3;
  double smoothing = 2.0;
  int threads = 0;
  bool compile = true;  // compile the candidate table for the learnt channel
  size_t max_record_bytes = size_t{64} << 20;
};

// The documents of the input: JSONL records, or windows of plain text.
Result<std::vector<std::string>> ReadBag(const AdaptFlags& f, int fd) {
  std::vector<std::string> docs;
  if (f.jsonl) {
    JsonlReader reader(fd, f.max_record_bytes, false);
    JsonlItem item;
    for (;;) {
      auto more = reader.Next(&item);
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (!item.error.empty()) return InvalidInputError("line " + std::to_string(item.line) + ": " + item.error);
      docs.push_back(std::move(item.text));
    }
  } else {
    TextChunker chunker(fd);
    std::string window;
    uint64_t offset = 0;
    for (;;) {
      auto more = chunker.Next(&window, &offset);
      if (!more.ok()) return more.status();
      if (!*more) break;
      RETURN_IF_ERROR(CheckTextWindow(&window, offset, false));
      docs.push_back(window);
    }
  }
  if (docs.empty()) return InvalidInputError("input is empty");
  return docs;
}

// Hard-links `from` to `to` where possible (same file system), else copies.
Status LinkOrCopy(const std::string& from, const std::string& to) {
  std::remove(to.c_str());
  if (::link(from.c_str(), to.c_str()) == 0) return OkStatus();
  auto bytes = ReadFileToString(from);
  if (!bytes.ok()) return bytes.status();
  return WriteFileAtomically(to, *bytes);
}

int RunAdapt(const AdaptFlags& f) {
  if (f.out.empty()) return Fail(InvalidArgumentError("--out DIR is required"), kExitUsage);
  if (f.iterations < 1 || f.iterations > 50) return Fail(InvalidArgumentError("--iterations must be in 1..50"), kExitUsage);
  if (!(f.smoothing > 0)) return Fail(InvalidArgumentError("--smoothing must be positive"), kExitUsage);
  const std::string model_dir = ResolveModelDir(f.model);
  auto model = OpenModel(f.model);
  if (!model.ok()) return Fail(model.status().WithContext("loading model"), kExitModel);
  auto fd = OpenInput(f.input);
  if (!fd.ok()) return Fail(fd.status(), InputExitCode(fd.status()));
  auto docs = ReadBag(f, *fd);
  if (*fd != STDIN_FILENO) ::close(*fd);
  if (!docs.ok()) return Fail(docs.status(), InputExitCode(docs.status()));

  AdaptOptions options;
  options.iterations = f.iterations;
  options.smoothing = f.smoothing;
  options.threads = ThreadCount(f.threads);
  options.progress = [](int iteration, double rate, size_t pairs) {
    std::fprintf(stderr, "unspin: adapt: iteration %d: swap rate %.3f, %zu learnt pairs\n", iteration, rate, pairs);
  };
  uint64_t bytes = 0;
  for (const auto& d : *docs) bytes += d.size();
  const std::string description = std::to_string(docs->size()) + " document(s), " + std::to_string(bytes) +
                                  " bytes of " + (f.input == "-" ? std::string("standard input") : f.input);
  AdaptReport report;
  ChannelParams channel = AdaptChannel(**model, *docs, options, description, &report);

  if (!IsDirectory(f.out) && ::mkdir(f.out.c_str(), 0755) != 0) {
    return Fail(IoError("cannot create directory " + f.out), kExitFailure);
  }
  for (const char* part : {"/lexicon.bin", "/lm.bin"}) {
    if (Status s = LinkOrCopy(model_dir + part, f.out + part); !s.ok()) return Fail(s, kExitFailure);
  }
  // The learned table goes along: without it the adapted model would lose
  // its profiles' routing and the evidence counts of learned spans.
  const std::string learned = "/learned_pairs.tsv";
  if (FileExists(model_dir + learned)) {
    if (Status s = LinkOrCopy(model_dir + learned, f.out + learned); !s.ok()) return Fail(s, kExitFailure);
  } else {
    std::remove((f.out + learned).c_str());
  }
  if (Status s = channel.Save(ChannelPath(f.out)); !s.ok()) return Fail(s, kExitFailure);
  // The learnt q changes the candidate lists: a table left from an earlier
  // run would not apply, and without one of its own the model decodes slowly.
  if (!f.compile) {
    std::remove(CandidateTablePath(f.out).c_str());
    std::remove((f.out + "/candidates-plain.bin").c_str());
  } else if (Status s = CompileModelCandidates(f.out, options.threads); !s.ok()) {
    return Fail(s, kExitFailure);
  }
  std::fprintf(stderr, "unspin: adapt: wrote %s (swap rate %.3f, %zu learnt pairs, %llu words read)\n",
               f.out.c_str(), channel.swap_rate, report.pairs, static_cast<unsigned long long>(report.words));
  return kExitOk;
}

}  // namespace

void AddAdaptCommand(CLI::App* app, Runner* run) {
  auto f = std::make_shared<AdaptFlags>();
  CLI::App* c = app->add_subcommand("adapt", "learn a spinner's swap rate and preferences from its output (EM)");
  c->add_option("input", f->input, "the spinner's output: text, or JSONL with --jsonl; - for standard input")
      ->capture_default_str();
  c->add_option("--out,-o", f->out, "model directory to write (lexicon and LM linked from --model)")->required();
  c->add_option("--model", f->model, "model directory to start from");
  c->add_flag("--jsonl", f->jsonl, "read {\"id\",\"text\"} lines");
  c->add_option("--iterations", f->iterations, "EM iterations")->capture_default_str();
  c->add_option("--smoothing", f->smoothing, "pseudo-count pulling learnt preferences to the default")->capture_default_str();
  c->add_option("--threads", f->threads, "worker threads (default: all cores)");
  c->add_flag("!--no-compile", f->compile,
              "skip compiling the model's candidate table (it then decodes more slowly; see: unspin model compile)");
  c->add_option("--max-record-bytes", f->max_record_bytes, "longest JSONL line accepted")->capture_default_str();
  c->callback([run, f] { *run = [f] { return RunAdapt(*f); }; });
}

}  // namespace unspin::cli
