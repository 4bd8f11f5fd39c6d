// unspin report: a self-contained HTML page about a screened corpus (the
// output of `unspin screen --jsonl` or `unspin detect --jsonl`), report/corpus_report.h.

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "io/line_reader.h"
#include "report/corpus_report.h"

namespace unspin::cli {

namespace {

struct ReportFlags {
  std::string input = "-";
  std::string output;
  std::string title = "Screening report";
  size_t worst = 25;
  size_t phrases = 50;
  size_t max_record_bytes = size_t{64} << 20;
};

int RunReport(const ReportFlags& f) {
  report::CorpusReport corpus({f.worst, f.phrases});
  return RunOnInputAndOutput(f.input, f.output, [&](int fd, Output* out) {
    LineReader lines(fd, f.max_record_bytes);
    Progress progress("report", FileBytes(fd), Progress::kBytes);
    Line line;
    uint64_t unreadable = 0;
    for (;;) {
      auto more = lines.Next(&line);
      if (!more.ok()) return Fail(more.status(), kExitFailure);
      if (!*more) break;
      if (line.text.find_first_not_of(" \t") == std::string_view::npos && !line.too_long) continue;
      nlohmann::json record = line.too_long ? nlohmann::json() : nlohmann::json::parse(line.text, nullptr, false);
      if (record.is_discarded() || line.too_long) {
        std::fprintf(stderr, "unspin: line %llu: %s; left out of the report\n",
                     static_cast<unsigned long long>(line.number),
                     line.too_long ? "record over --max-record-bytes" : "not valid JSON");
        ++unreadable;
        continue;
      }
      if (Status s = corpus.Add(record); !s.ok()) {
        return Fail(s.WithContext("line " + std::to_string(line.number)), kExitBadInput);
      }
      progress.Add(1, lines.bytes_consumed());
    }
    progress.Finish();
    if (corpus.documents() + corpus.errors() == 0 && unreadable == 0) {
      return Fail(InvalidInputError("input has no records"), kExitBadInput);
    }
    Status s = out->Write(corpus.ToHtml(f.title, f.input == "-" ? "standard input" : f.input));
    if (s.ok()) s = out->Commit();
    if (!s.ok()) return Fail(s, kExitFailure);
    const std::string cleared =
        corpus.cleared() > 0 ? ", " + std::to_string(corpus.cleared()) + " cleared by the screen" : std::string();
    std::fprintf(stderr, "unspin: report on %llu documents (%llu flagged%s, %llu error records)%s\n",
                 static_cast<unsigned long long>(corpus.documents()),
                 static_cast<unsigned long long>(corpus.flagged()), cleared.c_str(),
                 static_cast<unsigned long long>(corpus.errors()),
                 f.output.empty() ? "" : (" written to " + f.output).c_str());
    if (unreadable > 0) {
      std::fprintf(stderr, "unspin: %llu unreadable line(s) left out\n", static_cast<unsigned long long>(unreadable));
      return static_cast<int>(kExitPartial);
    }
    return static_cast<int>(kExitOk);
  });
}

}  // namespace

void AddReportCommand(CLI::App* app, Runner* run) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* c = app->add_subcommand(
      "report", "write a self-contained HTML page about a screened corpus (the output of screen --jsonl or detect --jsonl)");
  c->add_option("input", f->input, "screen --jsonl or detect --jsonl output, or - for standard input")->capture_default_str();
  c->add_option("--output,-o", f->output, "HTML file (default: standard output)");
  c->add_option("--title", f->title, "the page's title")->capture_default_str();
  c->add_option("--worst", f->worst, "documents listed, highest score first")->capture_default_str();
  c->add_option("--phrases", f->phrases, "tortured phrases listed, most frequent first")->capture_default_str();
  c->add_option("--max-record-bytes", f->max_record_bytes, "longest line accepted")->capture_default_str();
  c->callback([run, f] { *run = [f] { return RunReport(*f); }; });
}

}  // namespace unspin::cli
