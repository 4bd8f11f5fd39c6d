// Reports as HTML (report/): escaping, the Markdown subset, charts, and the
// corpus summary of `unspin report`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "eval/metrics.h"
#include "report/corpus_report.h"
#include "report/html.h"

namespace unspin::report {
namespace {

TEST(Html, EscapesEverythingThatCouldBeMarkup) {
  EXPECT_EQ(Escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  const std::string page = Page("a <b>", "<p>body</p>");
  EXPECT_NE(page.find("<title>a &lt;b&gt;</title>"), std::string::npos);
  EXPECT_NE(page.find("<p>body</p>"), std::string::npos);
}

TEST(Html, MarkdownTablesHeadingsAndParagraphs) {
  const std::string html = MarkdownToHtml(
      "## Cells\n\nSome `code` and **bold** <here>.\nSame paragraph.\n\n| a | b |\n|---|--:|\n| x | 1.5 |\n| <y> | 2 |\n");
  EXPECT_NE(html.find("<h3>Cells</h3>"), std::string::npos) << html;
  EXPECT_NE(html.find("<p>Some <code>code</code> and <b>bold</b> &lt;here&gt;. Same paragraph.</p>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr><th>a</th><th>b</th></tr>"), std::string::npos) << html;
  EXPECT_NE(html.find("<tr><td>x</td><td class=\"n\">1.5</td></tr>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>&lt;y&gt;</td>"), std::string::npos) << html;
  EXPECT_EQ(html.find("---"), std::string::npos) << html;
}

TEST(Html, ChartsAreSvg) {
  const std::string bars = BarChartSvg({1, 5, 0}, {"a", "b", "c"}, "x <axis>", "count");
  EXPECT_EQ(bars.rfind("<svg", 0), 0u);
  EXPECT_EQ(std::count(bars.begin(), bars.end(), '<') - std::count(bars.begin(), bars.end(), '>'), 0);
  EXPECT_NE(bars.find("b: 5"), std::string::npos);
  EXPECT_NE(bars.find("x &lt;axis&gt;"), std::string::npos);
  const std::string roc = RocSvg("cell", {{"one", "#000", {{0, 0}, {0.5, 1}, {1, 1}}}});
  EXPECT_NE(roc.find("<polyline"), std::string::npos);
}

TEST(Metrics, RocCurveRunsFromCornerToCornerThroughTies) {
  auto curve = RocCurve({0.1, 0.2, 0.2}, {0.2, 0.9});
  ASSERT_GE(curve.size(), 3u);
  EXPECT_EQ(curve.front(), (std::pair<double, double>{0, 0}));
  EXPECT_EQ(curve.back(), (std::pair<double, double>{1, 1}));
  // 0.9 alone first, then the three tied 0.2 together.
  EXPECT_EQ(curve[1], (std::pair<double, double>{0, 0.5}));
  EXPECT_NEAR(curve[2].first, 2.0 / 3, 1e-12);
  EXPECT_EQ(curve[2].second, 1.0);
  std::vector<double> many;
  for (int i = 0; i < 1000; ++i) many.push_back(i);
  auto thin = RocCurve(many, many, 11);
  EXPECT_EQ(thin.size(), 11u);
  EXPECT_EQ(thin.back(), (std::pair<double, double>{1, 1}));
}

nlohmann::json Doc(const std::string& id, double score, bool spun, std::vector<std::pair<std::string, std::string>> spans) {
  nlohmann::json s = nlohmann::json::array();
  for (auto& [text, original] : spans) s.push_back({{"text", text}, {"original", original}});
  return {{"id", id}, {"score", score}, {"spun", spun}, {"words", 100}, {"spans", s}, {"restored", ""}};
}

TEST(CorpusReport, SummarisesScoresPhrasesAndWorstDocuments) {
  CorpusReport report({2, 10});
  ASSERT_TRUE(report.Add(Doc("clean", 0.02, false, {})).ok());
  ASSERT_TRUE(report.Add(Doc("a", 0.97, true, {{"Counterfeit consciousness", "artificial intelligence"},
                                                 {"bosom peril", "breast cancer"}})).ok());
  ASSERT_TRUE(report.Add(Doc("<b>", 0.99, true, {{"counterfeit consciousness", "artificial intelligence"}})).ok());
  ASSERT_TRUE(report.Add(Doc("c", 0.60, true, {})).ok());
  ASSERT_TRUE(report.Add({{"id", 9}, {"line", 4}, {"error", "not valid JSON"}}).ok());
  EXPECT_EQ(report.Add({{"id", "x"}, {"text", "a source record"}}).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(report.documents(), 4u);
  EXPECT_EQ(report.flagged(), 3u);
  EXPECT_EQ(report.errors(), 1u);
  const std::string html = report.ToHtml("Corpus", "in.jsonl");
  EXPECT_NE(html.find(">75.0 %</div>flagged as spun (3)"), std::string::npos);
  // Phrases are counted case-insensitively, most frequent first.
  const size_t first = html.find("<mark>counterfeit consciousness</mark></td><td class=\"n\">2</td>"
                                 "<td>artificial intelligence (2)</td>");
  ASSERT_NE(first, std::string::npos) << html;
  EXPECT_LT(first, html.find("<mark>bosom peril</mark>"));
  // Only the 2 worst documents, highest first, ids escaped.
  const std::string worst = html.substr(html.find("Documents most likely spun"));
  EXPECT_LT(worst.find("<td>&lt;b&gt;</td>"), worst.find("<td>a</td>"));
  EXPECT_EQ(worst.find("<td>c</td>"), std::string::npos);
  EXPECT_EQ(html.find("<td><b></td>"), std::string::npos);
}

}  // namespace
// Fields of the wrong type were read with nlohmann's value(), which threw
// and aborted `unspin report`; such records are now refused by name.
TEST(CorpusReport, RefusesFieldsOfTheWrongType) {
  CorpusReport report({2, 10});
  nlohmann::json good = Doc("a", 0.5, true, {{"x", "y"}});
  ASSERT_TRUE(report.Add(good).ok());
  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"words", "3"}, {"words", -1}, {"spun", "yes"}, {"spans", 5}, {"spans", {5}},
           {"spans", {{{"text", 5}}}}, {"spans", {{{"text", "a"}, {"original", nullptr}}}}}) {
    nlohmann::json bad = good;
    bad[field] = value;
    const Status s = report.Add(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput) << field << " = " << value.dump();
    EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
  }
  EXPECT_EQ(report.documents(), 1u);
}

// `unspin screen --jsonl` output: a document the screen cleared has no
// score; it counts as a document and its words, never as flagged, and the
// mean P(spun) is of the decoded documents only.
TEST(CorpusReport, CountsWhatTheScreenClearedApart) {
  CorpusReport report({5, 10});
  nlohmann::json passed = Doc("p", 0.9, true, {{"bosom peril", "breast cancer"}});
  passed["screened"] = "passed";
  passed["screen_score"] = 1.5;
  ASSERT_TRUE(report.Add(passed).ok());
  for (const char* id : {"c1", "c2", "c3"}) {
    const nlohmann::json clear = {{"id", id}, {"screened", "clear"}, {"screen_score", -3.0}, {"spun", false}, {"words", 50}};
    ASSERT_TRUE(report.Add(clear).ok());
  }
  EXPECT_EQ(report.documents(), 4u);
  EXPECT_EQ(report.cleared(), 3u);
  EXPECT_EQ(report.flagged(), 1u);
  const std::string html = report.ToHtml("Corpus", "in.jsonl");
  EXPECT_NE(html.find(">75.0 %</div>cleared by the first pass (3), not decoded"), std::string::npos) << html;
  EXPECT_NE(html.find(">0.900</div>mean P(spun) of the 1 decoded"), std::string::npos) << html;
  EXPECT_NE(html.find(">1</div>flagged phrases in 250 words"), std::string::npos) << html;
  EXPECT_NE(html.find("<code>unspin screen --jsonl</code>"), std::string::npos);
  EXPECT_EQ(html.find("<td>c1</td>"), std::string::npos);  // cleared documents are not among the worst
  // Screened records of another shape are refused by name.
  for (const nlohmann::json& bad : std::vector<nlohmann::json>{
           {{"screened", "maybe"}, {"screen_score", 0.0}},
           {{"screened", "clear"}},
           {{"screened", "clear"}, {"screen_score", 0.0}, {"spun", true}},
           {{"screened", "passed"}, {"screen_score", 0.0}}}) {
    const Status st = report.Add(bad);
    EXPECT_EQ(st.code(), StatusCode::kInvalidInput) << bad.dump();
  }
  EXPECT_EQ(report.documents(), 4u);
}

}  // namespace unspin::report
