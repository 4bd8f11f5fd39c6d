// unspin suggest: the likely originals of a suspicious phrase, ranked, each
// with its score and where it came from (decoder/suggest.h).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "decoder/suggest.h"
#include "io/jsonl.h"
#include "io/result_json.h"
#include "util/strings.h"

namespace unspin::cli {

namespace {

struct SuggestFlags {
  std::string phrase;
  std::string context;
  std::string model;
  int top = 5;
  bool json = false;
  std::string jsonl;  // FILE or - : a batch
  std::string output;
  size_t max_record_bytes = size_t{64} << 20;
  bool replace_invalid = false;
};

int RunSuggestBatch(Suggester& suggester, const SuggestFlags& f) {
  std::vector<Suggestion> suggestions;
  return RunOnInputAndOutput(f.jsonl, f.output, [&](int fd, Output* out) {
    return RunJsonlBatch("suggest", fd, f.max_record_bytes, f.replace_invalid, out, [&](const JsonlItem& item) {
      nlohmann::json record;
      record["id"] = item.id;
      std::string context;
      if (item.record.contains("context")) {
        const nlohmann::json& c = item.record["context"];
        if (!c.is_string()) {
          record["line"] = item.line;
          record["error"] = "\"context\" must be a string";
          return record;
        }
        context = c.get<std::string>();
      }
      if (Status s = suggester.Suggest(item.text, context, f.top, &suggestions); !s.ok()) {
        record["line"] = item.line;
        record["error"] = s.message();
        return record;
      }
      record["suggestions"] = SuggestionsJson(suggestions);
      return record;
    });
  });
}

int RunSuggest(const SuggestFlags& f) {
  if (f.top < 1 || f.top > 100) return Fail(InvalidArgumentError("--top must be between 1 and 100"), kExitUsage);
  const bool batch = !f.jsonl.empty();
  if (batch == !f.phrase.empty()) {
    return Fail(InvalidArgumentError("give a PHRASE or --jsonl FILE, not both"), kExitUsage);
  }
  if (batch && (f.json || !f.context.empty())) {
    return Fail(InvalidArgumentError("--json and --context are for one PHRASE; --jsonl records carry \"context\""),
                kExitUsage);
  }
  auto model = OpenModel(f.model);
  if (!model.ok()) return Fail(model.status().WithContext("loading model"), kExitModel);
  Suggester suggester(**model);
  if (batch) return RunSuggestBatch(suggester, f);

  std::vector<Suggestion> suggestions;
  if (Status s = suggester.Suggest(f.phrase, f.context, f.top, &suggestions); !s.ok()) {
    return Fail(s, kExitBadInput);
  }
  Output out;
  if (Status s = out.Open(f.output); !s.ok()) return Fail(s, kExitFailure);
  std::string text;
  if (f.json) {
    text = DumpJson(nlohmann::json{{"phrase", f.phrase}, {"suggestions", SuggestionsJson(suggestions)}}) + "\n";
  } else if (suggestions.empty()) {
    text = "no likely original found for \"" + f.phrase + "\"\n";
  } else {
    for (const Suggestion& s : suggestions) {
      char score[32];
      std::snprintf(score, sizeof score, "%.3f", s.score);
      text += std::string(score) + "\t" + s.original + "\t" + Join(s.sources, ',') +
              (s.evidence > 0 ? " (seen " + std::to_string(s.evidence) + (s.evidence == 1 ? " time)" : " times)") : "") + "\n";
    }
  }
  if (Status s = out.Write(text); !s.ok()) return Fail(s, kExitFailure);
  if (Status s = out.Commit(); !s.ok()) return Fail(s, kExitFailure);
  return kExitOk;
}

}  // namespace

void AddSuggestCommand(CLI::App* app, Runner* run) {
  auto f = std::make_shared<SuggestFlags>();
  CLI::App* c = app->add_subcommand("suggest", "the likely originals of a suspicious phrase, ranked");
  c->add_option("phrase", f->phrase, "the phrase (at most 12 words)");
  c->add_option("--context", f->context, "the text just before the phrase");
  c->add_option("--top", f->top, "how many suggestions")->capture_default_str();
  c->add_flag("--json", f->json, "print one JSON object: the phrase and its suggestions");
  c->add_option("--jsonl", f->jsonl,
                "read {\"id\",\"text\"[,\"context\"]} lines from FILE or -; write {\"id\",\"suggestions\"} lines");
  c->add_option("--output,-o", f->output, "output file (default: standard output)");
  c->add_option("--model", f->model, "model directory");
  c->add_flag("--replace-invalid", f->replace_invalid, "replace invalid UTF-8 with U+FFFD instead of failing");
  c->add_option("--max-record-bytes", f->max_record_bytes, "longest JSONL line accepted")->capture_default_str();
  c->callback([run, f] { *run = [f] { return RunSuggest(*f); }; });
}

}  // namespace unspin::cli
