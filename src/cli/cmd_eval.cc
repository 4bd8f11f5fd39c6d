// unspin eval: the quality figures the README quotes, measured.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "report/html.h"
#include "decoder/learn.h"
#include "eval/quality.h"
#include "eval/real_eval.h"
#include "io/real_data.h"
#include "eval/trace_eval.h"
#include "io/jsonl.h"
#include "spin/profile.h"
#include "util/parallel.h"
#include "util/strings.h"

namespace unspin::cli {

namespace {

struct EvalFlags {
  std::string model;
  std::string test;
  std::string calibrate;
  std::string write_channel;
  std::string profiles = "naive,phrase,careful,loose,mythes,wordnet,moby,table";
  std::string rates = "0.1,0.2,0.3";
  std::string decoders = "all,-mythes,-wordnet,-moby";
  std::string calibration_profiles = "phrase,naive,loose";
  std::string calibration_rates = "0.1,0.2,0.3";
  size_t docs = 300;
  size_t calibration_docs = 600;
  size_t adapt_docs = 0;
  uint64_t seed = 1;
  int threads = 0;
  std::string json;
  std::string markdown;
  std::string html;
};

struct TraceEvalFlags {
  std::string model;
  std::string sources;
  std::string distractors;
  std::string unrelated;
  std::string profiles = "mythes,wordnet,moby";
  std::string rates = "0.1,0.2,0.3,0.4";
  size_t queries = 300;
  size_t max_distractors = 0;  // 0: all
  size_t max_unrelated = 0;    // 0: all
  double threshold = 0.3;
  std::string work_dir;
  bool keep = false;
  uint64_t seed = 1;
  int threads = 0;
  std::string json;
  std::string markdown;
  std::string html;
};

struct RealEvalFlags {
  std::string model;
  std::vector<std::string> pairs, phrases;
  uint32_t folds = 5;
  std::string spinners;  // comma list; empty: all
  std::string work_dir;
  std::string profile = "unknown";
  std::string phrase_profile = "tortured-phrases";
  int threads = 0;
  std::string swaps;  // --swaps: per-swap outcomes, JSONL
  std::string json;
  std::string markdown;
  std::string calibrate;  // empty: build/eval/brown-calibration.jsonl; "none": real pairs only
  size_t calibration_docs = 1000;
  std::string trace_distractors;  // JSONL; empty: no trace
  size_t max_trace_distractors = 0;  // 0: all
  std::string papers;  // JSONL clean documents; empty: no paper figures
  uint64_t paper_words = 6000;
  uint32_t phrases_per_paper = 4;
  uint32_t max_papers = 40;
  std::string write_channel;
};

Result<std::vector<EvalDoc>> ReadDocs(const std::string& path) {
  auto fd = OpenInput(path);
  if (!fd.ok()) {
    if (fd.status().code() == StatusCode::kNotFound) {
      return NotFoundError(fd.status().message() +
                           "; make the evaluation corpus with: npm ci && scripts/make-eval-corpus.py");
    }
    return fd.status();
  }
  JsonlReader reader(*fd, size_t{64} << 20, false);
  JsonlItem item;
  std::vector<EvalDoc> docs;
  Status status;
  for (;;) {
    auto more = reader.Next(&item);
    if (!more.ok()) {
      status = more.status();
      break;
    }
    if (!*more) break;
    if (!item.error.empty()) {
      status = InvalidInputError(path + ":" + std::to_string(item.line) + ": " + item.error);
      break;
    }
    docs.push_back({item.id.is_string() ? item.id.get<std::string>() : item.id.dump(), std::move(item.text)});
  }
  if (*fd != STDIN_FILENO) ::close(*fd);
  if (!status.ok()) return status;
  if (docs.empty()) return InvalidInputError(path + ": no documents");
  return docs;
}

Result<std::vector<double>> ParseRates(const std::string& list) {
  std::vector<double> rates;
  for (const std::string& r : Split(list, ',')) {
    char* end = nullptr;
    double v = std::strtod(r.c_str(), &end);
    if (r.empty() || *end != '\0' || !(v > 0 && v <= 1)) {
      return InvalidArgumentError("bad rate \"" + r + "\"; rates are numbers in (0, 1]");
    }
    rates.push_back(v);
  }
  return rates;
}

Result<std::vector<std::string>> ParseProfiles(const std::string& list) {
  std::vector<std::string> names = Split(list, ',');
  for (const std::string& n : names) {
    if (auto p = FindProfile(n); !p.ok()) return p.status();
  }
  return names;
}

// "all" is every source; "-moby" every source but Moby; "mythes+table" those.
Result<std::vector<DecoderLexicon>> ParseDecoders(const std::string& list) {
  std::vector<DecoderLexicon> out;
  for (const std::string& d : Split(list, ',')) {
    DecoderLexicon lex;
    lex.name = d;
    if (d == "all") {
      lex.sources = kAllSources;
    } else if (!d.empty() && d[0] == '-') {
      auto mask = ParseSourceList(d.substr(1));
      if (!mask.ok()) return mask.status();
      lex.sources = static_cast<SourceMask>(kAllSources & ~*mask);
      lex.name = "all" + d;
    } else {
      std::string plus = d;
      for (char& c : plus) c = c == '+' ? ',' : c;
      auto mask = ParseSourceList(plus);
      if (!mask.ok()) return mask.status();
      lex.sources = *mask;
    }
    out.push_back(lex);
  }
  return out;
}

int RunEval(const EvalFlags& f) {
  auto profiles = ParseProfiles(f.profiles);
  if (!profiles.ok()) return Fail(profiles.status(), kExitUsage);
  auto calibration_profiles = ParseProfiles(f.calibration_profiles);
  if (!calibration_profiles.ok()) return Fail(calibration_profiles.status(), kExitUsage);
  auto rates = ParseRates(f.rates);
  if (!rates.ok()) return Fail(rates.status(), kExitUsage);
  auto calibration_rates = ParseRates(f.calibration_rates);
  if (!calibration_rates.ok()) return Fail(calibration_rates.status(), kExitUsage);
  auto decoders = ParseDecoders(f.decoders);
  if (!decoders.ok()) return Fail(decoders.status(), kExitUsage);
  if ((!f.write_channel.empty() || f.adapt_docs > 0) && f.calibrate.empty()) {
    return Fail(InvalidArgumentError("--write-channel and --adapt-docs need --calibrate"), kExitUsage);
  }
  auto model = OpenModel(f.model);
  if (!model.ok()) return Fail(model.status().WithContext("loading model"), kExitModel);
  const int threads = ThreadCount(f.threads);
  const std::string eval_dir = ExecutableDir() + "/eval";
  const std::string test_path = f.test.empty() ? eval_dir + "/brown-test.jsonl" : f.test;
  auto test = ReadDocs(test_path);
  if (!test.ok()) return Fail(test.status(), InputExitCode(test.status()));

  QualityEvalOptions options;
  if (!f.calibrate.empty()) {
    auto calibration_docs = ReadDocs(f.calibrate);
    if (!calibration_docs.ok()) return Fail(calibration_docs.status(), InputExitCode(calibration_docs.status()));
    // Adaptation takes its documents from the end of the calibration file,
    // the calibration from its start; neither from the test set.
    if (f.adapt_docs > 0) {
      const size_t n = std::min(f.adapt_docs, calibration_docs->size());
      options.adapt_docs.assign(calibration_docs->end() - static_cast<std::ptrdiff_t>(n), calibration_docs->end());
    }
    // The whole file is checked, so neither part can hold a test document.
    for (const EvalDoc& c : *calibration_docs) {
      for (const EvalDoc& t : *test) {
        if (c.id == t.id) {
          return Fail(InvalidInputError("document \"" + c.id + "\" is in both the calibration and the test set"),
                      kExitBadInput);
        }
      }
    }
    if (calibration_docs->size() > f.calibration_docs) calibration_docs->resize(f.calibration_docs);
    std::string description = std::to_string(calibration_docs->size()) + " clean documents of " + f.calibrate +
                              " and the same spun with profiles " + f.calibration_profiles + " at rates " + f.calibration_rates +
                              " (one each), seed " + std::to_string(f.seed);
    std::fprintf(stderr, "unspin: eval: fitting the calibration on %zu documents\n", calibration_docs->size());
    ChannelParams channel = FitCalibration(**model, *calibration_docs, *calibration_profiles, *calibration_rates, f.seed + 1,
                                           threads, description);
    const Calibration& c = channel.calibration;
    (*model)->set_channel(channel);
    std::fprintf(stderr, "unspin: eval: calibration bias %.3f gain %.3f density %.3f length %.3f\n", c.bias, c.gain,
                 c.density, c.length);
    std::fprintf(stderr, "unspin: eval: span model");
    for (double w : channel.span_model.weights) std::fprintf(stderr, " %.3f", w);
    std::fprintf(stderr, "\n");
    if (!f.write_channel.empty()) {
      // Without the learned pairs, which model build adds from its table.
      if (Status s = WithoutLearned(channel).Save(f.write_channel); !s.ok()) return Fail(s, kExitFailure);
      std::fprintf(stderr, "unspin: eval: wrote %s\n", f.write_channel.c_str());
    }
  }

  options.profiles = *profiles;
  options.rates = *rates;
  options.decoders = *decoders;
  options.spun_docs = f.docs;
  options.seed = f.seed;
  options.threads = threads;
  Progress progress("eval", 0, Progress::kRecords);
  options.progress = [&progress](uint64_t done, uint64_t total) { progress.Set(done, total); };
  std::fprintf(stderr, "unspin: eval: %zu test documents (%s), %zu decoder lexicons x %zu profiles x %zu rates\n",
               test->size(), test_path.c_str(), decoders->size(), profiles->size(), rates->size());
  QualityReport report = RunQualityEval(**model, *test, options);
  progress.Finish();
  std::string markdown = report.ToMarkdown();
  std::printf("%s", markdown.c_str());
  if (!f.markdown.empty()) {
    if (Status s = WriteFileAtomically(f.markdown, markdown); !s.ok()) return Fail(s, kExitFailure);
  }
  if (!f.html.empty()) {
    if (Status s = WriteFileAtomically(f.html, report.ToHtml()); !s.ok()) return Fail(s, kExitFailure);
  }
  if (!f.json.empty()) {
    nlohmann::json j = report.ToJson();
    j["test"] = test_path;
    j["calibration"] = (*model)->channel().calibration.fitted_on;
    j["seed"] = f.seed;
    if (Status s = WriteFileAtomically(f.json, j.dump(1) + "\n"); !s.ok()) return Fail(s, kExitFailure);
  }
  return kExitOk;
}

int RunEvalReal(const RealEvalFlags& f) {
  if (f.pairs.empty() && f.phrases.empty()) {
    return Fail(InvalidArgumentError("nothing to measure on: give --pairs FILE and/or --phrases FILE"), kExitUsage);
  }
  if (f.folds == 1) return Fail(InvalidArgumentError("--folds must be 0 (the model as it is) or 2 or more"), kExitUsage);
  const std::string model_dir = ResolveModelDir(f.model);
  auto model = OpenModel(f.model);
  if (!model.ok()) return Fail(model.status().WithContext("loading model"), kExitModel);
  const std::vector<std::string> spinners = f.spinners.empty() ? std::vector<std::string>{} : Split(f.spinners, ',');
  std::vector<DocumentPair> docs;
  for (const std::string& path : f.pairs) {
    auto part = ReadDocumentPairs(path);
    if (!part.ok()) return Fail(part.status(), InputExitCode(part.status()));
    for (DocumentPair& d : *part) {
      if (d.profile.empty()) d.profile = f.profile;
      if (spinners.empty() || std::find(spinners.begin(), spinners.end(), d.profile) != spinners.end()) {
        docs.push_back(std::move(d));
      }
    }
  }
  std::vector<PhrasePair> phrases;
  for (const std::string& path : f.phrases) {
    auto part = ReadPhrasePairs(path);
    if (!part.ok()) return Fail(part.status(), InputExitCode(part.status()));
    phrases.insert(phrases.end(), part->begin(), part->end());
  }
  RealEvalOptions options;
  options.folds = f.folds;
  options.threads = ThreadCount(f.threads);
  options.paths.data_dir = DefaultDataDir();
  options.default_profile = f.profile;
  options.phrase_profile = f.phrase_profile;
  options.log = [](const std::string& line) { std::fprintf(stderr, "unspin: eval real: %s\n", line.c_str()); };
  options.keep_swaps = !f.swaps.empty();
  if (!f.write_channel.empty() && f.folds == 0) {
    return Fail(InvalidArgumentError("--write-channel needs --folds 2 or more: the scores are fitted across folds"),
                kExitUsage);
  }
  if (f.folds > 0 && f.calibrate != "none" && !docs.empty()) {
    const std::string path = f.calibrate.empty() ? ExecutableDir() + "/eval/brown-calibration.jsonl" : f.calibrate;
    auto synthetic = ReadDocs(path);
    if (!synthetic.ok()) return Fail(synthetic.status(), InputExitCode(synthetic.status()));
    if (synthetic->size() > f.calibration_docs) synthetic->resize(f.calibration_docs);
    options.synthetic_docs = std::move(*synthetic);
    std::string rates;
    for (double rate : options.synthetic_rates) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%g", rates.empty() ? "" : ",", rate);
      rates += buf;
    }
    // Named as from the working directory, so that the shipped channel
    // does not record where it was made.
    std::error_code ec;
    std::string shown = std::filesystem::relative(path, ec).string();
    if (ec || shown.empty() || shown.starts_with("..")) shown = path;
    options.synthetic_description = "clean documents of " + shown + " and the same spun with profiles " +
                                    Join(options.synthetic_profiles, ',') + " at rates " + rates +
                                    " (one each), seed " + std::to_string(options.seed);
  }
  if (!f.trace_distractors.empty()) {
    if (docs.empty()) return Fail(InvalidArgumentError("--trace-distractors needs --pairs"), kExitUsage);
    auto distractors = ReadDocs(f.trace_distractors);
    if (!distractors.ok()) return Fail(distractors.status(), InputExitCode(distractors.status()));
    if (f.max_trace_distractors > 0 && distractors->size() > f.max_trace_distractors) {
      distractors->resize(f.max_trace_distractors);
    }
    options.trace_distractors = std::move(*distractors);
  }
  if (!f.papers.empty()) {
    if (phrases.empty()) return Fail(InvalidArgumentError("--papers needs --phrases"), kExitUsage);
    if (f.phrases_per_paper == 0 || f.paper_words == 0) {
      return Fail(InvalidArgumentError("--paper-words and --phrases-per-paper must be at least 1"), kExitUsage);
    }
    auto papers = ReadDocs(f.papers);
    if (!papers.ok()) return Fail(papers.status(), InputExitCode(papers.status()));
    options.paper_docs = std::move(*papers);
    options.paper_words = f.paper_words;
    options.phrases_per_paper = f.phrases_per_paper;
    options.max_papers = f.max_papers;
  }
  std::string work_dir = f.work_dir;
  bool made_work_dir = false;
  if (work_dir.empty() && (f.folds > 0 || !options.trace_distractors.empty())) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/unspin-real-eval-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return Fail(IoError("cannot make a temporary directory"), kExitFailure);
    work_dir = pattern;
    made_work_dir = true;
  }
  options.work_dir = work_dir;
  std::fprintf(stderr, "unspin: eval real: %zu document pairs, %zu phrase pairs, %s\n", docs.size(), phrases.size(),
               f.folds == 0 ? "the model as it is" : (std::to_string(f.folds) + "-fold cross-validation").c_str());
  auto report = RunRealEval(**model, model_dir, docs, phrases, options);
  if (made_work_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(work_dir, ignored);
  }
  if (!report.ok()) return Fail(report.status());
  const std::string markdown = report->ToMarkdown();
  std::printf("%s", markdown.c_str());
  if (!f.markdown.empty()) {
    if (Status s = WriteFileAtomically(f.markdown, markdown); !s.ok()) return Fail(s, kExitFailure);
  }
  if (!f.json.empty()) {
    nlohmann::json j = report->ToJson();
    j["pairs"] = f.pairs;
    j["phrase_lists"] = f.phrases;
    j["folds"] = f.folds;
    if (Status s = WriteFileAtomically(f.json, j.dump(1) + "\n"); !s.ok()) return Fail(s, kExitFailure);
  }
  if (!f.swaps.empty()) {
    std::string lines;
    for (const RealSwapOutcome& o : report->swaps) lines += o.ToJson().dump() + "\n";
    if (Status s = WriteFileAtomically(f.swaps, lines); !s.ok()) return Fail(s, kExitFailure);
  }
  if (!f.write_channel.empty()) {
    if (!report->has_fitted_channel) {
      return Fail(InvalidArgumentError("no scores were fitted: --write-channel needs document pairs"), kExitUsage);
    }
    if (Status s = report->fitted_channel.Save(f.write_channel); !s.ok()) return Fail(s, kExitFailure);
    const Calibration& c = report->fitted_channel.routed_calibration;
    std::fprintf(stderr, "unspin: eval real: wrote %s (routed document score bias %.3f gain %.3f density %.3f length %.3f ratio %.3f)\n",
                 f.write_channel.c_str(), c.bias, c.gain, c.density, c.length, c.ratio);
  }
  return kExitOk;
}

int RunEvalTrace(const TraceEvalFlags& f) {
  auto profiles = ParseProfiles(f.profiles);
  if (!profiles.ok()) return Fail(profiles.status(), kExitUsage);
  auto rates = ParseRates(f.rates);
  if (!rates.ok()) return Fail(rates.status(), kExitUsage);
  if (f.threshold < 0 || f.threshold > 1) {
    return Fail(InvalidArgumentError("--threshold must be between 0 and 1"), kExitUsage);
  }
  auto lexicon = OpenModelLexicon(f.model);
  if (!lexicon.ok()) return Fail(lexicon.status().WithContext("loading model"), kExitModel);
  const std::string eval_dir = ExecutableDir() + "/eval";
  auto read = [&](const std::string& flag, const char* name, size_t limit) -> Result<std::vector<EvalDoc>> {
    const std::string path = flag.empty() ? eval_dir + "/" + name : flag;
    auto docs = ReadDocs(path);
    if (!docs.ok() && docs.status().code() == StatusCode::kNotFound && flag.empty()) {
      return NotFoundError(docs.status().message() + " (make it with: scripts/eval-data.sh)");
    }
    if (docs.ok() && limit > 0 && docs->size() > limit) docs->resize(limit);
    return docs;
  };
  auto sources = read(f.sources, "brown-test.jsonl", 0);
  if (!sources.ok()) return Fail(sources.status(), InputExitCode(sources.status()));
  auto distractors = read(f.distractors, "trace-distractors.jsonl", f.max_distractors);
  if (!distractors.ok()) return Fail(distractors.status(), InputExitCode(distractors.status()));
  auto unrelated = read(f.unrelated, "trace-unrelated.jsonl", f.max_unrelated);
  if (!unrelated.ok()) return Fail(unrelated.status(), InputExitCode(unrelated.status()));

  TraceEvalOptions options;
  options.profiles = *profiles;
  options.rates = *rates;
  options.queries = f.queries;
  options.threshold = f.threshold;
  options.seed = f.seed;
  options.threads = ThreadCount(f.threads);
  Progress progress("eval trace: queries", 0, Progress::kRecords);
  options.log = [&progress](const std::string& line) {
    progress.Finish();
    std::fprintf(stderr, "unspin: eval trace: %s\n", line.c_str());
  };
  options.progress = [&progress](uint64_t done, uint64_t total) { progress.Set(done, total); };
  std::string work_dir = f.work_dir;
  if (work_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/unspin-trace-eval-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return Fail(IoError("cannot make a temporary directory"), kExitFailure);
    std::filesystem::remove(pattern);  // RunTraceEval makes it, and refuses one that exists
    work_dir = pattern;
  }
  options.work_dir = work_dir;
  std::fprintf(stderr, "unspin: eval trace: %zu sources, %zu distractors, %zu unrelated queries; indexes in %s\n",
               sources->size(), distractors->size(), unrelated->size(), work_dir.c_str());
  auto report = RunTraceEval(*lexicon, *sources, *distractors, *unrelated, options);
  progress.Finish();
  if (!f.keep) {
    std::error_code ignored;
    std::filesystem::remove_all(work_dir, ignored);
  }
  if (!report.ok()) return Fail(report.status());
  const std::string markdown = report->ToMarkdown();
  std::printf("%s", markdown.c_str());
  if (!f.markdown.empty()) {
    if (Status s = WriteFileAtomically(f.markdown, markdown); !s.ok()) return Fail(s, kExitFailure);
  }
  if (!f.html.empty()) {
    const std::string page = report::Page("unspin eval trace", "<h1>unspin eval trace</h1>\n" +
                                                                   report::MarkdownToHtml(markdown));
    if (Status s = WriteFileAtomically(f.html, page); !s.ok()) return Fail(s, kExitFailure);
  }
  if (!f.json.empty()) {
    nlohmann::json j = report->ToJson();
    j["sources"] = sources->size();
    j["distractors"] = distractors->size();
    j["unrelated"] = unrelated->size();
    j["seed"] = f.seed;
    if (Status s = WriteFileAtomically(f.json, j.dump(1) + "\n"); !s.ok()) return Fail(s, kExitFailure);
  }
  return kExitOk;
}

}  // namespace

void AddEvalCommand(CLI::App* app, Runner* run) {
  auto f = std::make_shared<EvalFlags>();
  CLI::App* c = app->add_subcommand("eval", "measure detection and restoration quality on spun clean text");
  c->add_option("--model", f->model, "model directory");
  c->add_option("--test", f->test, "clean test documents, JSONL {\"id\",\"text\"} (default: eval/brown-test.jsonl beside the binary)");
  c->add_option("--calibrate", f->calibrate, "fit the document score's calibration on these other clean documents first");
  c->add_option("--write-channel", f->write_channel, "save the channel with the fitted calibration here (data/channel.json)");
  c->add_option("--profiles", f->profiles, "spinner profiles to measure")->capture_default_str();
  c->add_option("--calibration-profiles", f->calibration_profiles, "spinner profiles the calibration sees")->capture_default_str();
  c->add_option("--rates", f->rates, "swap rates")->capture_default_str();
  c->add_option("--calibration-rates", f->calibration_rates, "swap rates the calibration sees")->capture_default_str();
  c->add_option("--decoders", f->decoders, "decoder lexicons: all, -SOURCE (all but it), or SOURCE+SOURCE")->capture_default_str();
  c->add_option("--docs", f->docs, "test documents spun per cell")->capture_default_str();
  c->add_option("--calibration-docs", f->calibration_docs, "calibration documents used")->capture_default_str();
  c->add_option("--adapt-docs", f->adapt_docs,
                "also measure unspin adapt in every cell, learning from this many documents at the end of the "
                "--calibrate file spun by the cell's spinner")
      ->capture_default_str();
  c->add_option("--seed", f->seed, "random seed")->capture_default_str();
  c->add_option("--threads", f->threads, "worker threads (default: all cores)");
  c->add_option("--json", f->json, "also write the figures as JSON here");
  c->add_option("--markdown", f->markdown, "also write the tables here");
  c->add_option("--html", f->html, "also write the tables and ROC curves here, as a self-contained page");

  auto t = std::make_shared<TraceEvalFlags>();
  CLI::App* tc = c->add_subcommand("trace", "measure how well trace finds the sources of spun copies among distractors");
  tc->add_option("--model", t->model, "model directory");
  tc->add_option("--sources", t->sources, "clean source documents, JSONL (default: eval/brown-test.jsonl beside the binary)");
  tc->add_option("--distractors", t->distractors, "other documents to index (default: eval/trace-distractors.jsonl)");
  tc->add_option("--unrelated", t->unrelated, "queries that must match nothing (default: eval/trace-unrelated.jsonl)");
  tc->add_option("--profiles", t->profiles, "spinner profiles; each is traced on an index whose lexicon lacks its sources")
      ->capture_default_str();
  tc->add_option("--rates", t->rates, "swap rates")->capture_default_str();
  tc->add_option("--queries", t->queries, "sources spun per cell")->capture_default_str();
  tc->add_option("--max-distractors", t->max_distractors, "use only the first N distractors (0: all)")->capture_default_str();
  tc->add_option("--max-unrelated", t->max_unrelated, "use only the first N unrelated queries (0: all)")->capture_default_str();
  tc->add_option("--threshold", t->threshold, "trace's reporting threshold")->capture_default_str();
  tc->add_option("--work-dir", t->work_dir, "where the indexes are built (must not exist; default: a new temporary directory)");
  tc->add_flag("--keep", t->keep, "keep the indexes after the run");
  tc->add_option("--seed", t->seed, "random seed")->capture_default_str();
  tc->add_option("--threads", t->threads, "worker threads (default: all cores)");
  tc->add_option("--json", t->json, "also write the figures as JSON here");
  tc->add_option("--markdown", t->markdown, "also write the tables here");
  tc->add_option("--html", t->html, "also write the tables here, as a self-contained page");
  tc->callback([run, t] { *run = [t] { return RunEvalTrace(*t); }; });

  auto r = std::make_shared<RealEvalFlags>();
  CLI::App* rc = c->add_subcommand("real", "measure on real spinners' output: aligned document pairs and phrase lists");
  rc->add_option("--model", r->model, "model directory");
  rc->add_option("--pairs", r->pairs, "aligned document pairs, JSONL {\"id\",\"original\",\"spun\"[,\"spinner\"]}")
      ->take_all();
  rc->add_option("--phrases", r->phrases, "phrase pairs, TSV spun<TAB>original")->take_all();
  rc->add_option("--folds", r->folds,
                 "cross-validate: each fold measured by a model that learned from the others (0: the model as it is, "
                 "refusing what it learned from)")
      ->capture_default_str();
  rc->add_option("--spinners", r->spinners, "measure only document pairs of these spinners (comma list)");
  rc->add_option("--profile", r->profile, "profile of document pairs without a \"spinner\"")->capture_default_str();
  rc->add_option("--phrase-profile", r->phrase_profile, "profile of the phrase pairs")->capture_default_str();
  rc->add_option("--work-dir", r->work_dir, "where the folds' lexicons are built (default: a temporary directory)");
  rc->add_option("--threads", r->threads, "worker threads (default: all cores)");
  rc->add_option("--json", r->json, "also write the figures as JSON here");
  rc->add_option("--markdown", r->markdown, "also write the tables here");
  rc->add_option("--swaps", r->swaps,
                 "also write each measured swap and wrongly changed span here, JSONL {\"id\",\"outcome\",\"spun\","
                 "\"original\",\"learned\",\"restored\"} (outcome: restored, detected, missed, clean changed; learned: the times "
                 "the measuring model's table saw the pair)");
  rc->add_option("--calibrate", r->calibrate,
                 "with folds: fit the span model and document score on these clean documents (and the same spun) "
                 "beside the real pairs; \"none\": on the real pairs alone (default: the eval corpus's calibration "
                 "half, build/eval/brown-calibration.jsonl)");
  rc->add_option("--calibration-docs", r->calibration_docs, "use at most this many of the --calibrate documents")
      ->capture_default_str();
  rc->add_option("--trace-distractors", r->trace_distractors,
                 "also trace the spun copies: index these JSONL {\"id\",\"text\"} documents and the pairs' "
                 "originals (each fold with its own model), and trace each copy as written and with its restoration "
                 "(e.g. build/eval/trace-distractors.jsonl)");
  rc->add_option("--max-trace-distractors", r->max_trace_distractors, "use only the first N of them (0: all)")
      ->capture_default_str();
  rc->add_option("--papers", r->papers,
                 "also measure papers with tortured phrases: join these clean JSONL {\"id\",\"text\"} documents into "
                 "papers and plant measured phrases in each, as written, quoted, and as the phrases they stand for "
                 "(e.g. build/eval/brown-test.jsonl)");
  rc->add_option("--paper-words", r->paper_words, "words of clean text a paper holds")->capture_default_str();
  rc->add_option("--phrases-per-paper", r->phrases_per_paper, "tortured phrases planted in each paper")
      ->capture_default_str();
  rc->add_option("--max-papers", r->max_papers, "papers measured per fold (0: as many as the documents make)")
      ->capture_default_str();
  rc->add_option("--write-channel", r->write_channel,
                 "save the channel with the scores fitted on every fold here (data/channel.json), without learned "
                 "pairs, which model build adds");
  rc->callback([run, r] { *run = [r] { return RunEvalReal(*r); }; });

  // CLI11 runs a parent's callback after its subcommand's: `eval trace`
  // and `eval real` must not be replaced by `eval`.
  c->callback([run, f, tc, rc] {
    if (!tc->parsed() && !rc->parsed()) *run = [f] { return RunEval(*f); };
  });
}

}  // namespace unspin::cli
