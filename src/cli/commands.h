// Subcommand registration. Each command file adds its subcommand to the
// CLI11 app and sets `run` to what executes it.
#ifndef UNSPIN_CLI_COMMANDS_H_
#define UNSPIN_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace unspin::cli {

using Runner = std::function<int()>;

void AddModelCommands(CLI::App* app, Runner* run);
void AddSpinCommand(CLI::App* app, Runner* run);
void AddLmCommands(CLI::App* app, Runner* run);
void AddDecodeCommands(CLI::App* app, Runner* run);
void AddEvalCommand(CLI::App* app, Runner* run);
void AddAdaptCommand(CLI::App* app, Runner* run);
void AddLearnCommand(CLI::App* app, Runner* run);
void AddSuggestCommand(CLI::App* app, Runner* run);
void AddTraceCommands(CLI::App* app, Runner* run);
void AddServeCommand(CLI::App* app, Runner* run);
void AddReportCommand(CLI::App* app, Runner* run);

}  // namespace unspin::cli

#endif  // UNSPIN_CLI_COMMANDS_H_
