// unspin: detect and reverse machine-spun text. This file only dispatches
// to the subcommands; each lives in its own cmd_*.cc over the library.
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"

int main(int argc, char** argv) {
  using namespace unspin::cli;
  CLI::App app{"unspin: detect and reverse machine-spun text"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("unspin ") + UNSPIN_VERSION);
  Runner run;
  AddModelCommands(&app, &run);
  AddSpinCommand(&app, &run);
  AddLmCommands(&app, &run);
  AddDecodeCommands(&app, &run);
  AddEvalCommand(&app, &run);
  AddAdaptCommand(&app, &run);
  AddLearnCommand(&app, &run);
  AddSuggestCommand(&app, &run);
  AddTraceCommands(&app, &run);
  AddServeCommand(&app, &run);
  AddReportCommand(&app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!run) return Fail(unspin::InternalError("no command to run"), kExitFailure);
  return run();
}
