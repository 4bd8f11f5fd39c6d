// unspin lm train | import | export | query | perplexity
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "io/line_reader.h"
#include "lm/arpa.h"
#include "lm/kn_trainer.h"
#include "lm/language_model.h"
#include "lm/lm_text.h"
#include "lm/perplexity.h"
#include "lm/lm_source.h"
#include "text/utf8.h"
#include "util/file_io.h"
#include "util/strings.h"

namespace unspin::cli {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Calls `sentence` with the tokens of every line of `files` ("-" is stdin),
// and adds the bytes read to `*bytes_read` if given. A line that is not
// text (invalid UTF-8, a NUL byte, over the length limit) stops the run
// with an error naming the file and line: a corpus is never used with
// lines silently missing.
Status ForEachSentence(const std::vector<std::string>& files, LmTokens mode, uint64_t max_line_bytes,
                       const std::function<Status(std::span<const std::string_view>)>& sentence,
                       uint64_t* bytes_read = nullptr) {
  LmLineTokenizer tokenizer(mode);
  for (const std::string& name : files) {
    int fd = 0;
    if (name != "-") {
      fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        return errno == ENOENT ? NotFoundError(name + ": no such file")
                               : IoError(name + ": " + std::strerror(errno));
      }
    }
    const std::string shown = name == "-" ? "standard input" : name;
    LineReader reader(fd, max_line_bytes);
    Line line;
    Status status;
    for (;;) {
      auto got = reader.Next(&line);
      if (!got.ok()) {
        status = got.status().WithContext(shown);
        break;
      }
      if (!*got) break;
      const std::string where = shown + ":" + std::to_string(line.number);
      if (bytes_read != nullptr) *bytes_read += line.length + 1;
      if (line.too_long) {
        status = InvalidInputError(where + ": line of " + std::to_string(line.length) +
                                   " bytes is over the limit of " + std::to_string(max_line_bytes) +
                                   " (--max-line-bytes)");
        break;
      }
      if (size_t nul = FindNul(line.text); nul != std::string::npos) {
        status = InvalidInputError(where + ": NUL byte at column " + std::to_string(nul + 1) +
                                   " (binary data, not text)");
        break;
      }
      if (size_t bad = FindInvalidUtf8(line.text); bad != std::string::npos) {
        status = InvalidInputError(where + ": invalid UTF-8 at column " + std::to_string(bad + 1));
        break;
      }
      status = sentence(tokenizer.Tokens(line.text));
      if (!status.ok()) break;
    }
    if (fd != 0) ::close(fd);
    RETURN_IF_ERROR(status);
  }
  return OkStatus();
}

// The model for query and perplexity: --lm, else the default model's.
Result<LanguageModel> OpenLm(const std::string& lm_flag) {
  const std::string path = lm_flag.empty() ? LmPath(ResolveModelDir("")) : lm_flag;
  auto lm = LanguageModel::Open(path);
  if (!lm.ok() && lm.status().code() == StatusCode::kNotFound && lm_flag.empty()) {
    return NotFoundError(lm.status().message() + "; build the default model with: unspin model build");
  }
  return lm;
}

// The tokens mode a model was made for (its META), unless overridden.
Result<LmTokens> TokensFor(const LanguageModel& lm, const std::string& flag) {
  if (!flag.empty()) return ParseLmTokens(flag);
  auto meta = nlohmann::json::parse(lm.MetaJson(), nullptr, false);
  if (meta.is_object() && meta.contains("tokens") && meta["tokens"].is_string()) {
    return ParseLmTokens(meta["tokens"].get<std::string>());
  }
  return LmTokens::kWords;
}

struct TrainFlags {
  std::vector<std::string> inputs;
  std::string out, arpa, tokens = "words", prune, temp_dir = "/tmp";
  int order = 4;
  uint64_t memory_mb = 1024;
  uint64_t max_line_bytes = 64 << 20;
};

int RunTrain(const TrainFlags& f) {
  auto mode = ParseLmTokens(f.tokens);
  if (!mode.ok()) return Fail(mode.status(), kExitUsage);
  KnTrainOptions options;
  options.order = f.order;
  options.memory_bytes = f.memory_mb << 20;
  options.temp_dir = f.temp_dir;
  if (!f.prune.empty()) {
    for (const std::string& part : Split(f.prune, ',')) {
      char* end = nullptr;
      errno = 0;
      const unsigned long long v = std::strtoull(part.c_str(), &end, 10);
      if (part.empty() || *end != '\0' || errno != 0 || part[0] == '-') {
        return Fail(InvalidArgumentError("--prune: '" + part + "' is not a count"), kExitUsage);
      }
      options.prune.push_back(v);
    }
  }
  auto trainer = KnTrainer::Create(options);
  if (!trainer.ok()) return Fail(trainer.status(), kExitUsage);
  const auto start = Clock::now();
  uint64_t corpus_bytes = 0;
  Status s = ForEachSentence(
      f.inputs, *mode, f.max_line_bytes,
      [&](std::span<const std::string_view> tokens) { return (*trainer)->AddSentence(tokens); }, &corpus_bytes);
  if (!s.ok()) return Fail(s.WithContext("lm train"));
  const double count_seconds = SecondsSince(start);
  KnTrainReport report;
  auto model = (*trainer)->Finish(&report);
  if (!model.ok()) return Fail(model.status().WithContext("lm train"));
  const double seconds = SecondsSince(start);
  nlohmann::json meta = {{"source", "unspin lm train"},
                         {"smoothing", "interpolated modified Kneser-Ney"},
                         {"order", report.order},
                         {"tokens", f.tokens},
                         {"inputs", f.inputs},
                         {"sentences", report.sentences},
                         {"words", report.tokens},
                         {"prune", options.prune}};
  for (int n = 1; n <= report.order; ++n) {
    meta["discounts"].push_back(std::vector<double>(report.discounts[n - 1], report.discounts[n - 1] + 3));
  }
  std::fprintf(stderr, "unspin: trained order %d on %llu sentences, %llu words (%.1f MB) in %.2f s "
               "(counting %.2f s, %.1f MB/s); vocabulary %llu",
               report.order, static_cast<unsigned long long>(report.sentences),
               static_cast<unsigned long long>(report.tokens), corpus_bytes / 1e6, seconds, count_seconds,
               corpus_bytes / 1e6 / seconds, static_cast<unsigned long long>(report.vocab));
  if (report.spill_runs > 0) {
    std::fprintf(stderr, "; %d runs spilled (%.1f MB)", report.spill_runs, report.spilled_bytes / 1e6);
  }
  std::fprintf(stderr, "\n");
  for (int n = 1; n <= report.order; ++n) {
    std::fprintf(stderr, "unspin:   %d-grams %llu (pruned %llu), discounts %.4f %.4f %.4f%s\n", n,
                 static_cast<unsigned long long>(report.ngrams[n - 1]),
                 static_cast<unsigned long long>(report.pruned[n - 1]), report.discounts[n - 1][0],
                 report.discounts[n - 1][1], report.discounts[n - 1][2],
                 report.fallback_discounts[n - 1] ? " (fallback: too few counts to estimate)" : "");
  }
  if (!f.arpa.empty()) {
    if (Status w = WriteFileAtomically(f.arpa, FormatArpa(*model)); !w.ok()) return Fail(w);
  }
  if (Status w = WriteLmStore(*model, meta, f.out); !w.ok()) return Fail(w);
  return kExitOk;
}

struct ConvertFlags {
  std::string input, out, format = "auto", tokens;
};

// A source that cannot be read is a bad model (exit 4), unless it was the
// wrong kind of file for the command (exit 2).
int FailSource(const Status& status, const char* command) {
  return Fail(status.WithContext(command), status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitModel);
}

int RunImport(const ConvertFlags& f) {
  auto format = ParseLmSourceFormat(f.format);
  if (!format.ok()) return Fail(format.status(), kExitUsage);
  if (!f.tokens.empty()) {
    if (auto m = ParseLmTokens(f.tokens); !m.ok()) return Fail(m.status(), kExitUsage);
  }
  const auto start = Clock::now();
  LmSourceFormat read_as;
  auto model = ReadLmSource(f.input, *format, &read_as);
  if (!model.ok()) return FailSource(model.status(), "lm import");
  // The CMU model is of lower-cased words; an ARPA file's text is taken to
  // be tokenised already unless --tokens says otherwise.
  const std::string tokens =
      f.tokens.empty() ? (read_as == LmSourceFormat::kSphinx ? "words" : "whitespace") : f.tokens;
  nlohmann::json meta = {{"source", f.input}, {"format", LmSourceFormatName(read_as)}, {"tokens", tokens}};
  if (Status s = WriteLmStore(*model, meta, f.out); !s.ok()) return Fail(s.WithContext("lm import"));
  std::fprintf(stderr, "unspin: imported in %.2f s\n", SecondsSince(start));
  return kExitOk;
}

int RunExport(const ConvertFlags& f) {
  auto format = ParseLmSourceFormat(f.format);
  if (!format.ok()) return Fail(format.status(), kExitUsage);
  LmSourceFormat read_as;
  auto model = ReadLmSource(f.input, *format, &read_as);
  if (!model.ok()) return FailSource(model.status(), "lm export");
  const std::string text = FormatArpa(*model);
  Status s = f.out == "-" ? WriteAll(stdout, text) : WriteFileAtomically(f.out, text);
  if (!s.ok()) return Fail(s.WithContext("lm export"));
  return kExitOk;
}

struct ScoreFlags {
  std::string lm, tokens;
  std::vector<std::string> inputs{"-"};
  bool json = false;
  uint64_t max_line_bytes = 64 << 20;
};

// One line per sentence: each token with the length of the n-gram that
// scored it and its log10 probability, then the sentence total.
int RunQuery(const ScoreFlags& f) {
  auto lm = OpenLm(f.lm);
  if (!lm.ok()) return Fail(lm.status(), kExitModel);
  auto mode = TokensFor(*lm, f.tokens);
  if (!mode.ok()) return Fail(mode.status(), kExitUsage);
  std::string out;
  auto flush = [&]() -> Status {
    Status s = WriteAll(stdout, out);
    out.clear();
    return s;
  };
  char buf[64];
  Status s = ForEachSentence(
      f.inputs, *mode, f.max_line_bytes,
      [&](std::span<const std::string_view> words) -> Status {
        LmState state = lm->BeginSentence();
        double total = 0;
        uint64_t oov = 0;
        nlohmann::json record;
        auto score = [&](std::string_view w, uint32_t id) {
          int used = 0;
          const float p = lm->Score(state, id, &state, &used);
          total += p;
          if (id == lm->unk()) ++oov;
          if (f.json) {
            record["tokens"].push_back({{"token", w}, {"log10", p}, {"ngram", used}, {"oov", id == lm->unk()}});
          } else {
            std::snprintf(buf, sizeof buf, "=%u %d %.4f\t", id, used, p);
            out.append(w).append(buf);
          }
        };
        for (std::string_view w : words) score(w, lm->Vocab(w));
        score("</s>", lm->eos());
        if (f.json) {
          record["total"] = total;
          record["oov"] = oov;
          out += record.dump();
          out += '\n';
        } else {
          std::snprintf(buf, sizeof buf, "Total: %.4f OOV: %llu\n", total, static_cast<unsigned long long>(oov));
          out += buf;
        }
        return out.size() > (1 << 16) ? flush() : OkStatus();
      });
  if (s.ok()) s = flush();
  if (!s.ok()) return Fail(s.WithContext("lm query"));
  return kExitOk;
}

int RunPerplexity(const ScoreFlags& f) {
  auto lm = OpenLm(f.lm);
  if (!lm.ok()) return Fail(lm.status(), kExitModel);
  auto mode = TokensFor(*lm, f.tokens);
  if (!mode.ok()) return Fail(mode.status(), kExitUsage);
  PerplexityTotals totals;
  Status s = ForEachSentence(f.inputs, *mode, f.max_line_bytes, [&](std::span<const std::string_view> words) {
    if (!words.empty()) AddToPerplexity(*lm, words, &totals);
    return OkStatus();
  });
  if (!s.ok()) return Fail(s.WithContext("lm perplexity"));
  if (totals.sentences == 0) return Fail(InvalidInputError("lm perplexity: the text has no sentences"));
  nlohmann::json out = {{"sentences", totals.sentences}, {"words", totals.words},
                        {"oovs", totals.oovs},           {"log10_prob", totals.log10_prob},
                        {"perplexity", totals.Perplexity()}};
  std::printf("%s\n", f.json ? out.dump().c_str() : out.dump(2).c_str());
  return kExitOk;
}

}  // namespace

void AddLmCommands(CLI::App* app, Runner* run) {
  CLI::App* lm = app->add_subcommand("lm", "train, convert and query n-gram language models");
  lm->require_subcommand(1);

  auto train = std::make_shared<TrainFlags>();
  CLI::App* t = lm->add_subcommand("train", "train an interpolated modified Kneser-Ney model on text");
  t->add_option("text", train->inputs, "training text, one sentence per line (- for standard input)")->required();
  t->add_option("--out,-o", train->out, "the model to write (unspin's binary format)")->required();
  t->add_option("--arpa", train->arpa, "also write the model as ARPA text");
  t->add_option("--order,-n", train->order, "n-gram order, 2..6")->capture_default_str();
  t->add_option("--tokens", train->tokens,
                "words: unspin's tokenizer, words and numbers lower-cased; whitespace: split on spaces")
      ->capture_default_str();
  t->add_option("--prune", train->prune,
                "count thresholds per order, e.g. 0,0,1: drop trigrams and above seen once (adjusted counts)");
  t->add_option("--memory-mb", train->memory_mb, "memory for counting; beyond it counts spill to disk")
      ->capture_default_str();
  t->add_option("--temp-dir", train->temp_dir, "where spilled counts go")->capture_default_str();
  t->add_option("--max-line-bytes", train->max_line_bytes, "longest line accepted")->capture_default_str();
  t->callback([run, train] { *run = [train] { return RunTrain(*train); }; });

  auto import = std::make_shared<ConvertFlags>();
  CLI::App* i = lm->add_subcommand("import", "compile an ARPA or sphinx trie model to unspin's format");
  i->add_option("source", import->input, "ARPA file or sphinx trie binary (en-us.lm.bin)")->required();
  i->add_option("--out,-o", import->out, "the model to write")->required();
  i->add_option("--format", import->format, "auto, arpa or sphinx")->capture_default_str();
  i->add_option("--tokens", import->tokens,
                "how text is tokenised for this model: words or whitespace (default: words for sphinx, "
                "whitespace for ARPA)");
  i->callback([run, import] { *run = [import] { return RunImport(*import); }; });

  auto export_flags = std::make_shared<ConvertFlags>();
  CLI::App* e = lm->add_subcommand("export", "write an ARPA or sphinx trie model as ARPA text");
  e->add_option("source", export_flags->input, "ARPA file or sphinx trie binary")->required();
  e->add_option("--out,-o", export_flags->out, "the ARPA file to write (- for standard output)")->required();
  e->add_option("--format", export_flags->format, "auto, arpa or sphinx")->capture_default_str();
  e->callback([run, export_flags] { *run = [export_flags] { return RunExport(*export_flags); }; });

  for (const char* name : {"query", "perplexity"}) {
    auto flags = std::make_shared<ScoreFlags>();
    const bool is_query = std::string(name) == "query";
    CLI::App* c = lm->add_subcommand(name, is_query ? "score each word of each line"
                                                    : "perplexity of the model on text (OOVs left out)");
    c->add_option("text", flags->inputs, "text, one sentence per line (default: standard input)");
    c->add_option("--lm", flags->lm, "a model in unspin's format (default: the default model's lm.bin)");
    c->add_option("--tokens", flags->tokens, "words or whitespace (default: as the model was made)");
    c->add_flag("--json", flags->json, is_query ? "one JSON record per line" : "one line of JSON");
    c->add_option("--max-line-bytes", flags->max_line_bytes, "longest line accepted")->capture_default_str();
    c->callback([run, flags, is_query] {
      *run = [flags, is_query] { return is_query ? RunQuery(*flags) : RunPerplexity(*flags); };
    });
  }
}

}  // namespace unspin::cli
