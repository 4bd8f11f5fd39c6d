// What the CLI's commands share: exit codes, model location, error output.
#ifndef UNSPIN_CLI_COMMON_H_
#define UNSPIN_CLI_COMMON_H_

#include <string>

#include <nlohmann/json.hpp>

#include "lexicon/lexicon.h"
#include "lm/ngram_model.h"
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

// The model directory: --model, else $UNSPIN_MODEL, else "model" beside the
// unspin binary.
std::string ResolveModelDir(const std::string& flag);
std::string LexiconPath(const std::string& model_dir);
// The language model of a model directory.
std::string LmPath(const std::string& model_dir);
// Opens the lexicon of the model named by `model_flag` (see
// ResolveModelDir); a missing model's error says how to build one.
Result<Lexicon> OpenModelLexicon(const std::string& model_flag);
// Compiles `model` into unspin's LM format at `out` (META = `meta`) and
// prints its counts and size to stderr.
Status WriteLmStore(const NgramModel& model, const nlohmann::json& meta, const std::string& out);
// Data directory with the project's tables (rewrites.tsv, ...).
std::string DefaultDataDir();

}  // namespace unspin::cli

#endif  // UNSPIN_CLI_COMMON_H_
