// What the CLI's commands share: exit codes, model location, error output.
#ifndef UNSPIN_CLI_COMMON_H_
#define UNSPIN_CLI_COMMON_H_

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "decoder/decoder.h"
#include "io/jsonl.h"
#include "lexicon/lexicon.h"
#include "lm/ngram_model.h"
#include "util/file_io.h"
#include "util/status.h"

namespace unspin::cli {

// Exit codes, documented in README.md ("Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,       // I/O error or internal error
  kExitUsage = 2,         // bad command line
  kExitBadInput = 3,      // input text unusable: invalid UTF-8, binary, empty
  kExitModel = 4,         // model missing, corrupt or of another version
  kExitPartial = 5,       // batch finished, but some records were errors
};

// The exit code for a failure of the input (not of the model).
int ExitCodeFor(const Status& status);

// Prints "unspin: <message>" to stderr and returns the exit code.
int Fail(const Status& status, int exit_code);
int Fail(const Status& status);

// The directory of the running unspin binary.
std::string ExecutableDir();

// The model directory: --model, else $UNSPIN_MODEL, else "model" beside the
// unspin binary.
std::string ResolveModelDir(const std::string& flag);
std::string LexiconPath(const std::string& model_dir);
// The language model of a model directory.
std::string LmPath(const std::string& model_dir);
// The channel parameters of a model directory.
std::string ChannelPath(const std::string& model_dir);
// <model_dir>/candidates.bin
std::string CandidateTablePath(const std::string& model_dir);
// Compiles the candidate table of the model in `model_dir` (lexicon.bin,
// lm.bin, channel.json) for its channel, reporting on standard error.
Status CompileModelCandidates(const std::string& model_dir, int threads);
// Opens the lexicon of the model named by `model_flag` (see
// ResolveModelDir); a missing model's error says how to build one.
Result<Lexicon> OpenModelLexicon(const std::string& model_flag);
// Compiles `model` into unspin's LM format at `out` (META = `meta`) and
// prints its counts and size to stderr.
Status WriteLmStore(const NgramModel& model, const nlohmann::json& meta, const std::string& out);
// Data directory with the project's tables (rewrites.tsv, ...).
std::string DefaultDataDir();

// Opens the whole model (lexicon, language model, channel) named by
// `model_flag`, with the same hint as OpenModelLexicon when it is missing.
Result<std::unique_ptr<Model>> OpenModel(const std::string& model_flag);

// Output that is either stdout or a file written to a temporary name and
// renamed into place on success, so a failed run never leaves a truncated
// file that looks complete.
class Output {
 public:
  Status Open(const std::string& path);
  Status Write(std::string_view data) { return WriteAll(file_, data); }
  Status Commit();
  bool is_terminal() const;
  ~Output();

 private:
  std::string path_, tmp_;
  std::FILE* file_ = nullptr;
};

// Checks a window of plain-text input (at byte `offset` of the stream): a
// NUL byte means binary input; invalid UTF-8 is an error, or is replaced
// with U+FFFD when `replace_invalid`. Errors are kInvalidInput.
Status CheckTextWindow(std::string* window, uint64_t offset, bool replace_invalid);

// The JSONL batch loop every --jsonl command shares: one output line per
// input record, in order; `make` turns a good record into its result, a
// bad record becomes an error record. Returns the exit code (kExitPartial
// if any record was an error). Shows progress as `label` on a terminal.
int RunJsonlBatch(const char* label, int fd, size_t max_record_bytes, bool replace_invalid, Output* out,
                  const std::function<nlohmann::json(const JsonlItem&)>& make);

// Opens `input` (OpenInput) and `output` (Output), runs `body` on them and
// closes the input: the frame of every command that reads text or JSONL
// and writes a result. Returns body's exit code, or the open failure's.
int RunOnInputAndOutput(const std::string& input, const std::string& output,
                        const std::function<int(int fd, Output* out)>& body);

// A file descriptor for "-" (standard input) or a path. Errors:
// kInvalidArgument for a directory, kNotFound, kIoError.
Result<int> OpenInput(const std::string& path);
// The exit code for a failure of OpenInput.
int InputExitCode(const Status& status);

}  // namespace unspin::cli

#endif  // UNSPIN_CLI_COMMON_H_
