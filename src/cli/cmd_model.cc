// unspin model build | compile | info | lookup
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <tuple>
#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "decoder/candidates.h"
#include "decoder/channel.h"
#include "lexicon/lexicon.h"
#include "lexicon/lexicon_builder.h"
#include "lm/language_model.h"
#include "lm/lm_source.h"
#include "lm/sphinx_trie.h"
#include "decoder/decoder.h"
#include "decoder/learn.h"
#include "lexicon/learned_pairs.h"
#include "util/parallel.h"
#include "util/file_io.h"
#include "util/strings.h"

namespace unspin::cli {

namespace {

struct BuildOptions {
  std::string out;
  DefaultLexiconPaths paths;
  std::string cmu_lm = kDebianCmuModel;
  std::string channel;  // default: data/channel.json
  std::string learned;  // default: learned_pairs.tsv of the data directory; "none": none
  int threads = 0;      // 0: one per core
};

Status MakeDirs(const std::string& dir) {
  std::string partial;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      partial = dir.substr(0, i);
      if (!partial.empty() && !IsDirectory(partial) && ::mkdir(partial.c_str(), 0755) != 0 &&
          !IsDirectory(partial)) {
        return IoError("cannot create directory " + partial);
      }
    }
  }
  return OkStatus();
}

int RunBuild(const BuildOptions& options) {
  BuildOptions opt = options;
  // The data directory's table is used when there is one (a damaged one is
  // an error); --learned names another, or none.
  const std::string data_table = opt.paths.data_dir + "/learned_pairs.tsv";
  opt.paths.learned = opt.learned == "none" ? ""
                      : !opt.learned.empty() ? opt.learned
                      : FileExists(data_table) ? data_table
                                               : "";
  std::string dir = ResolveModelDir(opt.out);
  if (Status s = MakeDirs(dir); !s.ok()) return Fail(s, kExitFailure);
  auto start = std::chrono::steady_clock::now();
  LexiconBuildReport report;
  std::string path = LexiconPath(dir);
  Status s = BuildDefaultLexicon(opt.paths, path, &report);
  if (!s.ok()) {
    // Missing Debian files: the message names the package to install.
    return Fail(s.WithContext("model build"), s.code() == StatusCode::kNotFound ? kExitModel : ExitCodeFor(s));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto lex = Lexicon::Open(path);
  if (!lex.ok()) return Fail(lex.status().WithContext("model build: re-reading"), kExitModel);
  LexiconStats st = lex->Stats();
  std::fprintf(stderr,
               "unspin: built %s in %.1f s: %u strings, %u phrases with synonyms, %u senses "
               "(%zu read, %zu phrases rejected), %.1f MB\n",
               path.c_str(), seconds, st.strings, st.phrases, st.senses, report.senses_read,
               report.phrases_rejected, lex->file().info().file_size / 1e6);

  // The language model: Debian's CMU US-English model, read directly.
  start = std::chrono::steady_clock::now();
  LmSourceFormat read_as;
  auto lm_source = ReadLmSource(opt.cmu_lm, LmSourceFormat::kSphinx, &read_as);
  if (!lm_source.ok()) {
    const Status& e = lm_source.status();
    std::string message = "model build: language model: " + e.message();
    if (e.code() == StatusCode::kNotFound) message += " (install pocketsphinx-en-us: scripts/install-deps.sh)";
    return Fail(Status(e.code(), message), kExitModel);
  }
  nlohmann::json meta = {{"source", opt.cmu_lm}, {"format", "sphinx"}, {"tokens", "words"}};
  if (Status w = WriteLmStore(*lm_source, meta, LmPath(dir)); !w.ok()) return Fail(w.WithContext("model build"));
  std::fprintf(stderr, "unspin: language model imported in %.1f s\n",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

  // The channel: the project's default parameters and calibration.
  const std::string channel_source = opt.channel.empty() ? opt.paths.data_dir + "/channel.json" : opt.channel;
  auto channel = ChannelParams::Load(channel_source);
  if (!channel.ok()) return Fail(channel.status().WithContext("model build"), kExitModel);
  // The learned pairs, compiled into the lexicon above, also shape q; the
  // model keeps the table for their counts.
  const std::string learned_copy = dir + "/learned_pairs.tsv";
  if (!opt.paths.learned.empty()) {
    auto learned = LearnedPairs::Load(opt.paths.learned);
    if (!learned.ok()) return Fail(learned.status().WithContext("model build"), kExitModel);
    auto lm = LanguageModel::Open(LmPath(dir));
    if (!lm.ok()) return Fail(lm.status().WithContext("model build: re-reading"), kExitModel);
    *channel = LearnedChannel(*channel, *learned, *lex, *lm);
    if (Status w = learned->Save(learned_copy, {"copied by unspin model build from " + opt.paths.learned});
        !w.ok()) {
      return Fail(w.WithContext("model build"));
    }
    std::fprintf(stderr, "unspin: learned pairs: %zu from %s (%zu documents and phrases learned from)\n",
                 learned->size(), opt.paths.learned.c_str(), learned->from().size());
  } else {
    std::remove(learned_copy.c_str());
  }
  if (Status w = channel->Save(ChannelPath(dir)); !w.ok()) return Fail(w.WithContext("model build"));
  std::fprintf(stderr, "unspin: wrote %s (calibration: %s)\n", ChannelPath(dir).c_str(),
               channel->calibration.fitted_on.c_str());

  // The decoder's candidate lists, compiled for that channel.
  if (Status c = CompileModelCandidates(dir, ThreadCount(opt.threads)); !c.ok()) {
    return Fail(c.WithContext("model build"), kExitFailure);
  }
  return kExitOk;
}

int RunCompile(const std::string& model, int threads) {
  const std::string dir = ResolveModelDir(model);
  if (Status c = CompileModelCandidates(dir, ThreadCount(threads)); !c.ok()) {
    return Fail(c.WithContext("model compile"), kExitModel);
  }
  return kExitOk;
}

int RunInfo(const std::string& model, bool json) {
  auto start = std::chrono::steady_clock::now();
  auto lex = OpenModelLexicon(model);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!lex.ok()) return Fail(lex.status(), kExitModel);
  const std::string& path = lex->file().path();
  LexiconStats st = lex->Stats();
  nlohmann::json out;
  out["lexicon"] = {
      {"path", path},
      {"bytes", lex->file().info().file_size},
      {"format_version", lex->file().info().version},
      {"load_ms", ms},
      {"strings", st.strings},
      {"phrases_with_synonyms", st.phrases},
      {"senses", st.senses},
      {"members", st.members},
      {"inflected_lemmas", st.inflected_lemmas},
      {"analyses", st.analyses},
  };
  for (int i = 0; i < kSourceCount; ++i) {
    out["lexicon"]["senses_by_source"][SourceName(static_cast<Source>(i))] = st.senses_by_source[i];
  }
  out["lexicon"]["build"] = nlohmann::json::parse(lex->MetaJson(), nullptr, false);

  // The language model beside a lexicon in a model directory.
  const std::string lm_path = LmPath(ResolveModelDir(model));
  if (FileExists(lm_path)) {
    start = std::chrono::steady_clock::now();
    auto lm = LanguageModel::Open(lm_path);
    ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!lm.ok()) return Fail(lm.status(), kExitModel);
    nlohmann::json& j = out["language_model"];
    j = {{"path", lm_path},
         {"bytes", lm->file().info().file_size},
         {"format_version", lm->file().info().version},
         {"load_ms", ms},
         {"order", lm->order()},
         {"vocabulary", lm->vocab_size()}};
    for (int n = 1; n <= lm->order(); ++n) {
      const auto& o = lm->header().orders[n - 1];
      j["ngrams"].push_back(o.ngrams);
      j["blanks"].push_back(o.blanks);
      j["quantized"].push_back(o.quantized != 0);
    }
    j["build"] = nlohmann::json::parse(lm->MetaJson(), nullptr, false);

    // The compiled candidate table, checked against both, and whether the
    // model's channel is the one it was compiled for (else it goes unused).
    // The learned pairs, the router over their document spinners, and
    // both candidate tables (the plain one for the documents not routed).
    const std::string dir = ResolveModelDir(model);
    auto opened = Model::Open(dir);
    if (!opened.ok()) return Fail(opened.status(), kExitModel);
    const Model& m = **opened;
    if (const LearnedPairs* learned = m.learned(); learned != nullptr) {
      nlohmann::json profiles = nlohmann::json::object();
      const std::vector<std::string> routed = RoutedProfiles(*learned);
      for (const std::string& name : learned->Profiles()) {
        profiles[name] = {{"pairs", 0},
                          {"routed", std::find(routed.begin(), routed.end(), name) != routed.end()}};
      }
      for (const LearnedPair& p : learned->pairs()) profiles[p.profile]["pairs"] = profiles[p.profile]["pairs"].get<int>() + 1;
      out["learned"] = {{"path", dir + "/learned_pairs.tsv"},
                        {"format_version", LearnedPairs::kVersion},
                        {"checksum", Hex64(learned->Checksum())},
                        {"pairs", learned->size()},
                        {"rates", learned->rates().size()},
                        {"learned_from", learned->from().size()},
                        {"profiles", profiles},
                        {"routing", m.router() != nullptr}};
    }
    for (const auto& [name, table_path, channel] :
         {std::tuple<const char*, std::string, const ChannelParams*>{"candidate_table", CandidateTablePath(dir),
                                                                     &m.channel()},
          {"plain_candidate_table", dir + "/candidates-plain.bin", m.plain_channel()}}) {
      if (!FileExists(table_path)) continue;
      start = std::chrono::steady_clock::now();
      auto table = CandidateTable::Open(table_path, *lex, *lm);
      ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (!table.ok()) return Fail(table.status(), kExitModel);
      out[name] = {{"path", table_path},
                   {"bytes", table->file_size()},
                   {"format_version", CandidateTable::kVersion},
                   {"load_ms", ms},
                   {"keys", table->keys()},
                   {"matches_channel", channel != nullptr && table->fingerprint() == CandidateFingerprint(*channel)}};
    }
  }
  std::string text = json ? out.dump() : out.dump(2);
  std::printf("%s\n", text.c_str());
  return kExitOk;
}

int RunLookup(const std::string& model, const std::string& phrase) {
  auto lex = OpenModelLexicon(model);
  if (!lex.ok()) return Fail(lex.status(), kExitModel);
  std::string key, display;
  int tokens = 0;
  if (!NormalizePhrase(phrase, &key, &display, &tokens)) {
    return Fail(InvalidArgumentError("\"" + phrase + "\" is not a phrase of 1 to 4 words"), kExitUsage);
  }
  uint32_t id = lex->Find(key);
  nlohmann::json out;
  out["key"] = key;
  out["found"] = id != Lexicon::kNone;
  if (id == Lexicon::kNone) {
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  out["display"] = lex->Display(id);
  out["stopword"] = lex->IsStopword(id);
  out["common"] = lex->IsCommon(id);
  std::vector<Lexicon::Analysis> analyses;
  lex->Analyses(id, &analyses);
  for (const auto& a : analyses) {
    out["inflection_of"].push_back({{"lemma", lex->Key(a.lemma)}, {"tag", InflectionName(a.tag)}});
  }
  for (int t = 1; t < kInflectionCount; ++t) {
    uint32_t f = lex->Inflect(id, static_cast<Inflection>(t));
    if (f != Lexicon::kNone) out["forms"][InflectionName(static_cast<Inflection>(t))] = lex->Key(f);
  }
  std::vector<uint32_t> ids;
  for (int src = 0; src < kSourceCount; ++src) {
    LexiconFilter filter;
    filter.sources = MaskOf(static_cast<Source>(src));
    const char* name = SourceName(static_cast<Source>(src));
    lex->Substitutes(id, filter, &ids);
    for (uint32_t x : ids) out["substitutes"][name].push_back(lex->Display(x));
    lex->Originals(id, filter, &ids);
    for (uint32_t x : ids) out["originals"][name].push_back(lex->Display(x));
  }
  // What the learned table says of it: the spinners seen writing it for
  // something, and writing something for it, with their counts.
  const std::string learned_path = ResolveModelDir(model) + "/learned_pairs.tsv";
  if (FileExists(learned_path)) {
    auto learned = LearnedPairs::Load(learned_path);
    if (!learned.ok()) return Fail(learned.status(), kExitModel);
    for (const LearnedPair& p : learned->pairs()) {
      const nlohmann::json entry = {{"profile", p.profile}, {"count", p.count}, {"kind", LearnedKindName(p.kind)}};
      if (p.original == key) {
        out["learned_substitutes"].push_back(entry);
        out["learned_substitutes"].back()["substitute"] = p.substitute;
      }
      if (p.substitute == key) {
        out["learned_originals"].push_back(entry);
        out["learned_originals"].back()["original"] = p.original;
      }
    }
    const auto [seen, swapped] = learned->Rate(key);
    if (seen > 0) out["learned_rate"] = {{"seen", seen}, {"swapped", swapped}};
  }
  std::printf("%s\n", out.dump(2).c_str());
  return kExitOk;
}

}  // namespace

void AddModelCommands(CLI::App* app, Runner* run) {
  CLI::App* model = app->add_subcommand("model", "build or describe a model");
  model->require_subcommand(1);

  auto build = std::make_shared<BuildOptions>();
  build->paths.data_dir = DefaultDataDir();
  CLI::App* b = model->add_subcommand("build", "build the default model from Debian's lexical packages");
  b->add_option("--out,-o", build->out, "model directory (default: $UNSPIN_MODEL or model/ beside the binary)");
  b->add_option("--mythes", build->paths.mythes, "LibreOffice thesaurus (mythes-en-us)")->capture_default_str();
  b->add_option("--wordnet", build->paths.wordnet_dir, "WordNet directory (wordnet-base)")->capture_default_str();
  b->add_option("--aiksaurus", build->paths.aiksaurus_dir, "Aiksaurus data (libaiksaurus-1.2-data)")->capture_default_str();
  b->add_option("--scowl", build->paths.scowl_dir, "SCOWL word lists (scowl)")->capture_default_str();
  b->add_option("--data", build->paths.data_dir, "unspin's data tables")->capture_default_str();
  b->add_option("--channel", build->channel, "channel parameters (default: channel.json of --data)");
  b->add_option("--learned", build->learned,
                "learned pair table (default: learned_pairs.tsv of --data, if there is one; none: build without learned pairs)");
  b->add_option("--cmu-lm", build->cmu_lm, "CMU US-English language model (pocketsphinx-en-us)")
      ->capture_default_str();
  b->add_option("--threads", build->threads, "threads for compiling the candidate table (default: one per core)");
  b->callback([run, build] { *run = [build] { return RunBuild(*build); }; });

  auto compile_model = std::make_shared<std::string>();
  auto compile_threads = std::make_shared<int>(0);
  CLI::App* c = model->add_subcommand(
      "compile", "(re)compile a model's candidate table for its channel.json (after editing it, or after adapt)");
  c->add_option("model", *compile_model, "model directory");
  c->add_option("--threads", *compile_threads, "threads (default: one per core)");
  c->callback([run, compile_model, compile_threads] {
    *run = [compile_model, compile_threads] { return RunCompile(*compile_model, *compile_threads); };
  });

  auto info_model = std::make_shared<std::string>();
  auto info_json = std::make_shared<bool>(false);
  CLI::App* i = model->add_subcommand("info", "describe a model and check that it loads");
  i->add_option("model", *info_model, "model directory or lexicon file");
  i->add_flag("--json", *info_json, "one line of JSON");
  auto lookup_model = std::make_shared<std::string>();
  auto lookup_phrase = std::make_shared<std::string>();
  CLI::App* l = model->add_subcommand("lookup", "show a word's synonyms, originals and forms");
  l->add_option("phrase", *lookup_phrase, "word or phrase")->required();
  l->add_option("--model", *lookup_model, "model directory");
  l->callback([run, lookup_model, lookup_phrase] {
    *run = [lookup_model, lookup_phrase] { return RunLookup(*lookup_model, *lookup_phrase); };
  });

  i->callback([run, info_model, info_json] {
    *run = [info_model, info_json] { return RunInfo(*info_model, *info_json); };
  });
}

}  // namespace unspin::cli
