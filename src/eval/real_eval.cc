#include "eval/real_eval.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <unordered_map>

#include "decoder/learn.h"
#include "decoder/suggest.h"
#include "eval/metrics.h"
#include "eval/score_fit.h"
#include "text/case.h"
#include "text/tokenizer.h"
#include "trace/index.h"
#include "util/file_io.h"
#include "util/parallel.h"
#include "util/strings.h"

namespace unspin {

namespace {

constexpr const char* kLearnedDecoder = "learned pairs";
constexpr const char* kThesaurusDecoder = "thesaurus only";
// Where a phrase stands when `detect` is asked about it in clean text.
constexpr const char* kCarrierBefore = "The results obtained with the ";
constexpr const char* kCarrierAfter = " are discussed in the next section.";

// Tokens of `text` lower-cased with plain apostrophes, joined by spaces:
// restorations are compared on these.
std::string TokenKeys(std::string_view text) {
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  std::string out;
  for (const Token& t : tokens) {
    if (!out.empty()) out.push_back(' ');
    AppendLower(t.Text(text), &out);
  }
  NormalizeApostrophes(&out);
  return out;
}

uint64_t CountWords(std::string_view text) {
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  uint64_t n = 0;
  for (const Token& t : tokens) n += t.kind == TokenKind::kWord || t.kind == TokenKind::kNumber;
  return n;
}


struct DocStats {
  std::string spinner;
  uint64_t words = 0;
  uint64_t swaps = 0, detected = 0, restored = 0, deletions = 0;
  uint64_t clean_words = 0, clean_changed = 0, predicted = 0, predicted_true = 0;
  double spun_score = 0, original_score = 0;
  bool spun_flagged = false, original_flagged = false;
  // The screen (decoder/screen.h): whether it passes each version on.
  bool spun_screen_pass = false, original_screen_pass = false;
};

// How trace did on one spun copy, queried one way.
struct TraceOutcome {
  bool found = false, unmatched = false;
  double similarity = 0;  // of the original's match, where found
};

// Each fold's trace: an index of the distractors and the distinct
// originals made with the fold model's lexicon, and its copies traced as
// written and with their restoration. `originals` maps an original's text
// to its id in the index.
Status TraceFold(const Model& model, const std::string& dir, const std::vector<EvalDoc>& distractors,
                 const std::vector<DocumentPair>& docs, const std::vector<size_t>& measured,
                 const std::vector<std::string>& restored, double threshold, uint64_t* indexed,
                 std::vector<TraceOutcome>* as_written, std::vector<TraceOutcome>* with_restoration) {
  ASSIGN_OR_RETURN(auto index, TraceIndex::Open(dir, model.lexicon(), TraceIndex::kCreate));
  std::vector<IndexDoc> batch;
  batch.reserve(distractors.size());
  for (const EvalDoc& d : distractors) batch.push_back({d.id, d.text});
  std::unordered_map<std::string, std::string> original_id;  // text -> id in the index
  for (const DocumentPair& d : docs) {
    if (original_id.emplace(d.original, "original:" + d.id).second) batch.push_back({"original:" + d.id, d.original});
  }
  AddReport report;
  RETURN_IF_ERROR(index->Add(batch, &report));
  if (!report.refused.empty()) {
    return InvalidInputError("trace distractors: " + report.refused.front().second + " (ids must be unique)");
  }
  *indexed = report.added;
  TraceQueryOptions options;
  options.max_results = 1;
  options.threshold = threshold;
  options.max_evidence = 0;
  for (size_t i : measured) {
    const std::string& expected = original_id.at(docs[i].original);
    for (bool restore : {false, true}) {
      options.restored = restore ? std::string_view(restored[i]) : std::string_view();
      ASSIGN_OR_RETURN(auto matches, index->Query(docs[i].spun, options));
      TraceOutcome& o = (restore ? *with_restoration : *as_written)[i];
      o.unmatched = matches.empty();
      o.found = !matches.empty() && matches[0].id == expected;
      if (o.found) o.similarity = std::max(matches[0].similarity, matches[0].restored_similarity);
    }
  }
  return OkStatus();
}

// Whether the decoder's spans restore `swap` exactly: the spans that touch
// it, applied to the spun text they cover, give the original there (with
// the same words the spans took in beside it on both sides).
bool Restores(std::string_view spun, const DocumentSwap& swap, const std::vector<RestoredSpan>& spans) {
  uint64_t begin = swap.spun_begin, end = swap.spun_end;
  for (bool grew = true; grew;) {
    grew = false;
    for (const RestoredSpan& s : spans) {
      if (!SpansOverlap(s.begin, s.end, begin, end)) continue;
      if (s.begin < begin || s.end > end) {
        begin = std::min(begin, s.begin);
        end = std::max(end, s.end);
        grew = true;
      }
    }
  }
  std::string restored;
  uint64_t at = begin;
  bool touched = false;
  for (const RestoredSpan& s : spans) {
    if (s.begin < begin || s.end > end) continue;
    restored.append(spun.substr(at, s.begin - at));
    restored.append(" " + s.original + " ");
    at = s.end;
    touched = true;
  }
  if (!touched) return false;
  restored.append(spun.substr(at, end - at));
  const std::string expected = std::string(spun.substr(begin, swap.spun_begin - begin)) + " " + swap.original +
                               " " + std::string(spun.substr(swap.spun_end, end - swap.spun_end));
  return TokenKeys(restored) == TokenKeys(expected);
}

// The originals of the spans touching [begin, end), space-joined.
std::string SpanOriginals(const std::vector<RestoredSpan>& spans, uint64_t begin, uint64_t end) {
  std::string out;
  for (const RestoredSpan& p : spans) {
    if (!SpansOverlap(p.begin, p.end, begin, end)) continue;
    if (!out.empty()) out += ' ';
    out += p.original;
  }
  return out;
}

// `keys` and `learned` (the measuring model's table, if any) give each
// outcome's learned count.
DocStats ScoreDocument(const DocumentPair& pair, const DecodeResult& spun, const DecodeResult& original,
                       const Learner& keys, const LearnedPairs* learned, std::vector<RealSwapOutcome>* outcomes) {
  DocStats s;
  s.spinner = pair.profile;
  s.words = spun.words;
  std::vector<DocumentSwap> swaps;
  for (DocumentSwap& d : AlignedSwaps(pair.original, pair.spun)) {
    if (d.kind == DocumentSwap::kDeletion) {
      ++s.deletions;
    } else {
      swaps.push_back(std::move(d));
    }
  }
  s.swaps = swaps.size();
  uint64_t swapped_words = 0;
  for (const DocumentSwap& d : swaps) {
    swapped_words += d.spun_words;
    bool detected = false;
    for (const RestoredSpan& p : spun.spans) detected |= SpansOverlap(p.begin, p.end, d.spun_begin, d.spun_end);
    const bool restored = detected && Restores(pair.spun, d, spun.spans);
    s.detected += detected;
    s.restored += restored;
    if (outcomes) {
      const Learner::WordPair key = keys.PairKey(d.original, d.spun);
      const uint32_t count =
          learned != nullptr && !key.original.empty() ? learned->Count(key.original, key.substitute) : 0;
      outcomes->push_back({pair.id, d.spun, d.original, SpanOriginals(spun.spans, d.spun_begin, d.spun_end),
                           restored   ? RealSwapOutcome::kRestored
                           : detected ? RealSwapOutcome::kDetected
                                      : RealSwapOutcome::kMissed,
                           count});
    }
  }
  s.clean_words = spun.words - std::min(spun.words, swapped_words);
  for (const RestoredSpan& p : spun.spans) {
    ++s.predicted;
    bool hit = false;
    for (const DocumentSwap& d : swaps) hit |= SpansOverlap(p.begin, p.end, d.spun_begin, d.spun_end);
    s.predicted_true += hit;
    if (hit) continue;
    s.clean_changed += CountWords(p.text);
    if (outcomes) outcomes->push_back({pair.id, p.text, "", p.original, RealSwapOutcome::kCleanChanged, 0});
  }
  s.spun_score = spun.log_odds;
  s.original_score = original.log_odds;
  s.spun_flagged = spun.spun;
  s.original_flagged = original.spun;
  return s;
}

RealDocFigures SumUp(const std::string& decoder, const std::string& spinner, const std::vector<DocStats>& stats,
                     uint64_t long_words) {
  RealDocFigures f;
  f.decoder = decoder;
  f.spinner = spinner;
  std::vector<double> neg, pos, neg_long, pos_long;
  uint64_t originals_flagged = 0, spun_flagged = 0;
  for (const DocStats& s : stats) {
    if (spinner != "all" && s.spinner != spinner) continue;
    ++f.docs;
    f.words += s.words;
    f.swaps += s.swaps;
    f.detected += s.detected;
    f.restored += s.restored;
    f.deletions += s.deletions;
    f.clean_words += s.clean_words;
    f.clean_changed += s.clean_changed;
    f.predicted += s.predicted;
    f.predicted_true += s.predicted_true;
    neg.push_back(s.original_score);
    pos.push_back(s.spun_score);
    if (s.words >= long_words) {
      ++f.long_docs;
      neg_long.push_back(s.original_score);
      pos_long.push_back(s.spun_score);
    }
    originals_flagged += s.original_flagged;
    spun_flagged += s.spun_flagged;
    f.flagged += s.original_flagged + s.spun_flagged;
    f.screen_passed_flagged += (s.original_flagged && s.original_screen_pass) + (s.spun_flagged && s.spun_screen_pass);
    f.originals_cleared += !s.original_screen_pass;
  }
  f.auroc = Auroc(neg, pos);
  f.auroc_long = Auroc(neg_long, pos_long);
  if (f.docs > 0) {
    f.originals_flagged = static_cast<double>(originals_flagged) / static_cast<double>(f.docs);
    f.spun_flagged = static_cast<double>(spun_flagged) / static_cast<double>(f.docs);
  }
  return f;
}

Status MakeDir(const std::string& dir) {
  if (IsDirectory(dir) || ::mkdir(dir.c_str(), 0755) == 0) return OkStatus();
  return IoError("cannot create directory " + dir);
}

// A model whose lexicon's learned source and channel come from `pairs` only.
Result<std::unique_ptr<Model>> FoldModel(const Model& base, const std::string& model_dir, const LearnedPairs& pairs,
                                         const RealEvalOptions& options, const std::string& dir) {
  RETURN_IF_ERROR(MakeDir(dir));
  DefaultLexiconPaths paths = options.paths;
  paths.learned = dir + "/learned_pairs.tsv";
  RETURN_IF_ERROR(pairs.Save(paths.learned, {"learned by unspin eval real for one fold"}));
  LexiconBuildReport report;
  RETURN_IF_ERROR(BuildDefaultLexicon(paths, dir + "/lexicon.bin", &report));
  ASSIGN_OR_RETURN(Lexicon lexicon, Lexicon::Open(dir + "/lexicon.bin"));
  ASSIGN_OR_RETURN(LanguageModel lm, LanguageModel::Open(model_dir + "/lm.bin"));
  auto model = std::make_unique<Model>(std::move(lexicon), std::move(lm), WithoutLearned(base.channel()));
  model->set_channel(LearnedChannel(model->channel(), pairs, model->lexicon(), model->lm()));
  model->set_learned(std::make_unique<LearnedPairs>(pairs));
  return model;
}

std::string PhraseKey(std::string_view text) { return TokenKeys(text); }

struct PhraseStats {
  bool top1 = false, top5 = false, flagged = false;
};

PhraseStats ScorePhrase(const PhrasePair& p, Suggester* suggester, Decoder* decoder) {
  PhraseStats s;
  std::vector<Suggestion> suggestions;
  if (suggester->Suggest(p.spun, "", 5, &suggestions).ok()) {
    const std::string want = PhraseKey(p.original);
    for (size_t k = 0; k < suggestions.size(); ++k) {
      if (PhraseKey(suggestions[k].original) != want) continue;
      s.top1 |= k == 0;
      s.top5 = true;
    }
  }
  const std::string text = kCarrierBefore + p.spun + kCarrierAfter;
  const uint64_t begin = std::string_view(kCarrierBefore).size(), end = begin + p.spun.size();
  DecodeResult r;
  decoder->Decode(text, &r);
  for (const RestoredSpan& span : r.spans) s.flagged |= SpansOverlap(span.begin, span.end, begin, end);
  return s;
}

// A paper with planted phrases, in its three versions (RealPaperFigures).
struct PaperCase {
  std::string spun, quoted, original;
  std::vector<std::pair<uint64_t, uint64_t>> quoted_ranges;  // the planted phrases in `quoted`
};

struct PaperStats {
  bool spun_flagged = false, quoted_flagged = false, original_flagged = false;
  uint64_t words = 0, listed_found = 0, quoted_marked = 0;
};

// Clean documents joined, in order, into papers of at least `words` words
// (paragraphs kept); a last short one is left out.
std::vector<std::vector<std::string>> JoinPapers(const std::vector<EvalDoc>& docs, uint64_t words) {
  std::vector<std::vector<std::string>> papers;
  std::vector<std::string> paragraphs;
  uint64_t have = 0;
  for (const EvalDoc& d : docs) {
    for (const std::string& p : Split(d.text, '\n')) {
      if (p.find_first_not_of(" \t\r") != std::string::npos) paragraphs.push_back(p);
    }
    have += CountWords(d.text);
    if (have < words) continue;
    papers.push_back(std::move(paragraphs));
    paragraphs.clear();
    have = 0;
  }
  return papers;
}

// Plants each phrase pair in a sentence of its own at the end of
// paragraphs spread evenly through the paper.
PaperCase PlantPhrases(const std::vector<std::string>& paragraphs, const std::vector<const PhrasePair*>& phrases) {
  static constexpr const char* kCarriers[][2] = {{"In this work the ", " was used throughout."},
                                                 {"We also examined the ", " in detail."},
                                                 {"The role of the ", " is discussed below."},
                                                 {"Finally, the ", " was evaluated on the same data."}};
  PaperCase c;
  size_t next = 0;
  for (size_t k = 0; k < paragraphs.size(); ++k) {
    if (k > 0) {
      c.spun += "\n\n";
      c.quoted += "\n\n";
      c.original += "\n\n";
    }
    c.spun += paragraphs[k];
    c.quoted += paragraphs[k];
    c.original += paragraphs[k];
    // Paragraph k takes phrase `next` once k reaches its share of the paper.
    while (next < phrases.size() && (k + 1) * (phrases.size() + 1) > (next + 1) * paragraphs.size()) {
      const auto& carrier = kCarriers[next % std::size(kCarriers)];
      c.spun += std::string(" ") + carrier[0] + phrases[next]->spun + carrier[1];
      c.quoted += std::string(" ") + carrier[0] + "\"";
      const uint64_t begin = c.quoted.size();
      c.quoted += phrases[next]->spun;
      c.quoted_ranges.emplace_back(begin, c.quoted.size());
      c.quoted += std::string("\"") + carrier[1];
      c.original += std::string(" ") + carrier[0] + phrases[next]->original + carrier[1];
      ++next;
    }
  }
  return c;
}

PaperStats ScorePaper(const PaperCase& c, Decoder* decoder) {
  PaperStats s;
  DecodeResult r;
  decoder->DecodeDocument(c.spun, &r);
  s.spun_flagged = r.spun;
  s.words = r.words;
  s.listed_found = r.listed_phrases;
  decoder->DecodeDocument(c.quoted, &r);
  s.quoted_flagged = r.spun;
  for (const auto& [begin, end] : c.quoted_ranges) {
    bool marked = false;
    for (const RestoredSpan& span : r.spans) marked |= span.quoted && SpansOverlap(span.begin, span.end, begin, end);
    s.quoted_marked += marked;
  }
  decoder->DecodeDocument(c.original, &r);
  s.original_flagged = r.spun;
  return s;
}

}  // namespace

Result<RealEvalReport> RunRealEval(const Model& model, const std::string& model_dir,
                                   const std::vector<DocumentPair>& input_docs,
                                   const std::vector<PhrasePair>& phrases, const RealEvalOptions& options) {
  std::vector<DocumentPair> docs = input_docs;
  for (DocumentPair& d : docs) {
    if (d.profile.empty()) d.profile = options.default_profile;
  }
  const uint32_t folds = std::max<uint32_t>(options.folds, 1);
  RealEvalReport report;
  if (options.folds == 0) {
    // The model as it is: refuse what it learned from.
    size_t seen_docs = 0, seen_phrases = 0;
    if (const LearnedPairs* learned = model.learned()) {
      for (const DocumentPair& d : docs) seen_docs += learned->LearnedFromUnit("doc", DocumentSplitKey(d));
      for (const PhrasePair& p : phrases) seen_phrases += learned->LearnedFromUnit("phrase", PhraseSplitKey(p));
    }
    if (seen_docs + seen_phrases > 0) {
      return InvalidInputError("the model learned from " + std::to_string(seen_docs) + " of these documents and " +
                               std::to_string(seen_phrases) +
                               " of these phrases; measure on units it did not learn from, or cross-validate "
                               "with --folds");
    }
    report.measured = "every unit given, none of which the model learned from";
  } else {
    report.measured = "every unit given, by " + std::to_string(folds) +
                      "-fold cross-validation: each fold measured by a model that learned only from the others "
                      "(documents split by their original's text, phrases by their spun side)";
  }

  std::vector<DocStats> learned_stats(docs.size()), thesaurus_stats(docs.size());
  std::vector<PhraseStats> learned_phrases(phrases.size()), thesaurus_phrases(phrases.size());
  std::vector<bool> list_hit(phrases.size(), false);
  const bool trace = !options.trace_distractors.empty() && !docs.empty();
  std::vector<std::string> restored_spun(docs.size());  // by the learned channel
  std::vector<std::vector<RealSwapOutcome>> swap_outcomes(docs.size());
  std::vector<TraceOutcome> traced_as_written(docs.size()), traced_restored(docs.size());
  uint64_t trace_indexed = 0;
  const int threads = std::max(1, options.threads);
  const std::vector<std::vector<std::string>> clean_papers =
      phrases.empty() ? std::vector<std::vector<std::string>>() : JoinPapers(options.paper_docs, options.paper_words);
  const uint32_t per_paper = std::max<uint32_t>(options.phrases_per_paper, 1);
  std::vector<PaperStats> learned_papers, thesaurus_papers;

  // Each fold: what it measures, what it learned from, and its model.
  struct Fold {
    std::vector<size_t> doc_ids, phrase_ids;
    std::vector<DocumentPair> train_docs, test_docs;
    std::vector<PhrasePair> train_phrases;
    std::unique_ptr<Model> owned;
    const Model* model = nullptr;
    std::unordered_map<std::string, std::string> list;  // the list lookup: spun phrase -> original
    std::vector<ScoreExample> synthetic, held_out;     // score examples decoded by this fold's model
  };
  std::vector<Fold> fold_parts(folds);
  for (uint32_t fold = 0; fold < folds; ++fold) {
    Fold& part = fold_parts[fold];
    for (size_t i = 0; i < docs.size(); ++i) {
      if (options.folds == 0 || FoldOf(DocumentSplitKey(docs[i]), folds) == fold) {
        part.doc_ids.push_back(i);
        part.test_docs.push_back(docs[i]);
      } else {
        part.train_docs.push_back(docs[i]);
      }
    }
    for (size_t i = 0; i < phrases.size(); ++i) {
      if (options.folds == 0 || FoldOf(PhraseSplitKey(phrases[i]), folds) == fold) {
        part.phrase_ids.push_back(i);
      } else {
        part.train_phrases.push_back(phrases[i]);
      }
    }
    part.model = &model;
    if (options.folds == 0) {
      if (const LearnedPairs* learned = model.learned()) {
        for (const LearnedPair& p : learned->pairs()) {
          if (p.kind == LearnedKind::kPhrase) part.list.emplace(p.substitute, p.original);
        }
      }
      continue;
    }
    Learner learner(model.lexicon());
    learner.AddDocuments(part.train_docs, options.default_profile);
    learner.AddPhrases(part.train_phrases, options.phrase_profile);
    if (options.log) {
      options.log("fold " + std::to_string(fold + 1) + " of " + std::to_string(folds) + ": learned " +
                  std::to_string(learner.pairs().size()) + " pairs from " + std::to_string(part.train_docs.size()) +
                  " documents and " + std::to_string(part.train_phrases.size()) + " phrases; measuring " +
                  std::to_string(part.doc_ids.size()) + " documents and " + std::to_string(part.phrase_ids.size()) +
                  " phrases");
    }
    ASSIGN_OR_RETURN(part.owned, FoldModel(model, model_dir, learner.pairs(), options,
                                           options.work_dir + "/fold-" + std::to_string(fold)));
    part.model = part.owned.get();
    for (const PhrasePair& p : part.train_phrases) part.list.emplace(PhraseKey(p.spun), PhraseKey(p.original));
  }

  // The scores are fitted on examples that no model learned from: each
  // fold's documents decoded by its own model (cross-fitting), beside the
  // synthetic documents. Fold k's fit leaves out fold k's examples.
  const bool fit = options.folds > 0 && options.fit_calibration;
  if (fit) {
    for (Fold& part : fold_parts) {
      part.held_out = RealScoreExamples(*part.model, part.model->channel(), part.test_docs, threads);
      if (!options.synthetic_docs.empty()) {
        part.synthetic =
            SyntheticScoreExamples(*part.model, part.model->channel(), options.synthetic_docs,
                                   options.synthetic_profiles, options.synthetic_rates, options.seed, threads);
      }
    }
  }
  auto fit_scores = [&](const ChannelParams& channel, const std::vector<ScoreExample>& synthetic, int leave_out,
                        const std::string& description) {
    std::vector<ScoreExample> real;
    for (size_t j = 0; j < fold_parts.size(); ++j) {
      if (static_cast<int>(j) == leave_out) continue;
      real.insert(real.end(), fold_parts[j].held_out.begin(), fold_parts[j].held_out.end());
    }
    ScoreFitOptions fit_options;
    fit_options.real_share = options.synthetic_docs.empty() ? 1.0 : options.real_share;
    fit_options.calibration_l2 = 0.01;
    return FitScores(channel, synthetic, real, fit_options, description);
  };
  const std::string synthetic_description =
      options.synthetic_docs.empty() ? std::string()
                                     : " and " + std::to_string(options.synthetic_docs.size()) + " " +
                                           options.synthetic_description;

  for (uint32_t fold = 0; fold < folds; ++fold) {
    Fold& part = fold_parts[fold];
    ChannelParams learned_channel = part.model->channel();
    const ChannelParams thesaurus_channel = WithoutLearned(learned_channel);
    if (fit) {
      // The routed scores: those of documents decoded with the learned
      // pairs. The others keep the model's own.
      const ChannelParams fitted =
          fit_scores(learned_channel, part.synthetic, static_cast<int>(fold),
                     "the other folds' document pairs, each decoded by a model that did not learn from it" +
                         synthetic_description);
      learned_channel.routed_calibration = fitted.calibration;
      learned_channel.routed_span_model = fitted.span_model;
      learned_channel.has_routed_scores = true;
      if (options.log) {
        const Calibration& c = fitted.calibration;
        options.log("fold " + std::to_string(fold + 1) + ": document score bias " + Fixed(c.bias, 3) + ", gain " +
                    Fixed(c.gain, 3) + ", density " + Fixed(c.density, 3) + ", length " + Fixed(c.length, 3) +
                    ", ratio " + Fixed(c.ratio, 3));
      }
    }
    const Model* fold_model = part.model;
    const std::vector<size_t>& doc_ids = part.doc_ids;
    const std::vector<size_t>& phrase_ids = part.phrase_ids;
    // This fold's papers, each with the next per_paper of its measured phrases.
    std::vector<PaperCase> papers;
    for (size_t k = 0; k < clean_papers.size() && (k + 1) * per_paper <= phrase_ids.size() &&
                       (options.max_papers == 0 || k < options.max_papers);
         ++k) {
      std::vector<const PhrasePair*> planted;
      for (size_t j = 0; j < per_paper; ++j) planted.push_back(&phrases[phrase_ids[k * per_paper + j]]);
      papers.push_back(PlantPhrases(clean_papers[k], planted));
    }
    const Learner pair_keys(model.lexicon());  // the lexicon the folds learned with
    for (const ChannelParams* channel : {static_cast<const ChannelParams*>(&learned_channel), &thesaurus_channel}) {
      const bool learned = channel == &learned_channel;
      std::vector<std::unique_ptr<Decoder>> decoders(static_cast<size_t>(threads));
      std::vector<std::unique_ptr<Suggester>> suggesters(static_cast<size_t>(threads));
      ParallelFor(doc_ids.size() + phrase_ids.size(), threads, nullptr, [&](int t, size_t k) {
        auto& decoder = decoders[static_cast<size_t>(t)];
        if (!decoder) {
          decoder = std::make_unique<Decoder>(*fold_model);
          decoder->set_channel(*channel);
        }
        if (k < doc_ids.size()) {
          const DocumentPair& d = docs[doc_ids[k]];
          DecodeResult spun, original;
          decoder->DecodeDocument(d.spun, &spun);
          decoder->DecodeDocument(d.original, &original);
          DocStats& stats = (learned ? learned_stats : thesaurus_stats)[doc_ids[k]];
          stats = ScoreDocument(d, spun, original, pair_keys, fold_model->learned(),
                                learned && options.keep_swaps ? &swap_outcomes[doc_ids[k]] : nullptr);
          ScreenResult screen;
          decoder->ScreenDocument(d.spun, &screen);
          stats.spun_screen_pass = screen.pass;
          decoder->ScreenDocument(d.original, &screen);
          stats.original_screen_pass = screen.pass;
          if (learned) restored_spun[doc_ids[k]] = std::move(spun.restored);
          return;
        }
        auto& suggester = suggesters[static_cast<size_t>(t)];
        if (!suggester) {
          suggester = std::make_unique<Suggester>(*fold_model);
          suggester->set_channel(*channel);
        }
        const size_t i = phrase_ids[k - doc_ids.size()];
        (learned ? learned_phrases : thesaurus_phrases)[i] = ScorePhrase(phrases[i], suggester.get(), decoder.get());
      });
      std::vector<PaperStats> paper_stats(papers.size());
      ParallelFor(papers.size(), threads, nullptr, [&](int t, size_t k) {
        auto& decoder = decoders[static_cast<size_t>(t)];
        if (!decoder) {
          decoder = std::make_unique<Decoder>(*fold_model);
          decoder->set_channel(*channel);
        }
        paper_stats[k] = ScorePaper(papers[k], decoder.get());
      });
      auto& all = learned ? learned_papers : thesaurus_papers;
      all.insert(all.end(), paper_stats.begin(), paper_stats.end());
    }
    if (trace) {
      const std::string dir = options.work_dir + "/trace-" + std::to_string(fold);
      if (options.log) options.log("fold " + std::to_string(fold + 1) + ": tracing its copies");
      RETURN_IF_ERROR(TraceFold(*fold_model, dir, options.trace_distractors, docs, doc_ids, restored_spun,
                                options.trace_threshold, &trace_indexed, &traced_as_written, &traced_restored));
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
    for (size_t i : phrase_ids) {
      auto it = part.list.find(PhraseKey(phrases[i].spun));
      list_hit[i] = it != part.list.end() && it->second == PhraseKey(phrases[i].original);
    }
  }
  if (fit) {
    // The channel to ship: every fold's held-out examples, and the
    // synthetic documents decoded by the model as given.
    std::vector<ScoreExample> synthetic;
    if (!options.synthetic_docs.empty()) {
      synthetic = SyntheticScoreExamples(model, model.channel(), options.synthetic_docs,
                                         options.synthetic_profiles, options.synthetic_rates, options.seed, threads);
    }
    const ChannelParams fitted = fit_scores(model.channel(), synthetic, -1,
                                            std::to_string(docs.size()) + " real document pairs, each decoded by a "
                                            "model that did not learn from it (" + std::to_string(folds) +
                                            " folds)" + synthetic_description);
    report.fitted_channel = WithoutLearned(model.channel());
    report.fitted_channel.routed_calibration = fitted.calibration;
    report.fitted_channel.routed_span_model = fitted.span_model;
    report.fitted_channel.has_routed_scores = true;
    report.has_fitted_channel = true;
  }

  // The groups figures are given for: every document, then each spinner.
  std::vector<std::string> spinners = {"all"};
  for (const DocumentPair& d : docs) {
    if (std::find(spinners.begin(), spinners.end(), d.profile) == spinners.end()) spinners.push_back(d.profile);
  }
  std::sort(spinners.begin() + 1, spinners.end());
  for (auto& outcomes : swap_outcomes) {
    std::move(outcomes.begin(), outcomes.end(), std::back_inserter(report.swaps));
  }
  if (!docs.empty()) {
    for (const std::string& s : spinners) {
      report.docs.push_back(SumUp(kLearnedDecoder, s, learned_stats, options.long_words));
      report.docs.push_back(SumUp(kThesaurusDecoder, s, thesaurus_stats, options.long_words));
    }
  }
  if (trace) {
    for (const std::string& spinner : spinners) {
      for (bool restore : {true, false}) {
        RealTraceFigures f;
        f.method = restore ? "with restoration" : "as written";
        f.spinner = spinner;
        f.indexed = trace_indexed;
        for (size_t i = 0; i < docs.size(); ++i) {
          if (spinner != "all" && docs[i].profile != spinner) continue;
          const TraceOutcome& o = (restore ? traced_restored : traced_as_written)[i];
          ++f.copies;
          f.found += o.found;
          f.unmatched += o.unmatched;
          f.similarity_sum += o.similarity;
        }
        report.traces.push_back(f);
      }
    }
  }
  if (!learned_papers.empty()) {
    for (const auto* stats : {&learned_papers, &thesaurus_papers}) {
      RealPaperFigures f;
      f.decoder = stats == &learned_papers ? kLearnedDecoder : kThesaurusDecoder;
      for (const PaperStats& s : *stats) {
        ++f.papers;
        f.words += s.words;
        f.planted += per_paper;
        f.spun_flagged += s.spun_flagged;
        f.quoted_flagged += s.quoted_flagged;
        f.original_flagged += s.original_flagged;
        f.listed_found += s.listed_found;
        f.quoted_marked += s.quoted_marked;
      }
      report.papers.push_back(f);
    }
  }
  if (!phrases.empty()) {
    auto sum = [&](const std::string& method, const std::vector<PhraseStats>& stats) {
      RealPhraseFigures f;
      f.method = method;
      for (const PhraseStats& s : stats) {
        ++f.phrases;
        f.top1 += s.top1;
        f.top5 += s.top5;
        f.flagged += s.flagged;
      }
      return f;
    };
    report.phrases.push_back(sum(std::string("suggest, ") + kLearnedDecoder, learned_phrases));
    report.phrases.push_back(sum(std::string("suggest, ") + kThesaurusDecoder, thesaurus_phrases));
    RealPhraseFigures lookup;
    lookup.method = "list lookup (exact match against the phrases learned from)";
    lookup.phrases = phrases.size();
    for (bool hit : list_hit) lookup.top1 += hit, lookup.top5 += hit;
    report.phrases.push_back(lookup);
  }
  return report;
}

const char* RealSwapOutcome::KindName(Kind kind) {
  switch (kind) {
    case kRestored: return "restored";
    case kDetected: return "detected";
    case kMissed: return "missed";
    case kCleanChanged: return "clean changed";
  }
  return "";
}

nlohmann::json RealSwapOutcome::ToJson() const {
  nlohmann::json j = {{"id", id}, {"outcome", KindName(kind)}, {"spun", spun}};
  if (kind != kCleanChanged) {
    j["original"] = original;
    j["learned"] = learned;
  }
  if (!restored.empty()) j["restored"] = restored;
  return j;
}

nlohmann::json RealEvalReport::ToJson() const {
  nlohmann::json j;
  j["measured"] = measured;
  j["documents"] = nlohmann::json::array();
  for (const RealDocFigures& f : docs) {
    j["documents"].push_back({{"decoder", f.decoder},
                              {"spinner", f.spinner},
                              {"docs", f.docs},
                              {"long_docs", f.long_docs},
                              {"words", f.words},
                              {"swaps", f.swaps},
                              {"deletions", f.deletions},
                              {"restored", f.Restored()},
                              {"clean_words_changed", f.CleanChanged()},
                              {"span_precision", f.Precision()},
                              {"span_recall", f.Recall()},
                              {"auroc", f.auroc},
                              {"auroc_long", f.auroc_long},
                              {"originals_called_spun", f.originals_flagged},
                              {"spun_called_spun", f.spun_flagged},
                              {"called_spun", f.flagged},
                              {"screen_passed_of_called_spun", f.screen_passed_flagged},
                              {"originals_screen_cleared", f.originals_cleared}});
  }
  j["phrases"] = nlohmann::json::array();
  for (const RealPhraseFigures& f : phrases) {
    auto share = [&](uint64_t n) { return f.phrases ? static_cast<double>(n) / static_cast<double>(f.phrases) : 0; };
    j["phrases"].push_back({{"method", f.method},
                            {"phrases", f.phrases},
                            {"top1", share(f.top1)},
                            {"top5", share(f.top5)},
                            {"flagged_in_sentence", share(f.flagged)}});
  }
  j["traces"] = nlohmann::json::array();
  for (const RealTraceFigures& f : traces) {
    j["traces"].push_back({{"method", f.method},
                           {"spinner", f.spinner},
                           {"copies", f.copies},
                           {"found_top1", f.found},
                           {"unmatched", f.unmatched},
                           {"indexed", f.indexed},
                           {"found_similarity_mean", f.found ? f.similarity_sum / static_cast<double>(f.found) : 0}});
  }
  j["papers"] = nlohmann::json::array();
  for (const RealPaperFigures& f : papers) {
    auto share = [&](uint64_t n) { return f.papers ? static_cast<double>(n) / static_cast<double>(f.papers) : 0; };
    j["papers"].push_back(
        {{"decoder", f.decoder},
         {"papers", f.papers},
         {"words", f.words},
         {"planted", f.planted},
         {"called_spun", share(f.spun_flagged)},
         {"quoted_called_spun", share(f.quoted_flagged)},
         {"original_called_spun", share(f.original_flagged)},
         {"listed_found_per_paper", share(f.listed_found)},
         {"quoted_marked", f.planted ? static_cast<double>(f.quoted_marked) / static_cast<double>(f.planted) : 0}});
  }
  return j;
}

std::string RealEvalReport::ToMarkdown() const {
  std::string md = "Measured: " + measured + ".\n\n";
  if (!docs.empty()) {
    md += "| spinner | decoder | docs | swaps | restored % | clean words changed % | span precision % | "
          "span recall % | AUROC | AUROC, 150+ words (docs) | originals called spun % | spun called spun % |\n";
    md += "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    for (const RealDocFigures& f : docs) {
      md += "| " + f.spinner + " | " + f.decoder + " | " + std::to_string(f.docs) + " | " + std::to_string(f.swaps) +
            " | " + Percent(f.Restored()) + " | " + Percent(f.CleanChanged()) + " | " + Percent(f.Precision()) +
            " | " + Percent(f.Recall()) + " | " + Fixed(f.auroc, 3) + " | " + Fixed(f.auroc_long, 3) + " (" +
            std::to_string(f.long_docs) + ") | " + Percent(f.originals_flagged) + " | " + Percent(f.spun_flagged) +
            " |\n";
    }
    md += "\nThe screen (unspin screen), versions of either kind: of those the decoder calls spun, how many it passes "
          "on; and the originals it clears:\n\n";
    md += "| spinner | decoder | called spun | passed on by the screen | originals cleared |\n| --- | --- | ---: | ---: | ---: |\n";
    for (const RealDocFigures& f : docs) {
      md += "| " + f.spinner + " | " + f.decoder + " | " + std::to_string(f.flagged) + " | " +
            std::to_string(f.screen_passed_flagged) + " | " + std::to_string(f.originals_cleared) + " of " +
            std::to_string(f.docs) + " |\n";
    }
    md += "\n";
  }
  if (!traces.empty()) {
    md += "Trace among " + std::to_string(traces.front().indexed) +
          " indexed documents (distractors and the distinct originals):\n\n";
    md += "| spinner | query | copies | original found at top 1 | no match at the threshold | similarity of the found |\n";
    md += "| --- | --- | ---: | ---: | ---: | ---: |\n";
    for (const RealTraceFigures& f : traces) {
      md += "| " + f.spinner + " | " + f.method + " | " + std::to_string(f.copies) + " | " + std::to_string(f.found) +
            " | " + std::to_string(f.unmatched) + " | " +
            (f.found ? Fixed(f.similarity_sum / static_cast<double>(f.found), 3) : std::string("-")) + " |\n";
    }
    md += "\n";
  }
  if (!papers.empty()) {
    const RealPaperFigures& first = papers.front();
    md += "Papers with tortured phrases: " + std::to_string(first.papers) + " papers of clean text (" +
          std::to_string(first.papers ? first.words / first.papers : 0) + " words on average), each with " +
          std::to_string(first.papers ? first.planted / first.papers : 0) +
          " measured phrases planted in sentences of their own:\n\n";
    md += "| decoder | called spun: phrases as written % | phrases in quotation marks % | the phrases they stand "
          "for % | listed phrases found per paper | quoted phrases marked quoted % |\n";
    md += "| --- | ---: | ---: | ---: | ---: | ---: |\n";
    for (const RealPaperFigures& f : papers) {
      auto share = [&](uint64_t n, uint64_t of) { return of ? static_cast<double>(n) / static_cast<double>(of) : 0; };
      md += "| " + f.decoder + " | " + Percent(share(f.spun_flagged, f.papers)) + " | " +
            Percent(share(f.quoted_flagged, f.papers)) + " | " + Percent(share(f.original_flagged, f.papers)) + " | " +
            Fixed(share(f.listed_found, f.papers), 2) + " | " + Percent(share(f.quoted_marked, f.planted)) + " |\n";
    }
    md += "\n";
  }
  if (!phrases.empty()) {
    md += "| phrases | method | top-1 % | top-5 % | flagged in a clean sentence % |\n";
    md += "| ---: | --- | ---: | ---: | ---: |\n";
    for (const RealPhraseFigures& f : phrases) {
      auto share = [&](uint64_t n) { return f.phrases ? static_cast<double>(n) / static_cast<double>(f.phrases) : 0; };
      const bool lookup = f.method.starts_with("list");
      md += "| " + std::to_string(f.phrases) + " | " + f.method + " | " + Percent(share(f.top1)) + " | " +
            Percent(share(f.top5)) + " | " + (lookup ? std::string("-") : Percent(share(f.flagged))) + " |\n";
    }
  }
  return md;
}

}  // namespace unspin
