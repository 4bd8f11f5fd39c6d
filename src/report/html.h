// Self-contained HTML pages for reports (unspin report, eval --html): one
// file with its styles and charts inline (SVG), no scripts and nothing
// fetched, so it can be mailed, archived or opened offline.
#ifndef UNSPIN_REPORT_HTML_H_
#define UNSPIN_REPORT_HTML_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace unspin::report {

// Text made safe for HTML element content and attribute values.
std::string Escape(std::string_view text);

// The whole page around `body` (HTML), titled `title` (text).
std::string Page(std::string_view title, std::string_view body);

// A bar chart: one bar per count, labelled below by `labels` (same size).
std::string BarChartSvg(const std::vector<uint64_t>& counts, const std::vector<std::string>& labels,
                        std::string_view x_title, std::string_view y_title);

struct Curve {
  std::string name;
  std::string color;  // CSS colour
  std::vector<std::pair<double, double>> points;  // in [0, 1] x [0, 1]
};
// ROC curves on the unit square, with the diagonal and a legend.
std::string RocSvg(std::string_view title, const std::vector<Curve>& curves);

// The Markdown that reports write (headings, paragraphs, pipe tables,
// `code`, **bold**) as HTML; other Markdown passes through as text.
std::string MarkdownToHtml(std::string_view markdown);

}  // namespace unspin::report

#endif  // UNSPIN_REPORT_HTML_H_
