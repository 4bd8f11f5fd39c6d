#include "report/html.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "eval/metrics.h"

namespace unspin::report {

namespace {

std::string Num(double x) { return Fixed(x, 1); }

// Inline Markdown of one line: `code` and **bold**, the rest escaped.
std::string Inline(std::string_view text) {
  std::string out;
  bool code = false, bold = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '`') {
      out += code ? "</code>" : "<code>";
      code = !code;
    } else if (!code && text.substr(i, 2) == "**") {
      out += bold ? "</b>" : "<b>";
      bold = !bold;
      ++i;
    } else {
      out += Escape(text.substr(i, 1));
    }
  }
  if (code) out += "</code>";
  if (bold) out += "</b>";
  return out;
}

std::vector<std::string_view> Cells(std::string_view row) {
  std::vector<std::string_view> cells;
  row.remove_prefix(1);  // the leading '|'
  if (!row.empty() && row.back() == '|') row.remove_suffix(1);
  size_t start = 0;
  for (size_t i = 0; i <= row.size(); ++i) {
    if (i == row.size() || row[i] == '|') {
      std::string_view cell = row.substr(start, i - start);
      while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
      while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
      cells.push_back(cell);
      start = i + 1;
    }
  }
  return cells;
}

bool IsRule(std::string_view row) {
  return row.find_first_not_of("|-: ") == std::string_view::npos && row.find('-') != std::string_view::npos;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Page(std::string_view title, std::string_view body) {
  std::string out =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  out += Escape(title);
  out +=
      "</title>\n<style>\n"
      "body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1d232b;background:#f6f7f9}\n"
      "main{max-width:72rem;margin:0 auto;padding:1.5rem 1rem 4rem}\n"
      "h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem}\n"
      "table{border-collapse:collapse;background:#fff;margin:.5rem 0 1rem;font-size:.9rem}\n"
      "td,th{border:1px solid #d5dbe1;padding:.2rem .5rem;text-align:left;vertical-align:top}\n"
      "th{background:#eef1f4}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
      ".figures{display:flex;gap:1rem;flex-wrap:wrap}.figure{background:#fff;border:1px solid #d5dbe1;"
      "border-radius:.4rem;padding:.75rem 1rem}.big{font-size:1.6rem;font-weight:600}\n"
      "svg{background:#fff;border:1px solid #d5dbe1;border-radius:.4rem}\n"
      ".charts{display:flex;flex-wrap:wrap;gap:.5rem}mark{background:#ffe08a}\n"
      "code{background:#eef1f4;padding:0 .2rem;border-radius:.2rem}\n"
      "</style>\n</head>\n<body>\n<main>\n";
  out += body;
  out += "</main>\n</body>\n</html>\n";
  return out;
}

std::string BarChartSvg(const std::vector<uint64_t>& counts, const std::vector<std::string>& labels,
                        std::string_view x_title, std::string_view y_title) {
  const double width = 640, height = 260, left = 56, right = 12, top = 12, bottom = 48;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  const uint64_t max = std::max<uint64_t>(1, counts.empty() ? 1 : *std::max_element(counts.begin(), counts.end()));
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Num(width) + "\" height=\"" +
                    Num(height) + "\" role=\"img\" aria-label=\"" + Escape(y_title) + " by " + Escape(x_title) +
                    "\">\n";
  const double bar = counts.empty() ? 0 : plot_w / static_cast<double>(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    const double h = plot_h * static_cast<double>(counts[i]) / static_cast<double>(max);
    const double x = left + bar * static_cast<double>(i);
    out += "<rect x=\"" + Num(x + 1) + "\" y=\"" + Num(top + plot_h - h) + "\" width=\"" + Num(bar - 2) +
           "\" height=\"" + Num(h) + "\" fill=\"#2b5d91\"><title>" + Escape(labels[i]) + ": " +
           std::to_string(counts[i]) + "</title></rect>\n";
    if (i % 2 == 0 || counts.size() <= 10) {
      out += "<text x=\"" + Num(x + bar / 2) + "\" y=\"" + Num(top + plot_h + 14) +
             "\" font-size=\"10\" text-anchor=\"middle\">" + Escape(labels[i]) + "</text>\n";
    }
  }
  out += "<line x1=\"" + Num(left) + "\" y1=\"" + Num(top + plot_h) + "\" x2=\"" + Num(left + plot_w) + "\" y2=\"" +
         Num(top + plot_h) + "\" stroke=\"#1d232b\"/>\n";
  out += "<text x=\"" + Num(left - 6) + "\" y=\"" + Num(top + 10) + "\" font-size=\"10\" text-anchor=\"end\">" +
         std::to_string(max) + "</text>\n";
  out += "<text x=\"" + Num(left - 6) + "\" y=\"" + Num(top + plot_h) +
         "\" font-size=\"10\" text-anchor=\"end\">0</text>\n";
  out += "<text x=\"" + Num(left + plot_w / 2) + "\" y=\"" + Num(height - 8) +
         "\" font-size=\"12\" text-anchor=\"middle\">" + Escape(x_title) + "</text>\n";
  out += "<text transform=\"translate(14 " + Num(top + plot_h / 2) +
         ") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">" + Escape(y_title) + "</text>\n</svg>\n";
  return out;
}

std::string RocSvg(std::string_view title, const std::vector<Curve>& curves) {
  const double size = 220, pad = 30;
  const double plot = size - 2 * pad;
  auto x = [&](double v) { return Num(pad + plot * v); };
  auto y = [&](double v) { return Num(pad + plot * (1 - v)); };
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Num(size) + "\" height=\"" +
                    Num(size + 14 * static_cast<double>(curves.size())) + "\" role=\"img\" aria-label=\"ROC: " +
                    Escape(title) + "\">\n";
  out += "<text x=\"" + Num(size / 2) + "\" y=\"16\" font-size=\"11\" text-anchor=\"middle\">" + Escape(title) +
         "</text>\n";
  out += "<rect x=\"" + Num(pad) + "\" y=\"" + Num(pad) + "\" width=\"" + Num(plot) + "\" height=\"" + Num(plot) +
         "\" fill=\"none\" stroke=\"#1d232b\"/>\n";
  out += "<line x1=\"" + x(0) + "\" y1=\"" + y(0) + "\" x2=\"" + x(1) + "\" y2=\"" + y(1) +
         "\" stroke=\"#c0c6cc\" stroke-dasharray=\"4 3\"/>\n";
  out += "<text x=\"" + Num(pad + plot / 2) + "\" y=\"" + Num(size - 8) +
         "\" font-size=\"10\" text-anchor=\"middle\">false-positive rate</text>\n";
  out += "<text transform=\"translate(12 " + Num(pad + plot / 2) +
         ") rotate(-90)\" font-size=\"10\" text-anchor=\"middle\">true-positive rate</text>\n";
  for (size_t c = 0; c < curves.size(); ++c) {
    std::string points;
    for (const auto& [fpr, tpr] : curves[c].points) points += x(fpr) + "," + y(tpr) + " ";
    out += "<polyline fill=\"none\" stroke-width=\"1.6\" stroke=\"" + Escape(curves[c].color) + "\" points=\"" +
           points + "\"/>\n";
    const std::string ly = Num(size + 10 + 14 * static_cast<double>(c));
    out += "<line x1=\"" + Num(pad) + "\" y1=\"" + Num(size + 6 + 14 * static_cast<double>(c)) + "\" x2=\"" +
           Num(pad + 16) + "\" y2=\"" + Num(size + 6 + 14 * static_cast<double>(c)) + "\" stroke=\"" +
           Escape(curves[c].color) + "\" stroke-width=\"2\"/>\n";
    out += "<text x=\"" + Num(pad + 20) + "\" y=\"" + ly + "\" font-size=\"10\">" + Escape(curves[c].name) +
           "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

std::string MarkdownToHtml(std::string_view markdown) {
  std::string out;
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= markdown.size();) {
    size_t nl = markdown.find('\n', start);
    if (nl == std::string_view::npos) nl = markdown.size();
    lines.push_back(markdown.substr(start, nl - start));
    start = nl + 1;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.empty()) continue;
    if (line[0] == '#') {
      size_t level = line.find_first_not_of('#');
      if (level == std::string_view::npos) level = line.size();
      const std::string h = std::to_string(std::min<size_t>(level + 1, 6));  // the page has its own h1
      std::string_view text = line.substr(level);
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      out += "<h" + h + ">" + Inline(text) + "</h" + h + ">\n";
    } else if (line[0] == '|') {
      out += "<table>\n";
      bool header = i + 1 < lines.size() && IsRule(lines[i + 1]);
      for (; i < lines.size() && !lines[i].empty() && lines[i][0] == '|'; ++i) {
        if (IsRule(lines[i])) continue;
        out += "<tr>";
        for (std::string_view cell : Cells(lines[i])) {
          // Figures ("1,234", "12.5 %", "1.8x") align right.
          const bool numeric = cell.find_first_of("0123456789") != std::string_view::npos &&
                               cell.find_first_not_of("0123456789.,-+% x") == std::string_view::npos;
          out += header ? "<th>" : (numeric ? "<td class=\"n\">" : "<td>");
          out += Inline(cell);
          out += header ? "</th>" : "</td>";
        }
        out += "</tr>\n";
        header = false;
      }
      out += "</table>\n";
      --i;
    } else {
      out += "<p>" + Inline(line);
      for (; i + 1 < lines.size() && !lines[i + 1].empty() && lines[i + 1][0] != '#' && lines[i + 1][0] != '|'; ++i) {
        out += " " + Inline(lines[i + 1]);
      }
      out += "</p>\n";
    }
  }
  return out;
}

}  // namespace unspin::report
