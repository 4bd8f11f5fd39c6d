// unspin learn: a real spinner's dictionary from aligned document pairs and
// phrase lists, written as a learned pair table (data/learned_pairs.tsv).
#include <algorithm>
#include <cstdio>
#include <tuple>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "decoder/learn.h"
#include "io/real_data.h"
#include "util/file_io.h"
#include "util/strings.h"

namespace unspin::cli {

namespace {

struct LearnFlags {
  std::vector<std::string> pairs, phrases;
  std::string out;
  std::string model;
  std::string profile = "unknown";
  std::string phrase_profile = "tortured-phrases";
  std::string spinners;  // comma list; empty: all
  uint32_t folds = 0;
  uint32_t fold = 0;
  std::string pages;  // where to list the document pairs learned from
};

// One line per document pair learned from: spun page, original page,
// spinner, id (TSV, sorted), after a header that says what it is.
std::string PageList(std::vector<DocumentPair> docs, const std::vector<std::string>& comments) {
  std::sort(docs.begin(), docs.end(), [](const DocumentPair& a, const DocumentPair& b) {
    return std::tie(a.label, a.id) < std::tie(b.label, b.id);
  });
  std::string out = "# the pages unspin learn learned from: one document pair a line\n";
  for (const std::string& c : comments) out += "# " + c + "\n";
  out += "spun_page\toriginal_page\tspinner\tid\n";
  for (const DocumentPair& d : docs) {
    out += d.label + '\t' + (d.original_url.empty() ? "-" : d.original_url) + '\t' + d.profile + '\t' + d.id + '\n';
  }
  return out;
}

int RunLearn(const LearnFlags& f) {
  if (f.pairs.empty() && f.phrases.empty()) {
    return Fail(InvalidArgumentError("nothing to learn from: give --pairs FILE and/or --phrases FILE"), kExitUsage);
  }
  if (f.folds == 1 || (f.folds > 1 && f.fold >= f.folds)) {
    return Fail(InvalidArgumentError("--folds must be 0 (learn from everything) or 2 or more, with --fold below it"),
                kExitUsage);
  }
  auto lexicon = OpenModelLexicon(f.model);
  if (!lexicon.ok()) return Fail(lexicon.status().WithContext("loading model"), kExitModel);
  const std::vector<std::string> spinners = f.spinners.empty() ? std::vector<std::string>{} : Split(f.spinners, ',');
  auto held_out = [&](uint64_t key) { return f.folds > 1 && FoldOf(key, f.folds) == f.fold; };

  Learner learner(*lexicon);
  std::vector<DocumentPair> learned_docs;
  std::vector<std::string> comments = {"learned by unspin " UNSPIN_VERSION " learn from:"};
  for (const std::string& path : f.pairs) {
    auto docs = ReadDocumentPairs(path);
    if (!docs.ok()) return Fail(docs.status(), InputExitCode(docs.status()));
    std::vector<DocumentPair> kept;
    for (DocumentPair& d : *docs) {
      if (d.profile.empty()) d.profile = f.profile;
      if (!spinners.empty() && std::find(spinners.begin(), spinners.end(), d.profile) == spinners.end()) continue;
      if (held_out(DocumentSplitKey(d))) continue;
      kept.push_back(std::move(d));
    }
    comments.push_back("  " + path + ": " + std::to_string(kept.size()) + " of " + std::to_string(docs->size()) +
                       " document pairs");
    learner.AddDocuments(kept, f.profile);
    learned_docs.insert(learned_docs.end(), kept.begin(), kept.end());
  }
  for (const std::string& path : f.phrases) {
    auto phrases = ReadPhrasePairs(path);
    if (!phrases.ok()) return Fail(phrases.status(), InputExitCode(phrases.status()));
    std::vector<PhrasePair> kept;
    for (PhrasePair& p : *phrases) {
      if (!held_out(PhraseSplitKey(p))) kept.push_back(std::move(p));
    }
    comments.push_back("  " + path + ": " + std::to_string(kept.size()) + " of " +
                       std::to_string(phrases->size()) + " phrase pairs, profile " + f.phrase_profile);
    learner.AddPhrases(kept, f.phrase_profile);
  }
  if (f.folds > 1) {
    comments.push_back("  all but fold " + std::to_string(f.fold) + " of " + std::to_string(f.folds) +
                       " (units split by unspin's split key hash)");
  }
  if (!spinners.empty()) comments.push_back("  documents of spinners " + f.spinners + " only");
  const LearnReport& r = learner.report();
  comments.push_back("documents " + std::to_string(r.documents) + ", swaps " + std::to_string(r.swaps) + " (" +
                     std::to_string(r.swaps_learned) + " learned), insertions " + std::to_string(r.insertions) +
                     ", deletions " + std::to_string(r.deletions) + "; phrases " + std::to_string(r.phrases) + " (" +
                     std::to_string(r.phrases_learned) + " learned); word pairs " + std::to_string(r.word_pairs));
  if (f.out.empty() || f.out == "-") {
    std::fputs(learner.pairs().Serialize(comments).c_str(), stdout);
  } else if (Status s = learner.pairs().Save(f.out, comments); !s.ok()) {
    return Fail(s, kExitFailure);
  }
  if (!f.pages.empty()) {
    if (Status s = WriteFileAtomically(f.pages, PageList(learned_docs, comments)); !s.ok()) {
      return Fail(s, kExitFailure);
    }
  }
  std::fprintf(stderr, "unspin: learn: %zu pairs from %llu documents and %llu phrases%s%s\n",
               learner.pairs().size(), static_cast<unsigned long long>(r.documents),
               static_cast<unsigned long long>(r.phrases), f.out.empty() ? "" : " -> ", f.out.c_str());
  return kExitOk;
}

}  // namespace

void AddLearnCommand(CLI::App* app, Runner* run) {
  auto f = std::make_shared<LearnFlags>();
  CLI::App* c = app->add_subcommand("learn", "learn a real spinner's dictionary from aligned pairs and phrase lists");
  c->add_option("--pairs", f->pairs, "aligned document pairs, JSONL {\"id\",\"original\",\"spun\"[,\"spinner\"]}")
      ->take_all();
  c->add_option("--phrases", f->phrases, "phrase pairs, TSV spun<TAB>original")->take_all();
  c->add_option("--out,-o", f->out, "learned pair table to write (default: standard output)");
  c->add_option("--model", f->model, "model directory (its lexicon gives lemmas)");
  c->add_option("--profile", f->profile, "profile of document pairs without a \"spinner\"")->capture_default_str();
  c->add_option("--phrase-profile", f->phrase_profile, "profile of the phrase pairs")->capture_default_str();
  c->add_option("--spinners", f->spinners, "learn only from document pairs of these spinners (comma list)");
  c->add_option("--pages", f->pages,
                "also list the document pairs learned from here, a line each: spun page, original page, spinner, id");
  c->add_option("--folds", f->folds, "split units into this many folds by hash (0: learn from all)")
      ->capture_default_str();
  c->add_option("--fold", f->fold, "with --folds: the fold held out (not learned from)")->capture_default_str();
  c->callback([run, f] { *run = [f] { return RunLearn(*f); }; });
}

}  // namespace unspin::cli
