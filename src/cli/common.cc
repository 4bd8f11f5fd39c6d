#include "cli/common.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "cli/progress.h"
#include "io/result_json.h"
#include "lm/lm_builder.h"
#include "text/utf8.h"
#include "util/file_io.h"

namespace unspin::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kInvalidInput:
    case StatusCode::kResourceExhausted: return kExitBadInput;
    case StatusCode::kDataLoss:
    case StatusCode::kVersionMismatch: return kExitModel;
    default: return kExitFailure;
  }
}

int Fail(const Status& status, int exit_code) {
  std::fprintf(stderr, "unspin: %s\n", status.message().c_str());
  return exit_code;
}

int Fail(const Status& status) { return Fail(status, ExitCodeFor(status)); }

std::string ExecutableDir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string ResolveModelDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("UNSPIN_MODEL"); env && *env) return env;
  return ExecutableDir() + "/model";
}

std::string LexiconPath(const std::string& model_dir) {
  if (!IsDirectory(model_dir) && FileExists(model_dir)) return model_dir;  // a file given directly
  return model_dir + "/lexicon.bin";
}

std::string LmPath(const std::string& model_dir) { return model_dir + "/lm.bin"; }

std::string ChannelPath(const std::string& model_dir) { return model_dir + "/channel.json"; }

std::string CandidateTablePath(const std::string& model_dir) { return model_dir + "/candidates.bin"; }

namespace {

Status WithBuildHint(const Status& s) {
  if (s.code() != StatusCode::kNotFound) return s;
  return NotFoundError(s.message() + "; build the default model with: unspin model build");
}

}  // namespace

Result<Lexicon> OpenModelLexicon(const std::string& model_flag) {
  auto lexicon = Lexicon::Open(LexiconPath(ResolveModelDir(model_flag)));
  if (!lexicon.ok()) return WithBuildHint(lexicon.status());
  return lexicon;
}

Result<std::unique_ptr<Model>> OpenModel(const std::string& model_flag) {
  auto model = Model::Open(ResolveModelDir(model_flag));
  if (!model.ok()) return WithBuildHint(model.status());
  return model;
}

Status CompileModelCandidates(const std::string& model_dir, int threads) {
  // Opened without the old tables: they may be stale or from other files.
  const std::string path = CandidateTablePath(model_dir);
  const std::string plain_path = model_dir + "/candidates-plain.bin";
  std::remove(path.c_str());
  std::remove(plain_path.c_str());
  auto model = OpenModel(model_dir);
  if (!model.ok()) return model.status();
  // The plain channel's lists too, when the model routes: most documents
  // are decoded with them.
  std::vector<std::pair<std::string, const ChannelParams*>> tables = {{path, &(*model)->channel()}};
  if ((*model)->plain_channel() != nullptr) tables.emplace_back(plain_path, (*model)->plain_channel());
  for (const auto& [table_path, channel] : tables) {
    const auto start = std::chrono::steady_clock::now();
    CandidateCompileReport report;
    RETURN_IF_ERROR(CompileCandidateTable((*model)->lexicon(), (*model)->lm(), *channel, threads, table_path,
                                          &report));
    std::fprintf(stderr, "unspin: compiled %s in %.1f s: %llu phrases, %llu candidates, %.1f MB\n",
                 table_path.c_str(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                 static_cast<unsigned long long>(report.phrases),
                 static_cast<unsigned long long>(report.candidates), static_cast<double>(report.bytes) / 1e6);
  }
  return OkStatus();
}

Status Output::Open(const std::string& path) {
  path_ = path;
  if (path.empty() || path == "-") {
    file_ = stdout;
    return OkStatus();
  }
  tmp_ = path + ".partial";
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (!file_) return IoError(tmp_ + ": " + std::strerror(errno));
  return OkStatus();
}

Status Output::Commit() {
  if (std::fflush(file_) != 0) return IoError(std::string("writing output: ") + std::strerror(errno));
  if (file_ == stdout) return OkStatus();
  // On disk before the rename: after a crash the file under its final name
  // is complete, or absent.
  if (::fsync(::fileno(file_)) != 0) return IoError(std::string("writing output: ") + std::strerror(errno));
  if (std::fclose(file_) != 0) {
    file_ = nullptr;
    return IoError(std::string("closing output: ") + std::strerror(errno));
  }
  file_ = nullptr;
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) return IoError(path_ + ": " + std::strerror(errno));
  return OkStatus();
}

bool Output::is_terminal() const { return file_ == stdout && ::isatty(STDOUT_FILENO); }

Output::~Output() {
  if (file_ && file_ != stdout) {
    std::fclose(file_);
    std::remove(tmp_.c_str());
  }
}

Result<int> OpenInput(const std::string& path) {
  if (path == "-") return STDIN_FILENO;
  if (IsDirectory(path)) return InvalidArgumentError(path + ": is a directory");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError(path + ": no such file");
    return IoError(path + ": " + std::strerror(errno));
  }
  return fd;
}

Status CheckTextWindow(std::string* window, uint64_t offset, bool replace_invalid) {
  if (size_t nul = FindNul(*window); nul != std::string::npos) {
    return InvalidInputError("input looks binary: NUL byte at byte offset " + std::to_string(offset + nul));
  }
  if (replace_invalid) {
    *window = ReplaceInvalidUtf8(*window, nullptr);
    return OkStatus();
  }
  return ValidateUtf8(*window, offset);
}

int RunJsonlBatch(const char* label, int fd, size_t max_record_bytes, bool replace_invalid, Output* out,
                  const std::function<nlohmann::json(const JsonlItem&)>& make) {
  JsonlReader reader(fd, max_record_bytes, replace_invalid);
  Progress progress(label, FileBytes(fd), Progress::kBytes);
  uint64_t records = 0, errors = 0;
  const Status status = ForEachJsonlResult(reader, make, [&](const std::string& line) {
    RETURN_IF_ERROR(out->Write(line));
    progress.Add(1, reader.bytes_consumed());
    return OkStatus();
  }, &records, &errors);
  progress.Finish();
  if (!status.ok()) return Fail(status, kExitFailure);
  if (Status s = out->Commit(); !s.ok()) return Fail(s, kExitFailure);
  if (errors > 0) {
    std::fprintf(stderr, "unspin: %llu record(s) could not be processed; see their \"error\" fields\n",
                 static_cast<unsigned long long>(errors));
    return kExitPartial;
  }
  return kExitOk;
}

int RunOnInputAndOutput(const std::string& input, const std::string& output,
                        const std::function<int(int fd, Output* out)>& body) {
  auto fd = OpenInput(input);
  if (!fd.ok()) return Fail(fd.status(), InputExitCode(fd.status()));
  Output out;
  int code = kExitFailure;
  if (Status s = out.Open(output); !s.ok()) {
    code = Fail(s, kExitFailure);
  } else {
    code = body(*fd, &out);
  }
  if (*fd != STDIN_FILENO) ::close(*fd);
  return code;
}

int InputExitCode(const Status& status) {
  return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitBadInput;
}

Status WriteLmStore(const NgramModel& model, const nlohmann::json& meta, const std::string& out) {
  std::string bytes;
  LmBuildReport report;
  RETURN_IF_ERROR(BuildLanguageModel(model, meta.dump(), &bytes, &report));
  RETURN_IF_ERROR(WriteFileAtomically(out, bytes));
  std::string counts;
  for (int n = 1; n <= report.order; ++n) {
    counts += (n > 1 ? ", " : "") + std::to_string(report.ngrams[n - 1]) + " " + std::to_string(n) + "-grams";
    if (report.blanks[n - 1] > 0) counts += " (+" + std::to_string(report.blanks[n - 1]) + " blanks)";
    if (report.quantized[n - 1]) counts += " quantised";
  }
  std::fprintf(stderr, "unspin: wrote %s: %s; %.1f MB\n", out.c_str(), counts.c_str(), bytes.size() / 1e6);
  return OkStatus();
}

std::string DefaultDataDir() {
  std::string beside = ExecutableDir() + "/../share/unspin/data";
  if (FileExists(beside + "/rewrites.tsv")) return beside;
  return UNSPIN_DATA_DIR;
}

}  // namespace unspin::cli
