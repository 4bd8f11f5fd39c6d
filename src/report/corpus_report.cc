#include "report/corpus_report.h"

#include <algorithm>
#include <cstdio>

#include "eval/metrics.h"
#include "io/result_json.h"
#include "report/html.h"
#include "text/case.h"

namespace unspin::report {

namespace {

std::string Share(uint64_t part, uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / whole);
  return buf;
}

std::string Count(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}



}  // namespace

CorpusReport::CorpusReport(const CorpusReportOptions& options) : options_(options) {}

Status CorpusReport::Add(const nlohmann::json& record) {
  if (!record.is_object()) return InvalidInputError("a record is not a JSON object");
  if (record.contains("error")) {
    ++errors_;
    return OkStatus();
  }
  // The fields are of their type when present: a record of another shape
  // is refused here, before any is read.
  const auto words = record.find("words"), spun = record.find("spun"), spans = record.find("spans");
  if (words != record.end() && !words->is_number_unsigned() &&
      !(words->is_number_integer() && words->get<int64_t>() >= 0)) {
    return InvalidInputError("a record's \"words\" is not a count: not `unspin detect --jsonl` output");
  }
  // `unspin screen --jsonl`: a document the screen cleared has no score
  // of the decoder; it is counted, its words too, and never flagged.
  const auto screened = record.find("screened");
  if (screened != record.end()) {
    if (!screened->is_string() || (*screened != "clear" && *screened != "passed")) {
      return InvalidInputError("a record's \"screened\" is neither \"clear\" nor \"passed\": not `unspin screen --jsonl` output");
    }
    const auto screen_score = record.find("screen_score");
    if (screen_score == record.end() || !screen_score->is_number()) {
      return InvalidInputError("a screened record has no numeric \"screen_score\": not `unspin screen --jsonl` output");
    }
    if (*screened == "clear") {
      if (spun != record.end() && !(spun->is_boolean() && !spun->get<bool>())) {
        return InvalidInputError("a record the screen cleared is marked spun: not `unspin screen --jsonl` output");
      }
      ++documents_;
      ++cleared_;
      words_ += words != record.end() ? words->get<uint64_t>() : 0;
      return OkStatus();
    }
  }
  const auto score = record.find("score");
  if (score == record.end() || !score->is_number()) {
    return InvalidInputError("a record has no numeric \"score\": not `unspin detect --jsonl` output");
  }
  if (spun != record.end() && !spun->is_boolean()) {
    return InvalidInputError("a record's \"spun\" is not true or false: not `unspin detect --jsonl` output");
  }
  if (spans != record.end()) {
    const auto is_span = [](const nlohmann::json& span) {
      if (!span.is_object()) return false;
      const auto text = span.find("text"), original = span.find("original");
      return (text == span.end() || text->is_string()) && (original == span.end() || original->is_string());
    };
    if (!spans->is_array() || !std::all_of(spans->begin(), spans->end(), is_span)) {
      return InvalidInputError(
          "a record's \"spans\" is not a list of spans with string \"text\" and \"original\": not "
          "`unspin detect --jsonl` output");
    }
  }
  Document doc;
  doc.score = std::clamp(score->get<double>(), 0.0, 1.0);
  doc.id = IdText(record.value("id", nlohmann::json()));
  doc.words = words != record.end() ? words->get<uint64_t>() : 0;
  ++documents_;
  score_sum_ += doc.score;
  words_ += doc.words;
  if (spun != record.end() && spun->get<bool>()) ++flagged_;
  ++histogram_[std::min<size_t>(histogram_.size() - 1, static_cast<size_t>(doc.score * histogram_.size()))];

  if (spans != record.end()) {
    doc.spans = spans->size();
    spans_ += doc.spans;
    for (const nlohmann::json& span : *spans) {
      const std::string text = span.value("text", ""), original = span.value("original", "");
      if (text.empty()) continue;
      if (phrases_.size() >= kMaxPhrases) {
        std::erase_if(phrases_, [](const auto& entry) { return entry.second.count <= 1; });
      }
      PhraseStats& stats = phrases_[ToLower(text)];
      ++stats.count;
      std::string original_key = ToLower(original);
      if (stats.originals.size() < 8 || stats.originals.count(original_key)) ++stats.originals[std::move(original_key)];
      if (doc.examples.size() < 6) doc.examples.emplace_back(text, original);
    }
  }
  if (options_.worst == 0) return OkStatus();
  // A min-heap on score: its front is the least likely spun of those kept.
  const auto heap_order = [](const Document& a, const Document& b) { return a.score > b.score; };
  if (worst_.size() < options_.worst) {
    worst_.push_back(std::move(doc));
    std::push_heap(worst_.begin(), worst_.end(), heap_order);
  } else if (doc.score > worst_.front().score) {
    std::pop_heap(worst_.begin(), worst_.end(), heap_order);
    worst_.back() = std::move(doc);
    std::push_heap(worst_.begin(), worst_.end(), heap_order);
  }
  return OkStatus();
}

std::string CorpusReport::ToHtml(std::string_view title, std::string_view source) const {
  std::string body = "<h1>" + Escape(title) + "</h1>\n<p>Screened by <code>unspin " +
                     std::string(cleared_ > 0 ? "screen" : "detect") + " --jsonl</code>: <code>" + Escape(source) +
                     "</code></p>\n";
  const uint64_t decoded = documents_ - cleared_;
  body += "<div class=\"figures\">\n";
  auto figure = [&](const std::string& value, const std::string& label) {
    body += "<div class=\"figure\"><div class=\"big\">" + Escape(value) + "</div>" + Escape(label) + "</div>\n";
  };
  figure(Count(documents_), "documents");
  figure(Share(flagged_, documents_), "flagged as spun (" + Count(flagged_) + ")");
  if (cleared_ > 0) {
    figure(Share(cleared_, documents_), "cleared by the first pass (" + Count(cleared_) + "), not decoded");
  }
  figure(Fixed(decoded == 0 ? 0 : score_sum_ / static_cast<double>(decoded), 3),
         cleared_ > 0 ? "mean P(spun) of the " + Count(decoded) + " decoded" : std::string("mean P(spun)"));
  figure(Count(spans_), "flagged phrases in " + Count(words_) + " words");
  figure(Count(errors_), "records that were errors");
  body += "</div>\n";

  body += "<h2>Scores</h2>\n";
  std::vector<uint64_t> counts(histogram_.begin(), histogram_.end());
  std::vector<std::string> labels;
  for (size_t i = 0; i < histogram_.size(); ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(i) / histogram_.size());
    labels.emplace_back(buf);
  }
  body += BarChartSvg(counts, labels, "P(spun), in bins of 0.05", cleared_ > 0 ? "decoded documents" : "documents");

  std::vector<std::pair<const std::string*, const PhraseStats*>> ranked;
  ranked.reserve(phrases_.size());
  for (const auto& [phrase, stats] : phrases_) ranked.emplace_back(&phrase, &stats);
  const size_t shown = std::min(options_.phrases, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown), ranked.end(),
                    [](const auto& a, const auto& b) {
                      return a.second->count != b.second->count ? a.second->count > b.second->count
                                                                : *a.first < *b.first;
                    });
  body += "<h2>Most frequent tortured phrases</h2>\n";
  if (shown == 0) {
    body += "<p>No phrase was flagged.</p>\n";
  } else {
    body += "<table>\n<tr><th>phrase</th><th>times flagged</th><th>likely original</th></tr>\n";
    for (size_t i = 0; i < shown; ++i) {
      std::vector<std::pair<std::string, uint64_t>> originals(ranked[i].second->originals.begin(),
                                                              ranked[i].second->originals.end());
      std::stable_sort(originals.begin(), originals.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
      std::string list;
      for (size_t k = 0; k < originals.size() && k < 3; ++k) {
        list += (k ? ", " : "") + Escape(originals[k].first) + " (" + Count(originals[k].second) + ")";
      }
      body += "<tr><td><mark>" + Escape(*ranked[i].first) + "</mark></td><td class=\"n\">" +
              Count(ranked[i].second->count) + "</td><td>" + list + "</td></tr>\n";
    }
    body += "</table>\n";
  }

  std::vector<Document> worst = worst_;
  std::sort(worst.begin(), worst.end(), [](const Document& a, const Document& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  body += "<h2>Documents most likely spun</h2>\n";
  if (worst.empty()) {
    body += "<p>No documents.</p>\n";
  } else {
    body += "<table>\n<tr><th>id</th><th>P(spun)</th><th>words</th><th>flagged phrases</th><th>examples</th></tr>\n";
    for (const Document& d : worst) {
      std::string examples;
      for (const auto& [text, original] : d.examples) {
        examples += (examples.empty() ? "" : "; ") + std::string("<mark>") + Escape(text) + "</mark> &rarr; " +
                    Escape(original);
      }
      body += "<tr><td>" + Escape(d.id) + "</td><td class=\"n\">" + Fixed(d.score, 3) + "</td><td class=\"n\">" +
              Count(d.words) + "</td><td class=\"n\">" + Count(d.spans) + "</td><td>" + examples + "</td></tr>\n";
    }
    body += "</table>\n";
  }
  body += "<p style=\"color:#5d6874\">unspin " UNSPIN_VERSION "</p>\n";
  return Page(title, body);
}

}  // namespace unspin::report
