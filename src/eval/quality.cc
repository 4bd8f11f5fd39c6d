#include "eval/quality.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>

#include "eval/metrics.h"
#include "eval/score_fit.h"
#include "lexicon/inflect.h"
#include "spin/profile.h"
#include "spin/spinner.h"
#include "text/case.h"
#include "text/tokenizer.h"
#include "report/html.h"
#include "util/parallel.h"
#include "util/random.h"
#include "util/strings.h"

namespace unspin {

namespace {

int CountWords(std::string_view text) {
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  int n = 0;
  for (const Token& t : tokens) n += t.kind == TokenKind::kWord || t.kind == TokenKind::kNumber;
  return n;
}

// Document score of the perplexity baseline: the negated LM log-likelihood
// per word (higher = less likely English = more likely spun).
double BaselineScore(const DecodeResult& r) {
  return r.words == 0 ? 0 : -r.lm_log_likelihood / static_cast<double>(r.words);
}


// Whether the decoder's lexicon (`filter`) offers `original` for the
// observed phrase `spun` (both as written).
bool Reachable(const Lexicon& lexicon, const LexiconFilter& filter, std::string_view spun, std::string_view original,
               std::vector<OriginalCandidate>* scratch) {
  std::string observed = ToLower(spun), target = ToLower(original);
  for (std::string* s : {&observed, &target}) {
    NormalizeApostrophes(s);
    if (s->ends_with("'s")) s->resize(s->size() - 2);
  }
  OriginalCandidates(lexicon, Split(observed, ' '), filter, scratch);
  for (const auto& c : *scratch) {
    if (ToLower(c.text) == target) return true;
  }
  return false;
}

struct SpunDocStats {
  double score = 0, baseline = 0;
  bool flagged = false;
  bool screen_pass = false;  // the screen passes it on
  uint64_t swaps = 0, reachable = 0, detected = 0, restored = 0, restored_reachable = 0;
  uint64_t restorable = 0;  // reachable swaps restored by Decoder::BestOriginals (told the span)
  uint64_t predicted = 0, predicted_true = 0;
  uint64_t unswapped_words = 0, unswapped_changed = 0;
};


// `best` (optional): Decoder::BestOriginals of the swaps' spans, in order.
SpunDocStats ScoreSpunDoc(const SpinResult& spun, const DecodeResult& r, const Lexicon& lexicon,
                          const LexiconFilter& filter, std::vector<OriginalCandidate>* scratch,
                          const std::vector<std::string>* best = nullptr) {
  SpunDocStats s;
  s.baseline = BaselineScore(r);
  s.swaps = spun.swaps.size();
  for (size_t k = 0; k < spun.swaps.size(); ++k) {
    const SpinSwap& swap = spun.swaps[k];
    const bool reachable = Reachable(lexicon, filter, swap.spun, swap.original, scratch);
    s.reachable += reachable;
    s.restorable += reachable && best != nullptr && (*best)[k] == swap.original;
    bool detected = false, restored = false;
    for (const RestoredSpan& p : r.spans) {
      if (!SpansOverlap(p.begin, p.end, swap.spun_begin, swap.spun_end)) continue;
      detected = true;
      restored |= p.begin == swap.spun_begin && p.end == swap.spun_end && p.original == swap.original;
    }
    s.detected += detected;
    s.restored += restored;
    s.restored_reachable += restored && reachable;
  }
  uint64_t swapped_words = 0;
  for (const SpinSwap& swap : spun.swaps) swapped_words += CountWords(swap.spun);
  s.unswapped_words = r.words - std::min<uint64_t>(r.words, swapped_words);
  for (const RestoredSpan& p : r.spans) {
    ++s.predicted;
    bool hit = false;
    for (const SpinSwap& swap : spun.swaps) hit |= SpansOverlap(p.begin, p.end, swap.spun_begin, swap.spun_end);
    s.predicted_true += hit;
    if (!hit) s.unswapped_changed += CountWords(p.text);
  }
  return s;
}

double Share(uint64_t a, uint64_t b) { return b == 0 ? 0 : static_cast<double>(a) / static_cast<double>(b); }

uint64_t CellSeed(uint64_t seed, const std::string& profile, double rate) {
  Rng mix = Rng::ForRecord(seed, profile + "@" + std::to_string(rate));
  return mix.Next();
}

}  // namespace

namespace {

// Spins the adaptation documents with the cell's spinner, adapts `channel`
// on them, and decodes the cell's spun test documents (and as many clean
// ones) again with the adapted channel. `before` holds the unadapted
// decoder's figures for the same spun documents.
AdaptationCell MeasureAdaptation(const Model& model, const ChannelParams& channel, const LexiconFilter& reach,
                                 const Spinner& spinner, const std::vector<EvalDoc>& test,
                                 const std::vector<double>& clean_scores, const std::vector<SpunDocStats>& before,
                                 uint64_t cell_seed, const QualityEvalOptions& o, int threads) {
  AdaptationCell a;
  std::vector<std::string> bag(o.adapt_docs.size());
  for (size_t i = 0; i < bag.size(); ++i) {
    Rng rng = Rng::ForRecord(cell_seed ^ 0xADA97ull, o.adapt_docs[i].id);
    SpinResult spun;
    spinner.Spin(o.adapt_docs[i].text, &rng, &spun);
    bag[i] = std::move(spun.text);
  }
  AdaptOptions ao;
  ao.threads = threads;
  ao.start = &channel;
  AdaptReport ar;
  const ChannelParams adapted = AdaptChannel(model, bag, ao, "evaluation", &ar);
  a.adapt_docs = bag.size();
  a.learnt_rate = adapted.swap_rate;
  std::vector<std::unique_ptr<Decoder>> decoders;
  for (int t = 0; t < threads; ++t) {
    decoders.push_back(std::make_unique<Decoder>(model));
    decoders.back()->set_channel(adapted);
  }
  const size_t n = before.size();
  a.negatives = n;
  std::vector<double> negatives_after(n), negatives_before(clean_scores.begin(), clean_scores.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<SpunDocStats> after(n);
  ParallelFor(n * 2, threads, nullptr, [&](int t, size_t k) {
    const size_t i = k / 2;
    DecodeResult r;
    if (k % 2 == 0) {
      decoders[static_cast<size_t>(t)]->DecodeDocument(test[i].text, &r);
      negatives_after[i] = r.log_odds;
      return;
    }
    Rng rng = Rng::ForRecord(cell_seed, test[i].id);  // the very text the cell measured
    SpinResult spun;
    spinner.Spin(test[i].text, &rng, &spun);
    decoders[static_cast<size_t>(t)]->DecodeDocument(spun.text, &r);
    std::vector<OriginalCandidate> scratch;
    after[i] = ScoreSpunDoc(spun, r, model.lexicon(), reach, &scratch);
    after[i].score = r.log_odds;
  });
  auto sum_up = [](const std::vector<SpunDocStats>& stats, double* restored, double* precision, double* recall,
                   std::vector<double>* scores) {
    SpunDocStats sum;
    for (const SpunDocStats& s : stats) {
      sum.swaps += s.swaps;
      sum.detected += s.detected;
      sum.restored += s.restored;
      sum.predicted += s.predicted;
      sum.predicted_true += s.predicted_true;
      scores->push_back(s.score);
    }
    *restored = Share(sum.restored, sum.swaps);
    *precision = Share(sum.predicted_true, sum.predicted);
    *recall = Share(sum.detected, sum.swaps);
  };
  std::vector<double> scores_before, scores_after;
  sum_up(before, &a.restored_before, &a.precision_before, &a.recall_before, &scores_before);
  sum_up(after, &a.restored_after, &a.precision_after, &a.recall_after, &scores_after);
  a.auroc_before = Auroc(negatives_before, scores_before);
  a.auroc_after = Auroc(negatives_after, scores_after);
  return a;
}

}  // namespace

QualityReport RunQualityEval(const Model& model, const std::vector<EvalDoc>& test, const QualityEvalOptions& o) {
  QualityReport report;
  const int threads = std::max(1, o.threads);
  const size_t spun_docs = std::min(o.spun_docs, test.size());
  const uint64_t total_work =
      o.decoders.size() * (test.size() + o.profiles.size() * o.rates.size() * spun_docs);
  std::atomic<uint64_t> work_done{0};
  auto progress = [&](uint64_t, uint64_t) {
    if (o.progress) o.progress(work_done.load(), total_work);
  };

  for (const DecoderLexicon& lex : o.decoders) {
    ChannelParams channel = model.channel();
    // The variant's sources, each primary or secondary as in the model.
    const SourceMask secondary = model.channel().secondary_sources;
    channel.filter.sources = static_cast<SourceMask>(lex.sources & ~secondary);
    channel.secondary_sources = static_cast<SourceMask>(lex.sources & secondary);
    std::vector<std::unique_ptr<Decoder>> decoders;
    for (int t = 0; t < threads; ++t) {
      decoders.push_back(std::make_unique<Decoder>(model));
      decoders.back()->set_channel(channel);
    }
    LexiconFilter reach = channel.filter;  // what the decoder can offer at all
    reach.sources = lex.sources;

    // Clean documents: the negatives, and the words wrongly changed.
    std::vector<double> clean_scores(test.size()), clean_baseline(test.size());
    std::vector<uint64_t> clean_words(test.size()), clean_changed(test.size());
    std::vector<uint8_t> clean_flagged(test.size()), clean_screen_pass(test.size());
    const auto screen_start = std::chrono::steady_clock::now();
    ParallelFor(test.size(), threads, nullptr, [&](int t, size_t i) {
      ScreenResult s;
      decoders[static_cast<size_t>(t)]->ScreenDocument(test[i].text, &s);
      clean_screen_pass[i] = s.pass;
    });
    const double screen_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - screen_start).count();
    const auto start = std::chrono::steady_clock::now();
    ParallelFor(test.size(), threads, progress, [&](int t, size_t i) {
      DecodeResult r;
      decoders[static_cast<size_t>(t)]->DecodeDocument(test[i].text, &r);
      clean_scores[i] = r.log_odds;
      clean_baseline[i] = BaselineScore(r);
      clean_words[i] = r.words;
      clean_flagged[i] = r.spun;
      uint64_t changed = 0;
      for (const RestoredSpan& s : r.spans) changed += CountWords(s.text);
      clean_changed[i] = changed;
      work_done.fetch_add(1);
    });
    DecoderReport dr;
    dr.name = lex.name;
    dr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    dr.clean_docs = test.size();
    dr.screen_seconds = screen_seconds;
    uint64_t words = 0, changed = 0, flagged = 0;
    for (size_t i = 0; i < test.size(); ++i) {
      words += clean_words[i];
      changed += clean_changed[i];
      flagged += clean_flagged[i];
      dr.clean_screen_cleared += !clean_screen_pass[i];
      dr.clean_screen_passed_flagged += clean_flagged[i] && clean_screen_pass[i];
      dr.clean_bytes += test[i].text.size();
    }
    dr.clean_words = words;
    dr.clean_flagged = flagged;
    dr.clean_words_changed = Share(changed, words);
    dr.clean_flagged_docs = Share(flagged, test.size());
    report.decoders.push_back(dr);

    for (const std::string& profile_name : o.profiles) {
      auto profile = FindProfile(profile_name);
      if (!profile.ok()) continue;  // names are checked by the caller
      for (double rate : o.rates) {
        SpinOptions spin_options;
        spin_options.rate = rate;
        spin_options.profile = *profile;
        Spinner spinner(model.lexicon(), spin_options);
        const uint64_t cell_seed = CellSeed(o.seed, profile_name, rate);
        std::vector<SpunDocStats> stats(spun_docs);
        ParallelFor(spun_docs, threads, progress, [&](int t, size_t i) {
          Rng rng = Rng::ForRecord(cell_seed, test[i].id);
          SpinResult spun;
          spinner.Spin(test[i].text, &rng, &spun);
          DecodeResult r;
          Decoder& decoder = *decoders[static_cast<size_t>(t)];
          decoder.DecodeDocument(spun.text, &r);
          std::vector<std::pair<uint64_t, uint64_t>> ranges;
          for (const SpinSwap& swap : spun.swaps) ranges.emplace_back(swap.spun_begin, swap.spun_end);
          std::vector<std::string> best;
          decoder.BestOriginals(spun.text, ranges, &best);
          std::vector<OriginalCandidate> scratch;
          stats[i] = ScoreSpunDoc(spun, r, model.lexicon(), reach, &scratch, &best);
          stats[i].score = r.log_odds;
          stats[i].flagged = r.spun;
          ScreenResult screen;
          decoder.ScreenDocument(spun.text, &screen);
          stats[i].screen_pass = screen.pass;
          work_done.fetch_add(1);
        });
        CellReport cell;
        cell.decoder = lex.name;
        cell.profile = profile_name;
        cell.rate = rate;
        cell.docs = spun_docs;
        std::vector<double> scores, baseline;
        SpunDocStats sum;
        uint64_t flagged_docs = 0;
        for (const SpunDocStats& s : stats) {
          scores.push_back(s.score);
          baseline.push_back(s.baseline);
          sum.swaps += s.swaps;
          sum.reachable += s.reachable;
          sum.detected += s.detected;
          sum.restored += s.restored;
          sum.restored_reachable += s.restored_reachable;
          sum.restorable += s.restorable;
          sum.predicted += s.predicted;
          sum.predicted_true += s.predicted_true;
          sum.unswapped_words += s.unswapped_words;
          sum.unswapped_changed += s.unswapped_changed;
          flagged_docs += s.flagged;
          cell.screen_passed_flagged += s.flagged && s.screen_pass;
        }
        cell.flagged = flagged_docs;
        cell.swaps = sum.swaps;
        cell.reachable = sum.reachable;
        cell.auroc = Auroc(clean_scores, scores);
        cell.tpr_at_1 = TprAtFpr(clean_scores, scores, 0.01);
        cell.tpr_at_01 = TprAtFpr(clean_scores, scores, 0.001);
        cell.base_auroc = Auroc(clean_baseline, baseline);
        cell.base_tpr_at_1 = TprAtFpr(clean_baseline, baseline, 0.01);
        cell.base_tpr_at_01 = TprAtFpr(clean_baseline, baseline, 0.001);
        cell.roc = RocCurve(clean_scores, scores);
        cell.base_roc = RocCurve(clean_baseline, baseline);
        cell.span_precision = Share(sum.predicted_true, sum.predicted);
        cell.span_recall = Share(sum.detected, sum.swaps);
        cell.restored = Share(sum.restored, sum.swaps);
        cell.restored_of_reachable = Share(sum.restored_reachable, sum.reachable);
        cell.restorable_of_reachable = Share(sum.restorable, sum.reachable);
        cell.unswapped_changed = Share(sum.unswapped_changed, sum.unswapped_words);
        cell.flagged_docs = Share(flagged_docs, spun_docs);
        report.cells.push_back(cell);
        if (!o.adapt_docs.empty()) {
          report.adaptation.push_back(MeasureAdaptation(model, channel, reach, spinner, test, clean_scores, stats,
                                                        cell_seed, o, threads));
          report.adaptation.back().decoder = lex.name;
          report.adaptation.back().profile = profile_name;
          report.adaptation.back().rate = rate;
        }
      }
    }
  }
  return report;
}

ChannelParams FitCalibration(const Model& model, const std::vector<EvalDoc>& docs,
                             const std::vector<std::string>& profiles, const std::vector<double>& rates, uint64_t seed,
                             int threads, const std::string& description) {
  ScoreFitOptions options;
  options.use_ratio = false;
  // The scores of documents no learned spinner profile explains, which are
  // decoded with the plain channel (the routed documents have their own).
  const ChannelParams decoded_with =
      model.plain_channel() != nullptr ? model.PlainChannelFor(model.channel()) : model.channel();
  return FitScores(model.channel(), SyntheticScoreExamples(model, decoded_with, docs, profiles, rates, seed, threads),
                   {}, options, description);
}

nlohmann::json QualityReport::ToJson() const {
  nlohmann::json j;
  for (const DecoderReport& d : decoders) {
    j["decoders"].push_back({{"decoder", d.name},
                             {"clean_docs", d.clean_docs},
                             {"clean_words", d.clean_words},
                             {"clean_words_changed", d.clean_words_changed},
                             {"clean_flagged_docs", d.clean_flagged_docs},
                             {"clean_screen_cleared", d.clean_screen_cleared},
                             {"clean_screen_passed_flagged", d.clean_screen_passed_flagged},
                             {"screen_seconds", d.screen_seconds},
                             {"clean_bytes", d.clean_bytes},
                             {"seconds", d.seconds}});
  }
  for (const AdaptationCell& a : adaptation) {
    j["adaptation"].push_back({{"decoder", a.decoder},
                               {"profile", a.profile},
                               {"rate", a.rate},
                               {"adapt_docs", a.adapt_docs},
                               {"negatives", a.negatives},
                               {"learnt_rate", a.learnt_rate},
                               {"restored_before", a.restored_before},
                               {"restored_after", a.restored_after},
                               {"span_precision_before", a.precision_before},
                               {"span_precision_after", a.precision_after},
                               {"span_recall_before", a.recall_before},
                               {"span_recall_after", a.recall_after},
                               {"auroc_before", a.auroc_before},
                               {"auroc_after", a.auroc_after}});
  }
  for (const CellReport& c : cells) {
    j["cells"].push_back({{"decoder", c.decoder},
                          {"profile", c.profile},
                          {"rate", c.rate},
                          {"docs", c.docs},
                          {"swaps", c.swaps},
                          {"reachable", c.reachable},
                          {"auroc", c.auroc},
                          {"tpr_at_1pct_fpr", c.tpr_at_1},
                          {"tpr_at_0.1pct_fpr", c.tpr_at_01},
                          {"baseline_auroc", c.base_auroc},
                          {"baseline_tpr_at_1pct_fpr", c.base_tpr_at_1},
                          {"baseline_tpr_at_0.1pct_fpr", c.base_tpr_at_01},
                          {"span_precision", c.span_precision},
                          {"span_recall", c.span_recall},
                          {"restored", c.restored},
                          {"restored_of_reachable", c.restored_of_reachable},
                          {"restorable_of_reachable", c.restorable_of_reachable},
                          {"unswapped_words_changed", c.unswapped_changed},
                          {"flagged_docs", c.flagged_docs},
                          {"screen_passed_of_flagged", c.screen_passed_flagged},
                          {"flagged", c.flagged}});
  }
  return j;
}

std::string QualityReport::ToHtml() const {
  std::string body = "<h1>unspin eval</h1>\n" + report::MarkdownToHtml(ToMarkdown());
  body +=
      "<h2>ROC curves</h2>\n<p>Per cell: the document score against the perplexity baseline, spun test documents "
      "against the clean ones.</p>\n<div class=\"charts\">\n";
  for (const CellReport& c : cells) {
    body += report::RocSvg(c.decoder + " / " + c.profile + " / rate " + Fixed(c.rate, 2),
                           {{"unspin, AUROC " + Fixed(c.auroc, 3), "#2b5d91", c.roc},
                            {"perplexity, AUROC " + Fixed(c.base_auroc, 3), "#d9822b", c.base_roc}});
  }
  body += "</div>\n";
  return report::Page("unspin eval", body);
}

std::string QualityReport::ToMarkdown() const {
  std::string out;
  out += "Clean documents (negatives):\n\n";
  out += "| decoder lexicon | docs | words | words wrongly changed % | docs called spun % | MB/s |\n";
  out += "|---|---:|---:|---:|---:|---:|\n";
  for (const DecoderReport& d : decoders) {
    out += "| " + d.name + " | " + std::to_string(d.clean_docs) + " | " + std::to_string(d.clean_words) + " | " +
           Fixed(100 * d.clean_words_changed, 2) + " | " + Percent(d.clean_flagged_docs) + " | " +
           Fixed(d.seconds > 0 ? d.clean_bytes / d.seconds / 1e6 : 0, 3) + " |\n";
  }
  out += "\nSpun documents, by decoder lexicon x spinner profile x rate (AUROC and TPR against the clean documents "
         "above; baseline = plain LM perplexity):\n\n";
  out += "| decoder | profile | rate | AUROC | TPR@1% | TPR@0.1% | base AUROC | base TPR@1% | span P % | span R % | "
         "restored % | of reachable % | if spans known % | reachable % | other words changed % |\n";
  out += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const CellReport& c : cells) {
    out += "| " + c.decoder + " | " + c.profile + " | " + Fixed(c.rate, 2) + " | " + Fixed(c.auroc, 4) + " | " +
           Percent(c.tpr_at_1) + " | " + Percent(c.tpr_at_01) + " | " + Fixed(c.base_auroc, 4) + " | " +
           Percent(c.base_tpr_at_1) + " | " + Percent(c.span_precision) + " | " + Percent(c.span_recall) + " | " +
           Percent(c.restored) + " | " + Percent(c.restored_of_reachable) + " | " +
           Percent(c.restorable_of_reachable) + " | " + Percent(Share(c.reachable, c.swaps)) + " | " + Fixed(100 * c.unswapped_changed, 2) + " |\n";
  }
  out += "\nThe screen (unspin screen): of the documents the decoder calls spun, the share it passes on to the "
         "decoder (recall), and the share of clean documents it clears:\n\n";
  out += "| decoder | profile | rate | called spun | passed on | recall % |\n|---|---|---:|---:|---:|---:|\n";
  for (const DecoderReport& d : decoders) {
    uint64_t flagged = d.clean_flagged, passed = d.clean_screen_passed_flagged;
    for (const CellReport& c : cells) {
      if (c.decoder != d.name) continue;
      out += "| " + c.decoder + " | " + c.profile + " | " + Fixed(c.rate, 2) + " | " + std::to_string(c.flagged) +
             " | " + std::to_string(c.screen_passed_flagged) + " | " + Percent(Share(c.screen_passed_flagged, c.flagged)) +
             " |\n";
      flagged += c.flagged;
      passed += c.screen_passed_flagged;
    }
    out += "| " + d.name + " | clean | 0 | " + std::to_string(d.clean_flagged) + " | " +
           std::to_string(d.clean_screen_passed_flagged) + " | " +
           Percent(Share(d.clean_screen_passed_flagged, d.clean_flagged)) + " |\n";
    out += "| " + d.name + " | **all** | | " + std::to_string(flagged) + " | " + std::to_string(passed) + " | **" +
           Percent(Share(passed, flagged)) + "** |\n";
    out += "\n" + d.name + ": the screen clears " + Percent(Share(d.clean_screen_cleared, d.clean_docs)) + " % of the " +
           std::to_string(d.clean_docs) + " clean documents, at " +
           Fixed(d.screen_seconds > 0 ? d.clean_bytes / d.screen_seconds / 1e6 : 0, 2) +
           " MB/s beside the decoder's " + Fixed(d.seconds > 0 ? d.clean_bytes / d.seconds / 1e6 : 0, 2) + ".\n";
  }
  if (!adaptation.empty()) {
    out += "\nAdaptation (unspin adapt on " + std::to_string(adaptation[0].adapt_docs) +
           " other documents spun by the same spinner, unlabelled), the same spun test documents before -> after; "
           "AUROC against the first " + std::to_string(adaptation[0].negatives) + " clean test documents:\n\n";
    out += "| decoder | profile | rate | learnt rate | restored % | span P % | span R % | AUROC |\n";
    out += "|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (const AdaptationCell& a : adaptation) {
      out += "| " + a.decoder + " | " + a.profile + " | " + Fixed(a.rate, 2) + " | " + Fixed(a.learnt_rate, 3) + " | " +
             Percent(a.restored_before) + " -> " + Percent(a.restored_after) + " | " + Percent(a.precision_before) +
             " -> " + Percent(a.precision_after) + " | " + Percent(a.recall_before) + " -> " +
             Percent(a.recall_after) + " | " + Fixed(a.auroc_before, 4) + " -> " + Fixed(a.auroc_after, 4) + " |\n";
    }
  }
  return out;
}

}  // namespace unspin
