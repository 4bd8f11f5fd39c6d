// unspin restore | detect | screen: the decoder's faces. `restore` prints
// the text with each flagged span replaced by its original; `detect` shows
// the spans and the document score, for people or (--json, --jsonl)
// machines; `screen` is `detect --json` behind the fast first pass
// (decoder/screen.h): a document the screen clears is reported as such.

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "decoder/decoder.h"
#include "io/jsonl.h"
#include "io/result_json.h"
#include "text/chunker.h"
#include "text/utf8.h"

namespace unspin::cli {

namespace {

enum class Mode { kRestore, kDetect, kScreen };

struct DecodeFlags {
  Mode mode = Mode::kRestore;
  std::string input = "-";
  std::string output;
  std::string model;
  bool json = false;
  bool jsonl = false;
  std::string color = "auto";
  bool replace_invalid = false;
  size_t max_record_bytes = size_t{64} << 20;
  double flag_threshold = -1;  // negative: the model's
};

// Bytes held in memory up to a limit and in an unlinked temporary file
// beyond it, so that a huge document's JSON can be written in the right
// order in bounded memory.
class Spool {
 public:
  ~Spool() {
    if (file_) std::fclose(file_);
  }
  Status Append(std::string_view data) {
    if (!file_ && memory_.size() + data.size() <= kMemoryLimit) {
      memory_.append(data);
      return OkStatus();
    }
    if (!file_) {
      file_ = std::tmpfile();
      if (!file_) return IoError("cannot create a temporary file for the output");
      RETURN_IF_ERROR(WriteAll(file_, memory_));
      memory_.clear();
    }
    return WriteAll(file_, data);
  }
  Status CopyTo(Output* out) {
    if (!file_) return out->Write(memory_);
    std::rewind(file_);
    std::string buf(1 << 16, '\0');
    for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), file_)) > 0;) {
      RETURN_IF_ERROR(out->Write(std::string_view(buf.data(), n)));
    }
    if (std::ferror(file_)) return IoError("reading back the temporary output file");
    return OkStatus();
  }

 private:
  static constexpr size_t kMemoryLimit = size_t{16} << 20;
  std::string memory_;
  std::FILE* file_ = nullptr;
};

// The human view: spans marked in the text, originals beside them.
void AppendMarked(std::string_view text, const DecodeResult& r, bool color, std::string* out) {
  size_t at = 0;
  for (const RestoredSpan& s : r.spans) {
    out->append(text.substr(at, s.begin - at));
    // A quoted mention is shown, not restored: its own colour and mark.
    if (color) {
      out->append(s.quoted ? "\x1b[1;33m" : "\x1b[1;31m").append(s.text).append("\x1b[0m \x1b[32m[");
      out->append(s.original).append(s.quoted ? ", quoted]\x1b[0m" : "]\x1b[0m");
    } else {
      out->append("[[").append(s.text).append(" -> ").append(s.original).append(s.quoted ? ", quoted]]" : "]]");
    }
    at = s.end;
  }
  out->append(text.substr(at));
}

std::string Summary(const DecodeResult& r) {
  char line[256];
  std::snprintf(line, sizeof line, "P(spun) = %.3f: %s; %llu flagged span(s) in %llu words", r.probability,
                r.spun ? "spun" : "not spun", static_cast<unsigned long long>(r.span_count),
                static_cast<unsigned long long>(r.words));
  std::string summary = line;
  if (r.listed_phrases > 0) {
    std::snprintf(line, sizeof line, "; %llu listed tortured phrase(s), %.2f per 1,000 words",
                  static_cast<unsigned long long>(r.listed_phrases), r.ListedPhrasesPer1000Words());
    summary += line;
  }
  return summary + "\n";
}

// Plain text in, streamed window by window.
int DecodePlain(Decoder& decoder, const DecodeFlags& f, int fd, Output* out) {
  TextChunker chunker(fd);
  std::string window;
  uint64_t offset = 0;
  bool any = false;
  const bool color = f.color == "always" || (f.color == "auto" && out->is_terminal());
  DecodeResult part, total;
  Spool spans, restored;
  bool first_span = true;
  std::string buf;
  for (;;) {
    auto more = chunker.Next(&window, &offset);
    if (!more.ok()) return Fail(more.status(), kExitFailure);
    if (!*more) break;
    any = true;
    if (Status s = CheckTextWindow(&window, offset, f.replace_invalid); !s.ok()) return Fail(s, kExitBadInput);
    decoder.Decode(window, &part);
    AddDocumentFigures(part, decoder.ScoringChannel(part), &total);
    // The text's spinner, as the windows that it explains best name it.
    if (part.routed && (!total.routed || part.profile_probability > total.profile_probability)) {
      total.routed = true;
      total.profile = part.profile;
      total.profile_probability = part.profile_probability;
    }
    Status s;
    if (f.mode == Mode::kRestore) {
      s = out->Write(part.restored);
    } else if (!f.json) {
      buf.clear();
      AppendMarked(window, part, color, &buf);
      s = out->Write(buf);
    } else {
      for (RestoredSpan& span : part.spans) {
        span.begin += offset;
        span.end += offset;
      }
      for (const auto& j : SpansJson(part.spans)) {
        if (s.ok()) s = spans.Append((first_span ? "" : ",") + DumpJson(j));
        first_span = false;
      }
      std::string escaped = DumpJson(part.restored);  // "..." with escapes
      if (s.ok()) s = restored.Append(std::string_view(escaped).substr(1, escaped.size() - 2));
    }
    if (!s.ok()) return Fail(s, kExitFailure);
  }
  if (!any) return Fail(InvalidInputError("input is empty"), kExitBadInput);
  Status s;
  if (f.mode == Mode::kDetect && !f.json) {
    s = out->Write((color ? "\n\x1b[1m" : "\n") + Summary(total) + (color ? "\x1b[0m" : ""));
  } else if (f.json) {
    s = out->Write("{\"score\":" + DumpJson(total.probability) + ",\"spun\":" + DumpJson(total.spun) +
                   ",\"words\":" + DumpJson(total.words) +
                   (total.routed ? ",\"profile\":" + DumpJson(nlohmann::json{{"name", total.profile},
                                                                              {"probability",
                                                                               total.profile_probability}})
                                 : std::string()) +
                   ",\"listed_phrases\":" +
                   DumpJson(nlohmann::json{{"count", total.listed_phrases},
                                           {"by_term", total.listed_by_term},
                                           {"per_1000_words", total.ListedPhrasesPer1000Words()}}) +
                   ",\"spans\":[");
    if (s.ok()) s = spans.CopyTo(out);
    if (s.ok()) s = out->Write("],\"restored\":\"");
    if (s.ok()) s = restored.CopyTo(out);
    if (s.ok()) s = out->Write("\"}\n");
  }
  if (s.ok()) s = out->Commit();
  if (!s.ok()) return Fail(s, kExitFailure);
  return kExitOk;
}

// Plain text in, for `screen`: the document is screened whole before it is
// decoded, so it is held in memory, up to --max-record-bytes.
int ScreenPlain(Decoder& decoder, const DecodeFlags& f, int fd, Output* out) {
  TextChunker chunker(fd);
  std::string text, window;
  uint64_t offset = 0;
  for (;;) {
    auto more = chunker.Next(&window, &offset);
    if (!more.ok()) return Fail(more.status(), kExitFailure);
    if (!*more) break;
    if (Status s = CheckTextWindow(&window, offset, f.replace_invalid); !s.ok()) return Fail(s, kExitBadInput);
    if (text.size() + window.size() > f.max_record_bytes) {
      return Fail(InvalidInputError("input is larger than --max-record-bytes (" + std::to_string(f.max_record_bytes) +
                                    " bytes): screen holds a document whole; raise the limit, or use detect"),
                  kExitBadInput);
    }
    text += window;
  }
  if (text.empty()) return Fail(InvalidInputError("input is empty"), kExitBadInput);
  Status s = out->Write(DumpJson(ScreenAndDetectJson(decoder, text)) + "\n");
  if (s.ok()) s = out->Commit();
  if (!s.ok()) return Fail(s, kExitFailure);
  return kExitOk;
}

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kRestore:
      return "restore";
    case Mode::kDetect:
      return "detect";
    case Mode::kScreen:
      return "screen";
  }
  return "";
}

int DecodeJsonl(Decoder& decoder, const DecodeFlags& f, int fd, Output* out) {
  DecodeResult r;
  return RunJsonlBatch(ModeName(f.mode), fd, f.max_record_bytes, f.replace_invalid, out, [&](const JsonlItem& item) {
    nlohmann::json record;
    record["id"] = item.id;
    if (f.mode == Mode::kScreen) {
      record.update(ScreenAndDetectJson(decoder, item.text));
      return record;
    }
    decoder.DecodeDocument(item.text, &r);
    if (f.mode == Mode::kRestore) {
      record["text"] = r.restored;
      record["spans"] = r.span_count;
    } else {
      record.update(DetectJson(r));
    }
    return record;
  });
}

int RunDecode(const DecodeFlags& f) {
  if (f.json && f.jsonl) return Fail(InvalidArgumentError("--json and --jsonl exclude each other"), kExitUsage);
  if (f.color != "auto" && f.color != "always" && f.color != "never") {
    return Fail(InvalidArgumentError("--color must be auto, always or never"), kExitUsage);
  }
  if (f.flag_threshold > 1) return Fail(InvalidArgumentError("--threshold must be between 0 and 1"), kExitUsage);
  auto model = OpenModel(f.model);
  if (!model.ok()) return Fail(model.status().WithContext("loading model"), kExitModel);
  Decoder decoder(**model);
  if (f.flag_threshold >= 0) {
    ChannelParams channel = decoder.channel();
    channel.flag_threshold = f.flag_threshold;
    decoder.set_channel(channel);
  }
  return RunOnInputAndOutput(f.input, f.output, [&](int fd, Output* out) {
    if (f.jsonl) return DecodeJsonl(decoder, f, fd, out);
    return f.mode == Mode::kScreen ? ScreenPlain(decoder, f, fd, out) : DecodePlain(decoder, f, fd, out);
  });
}

void AddCommon(CLI::App* c, DecodeFlags* f) {
  c->add_option("input", f->input, "input file, or - for standard input")->capture_default_str();
  c->add_option("--output,-o", f->output, "output file (default: standard output)");
  c->add_option("--model", f->model, "model directory");
  c->add_flag("--jsonl", f->jsonl, "read {\"id\",\"text\"} lines; write one result line per input line");
  c->add_option("--threshold", f->flag_threshold, "flag spans whose swap posterior is at least this (default: the model's)");
  c->add_flag("--replace-invalid", f->replace_invalid, "replace invalid UTF-8 with U+FFFD instead of failing");
  c->add_option("--max-record-bytes", f->max_record_bytes, "longest JSONL line accepted")->capture_default_str();
}

}  // namespace

void AddDecodeCommands(CLI::App* app, Runner* run) {
  auto restore = std::make_shared<DecodeFlags>();
  restore->mode = Mode::kRestore;
  CLI::App* r = app->add_subcommand("restore", "print the text with each spun phrase replaced by its likely original");
  AddCommon(r, restore.get());
  r->callback([run, restore] { *run = [restore] { return RunDecode(*restore); }; });

  auto detect = std::make_shared<DecodeFlags>();
  detect->mode = Mode::kDetect;
  CLI::App* d = app->add_subcommand("detect", "say whether a text is spun, and mark the spun phrases");
  AddCommon(d, detect.get());
  d->add_flag("--json", detect->json, "print one JSON object: score, spun, spans with byte offsets, restored");
  d->add_option("--color", detect->color, "auto | always | never")->capture_default_str();
  d->callback([run, detect] { *run = [detect] { return RunDecode(*detect); }; });

  auto screen = std::make_shared<DecodeFlags>();
  screen->mode = Mode::kScreen;
  CLI::App* s = app->add_subcommand(
      "screen", "detect --json behind a fast first pass: documents it clears are reported as \"screened\": \"clear\"");
  AddCommon(s, screen.get());
  s->callback([run, screen] { *run = [screen] { return RunDecode(*screen); }; });
}

}  // namespace unspin::cli
