// `unspin report` on arbitrary lines: each line that parses as JSON goes
// to CorpusReport::Add, which takes it or refuses it with kInvalidInput
// (never throws), and the page is written at the end.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "fuzz_util.h"
#include "report/corpus_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  unspin::report::CorpusReport report({3, 5});
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded()) continue;
    const unspin::Status s = report.Add(record);
    FUZZ_CHECK(s.ok() || s.code() == unspin::StatusCode::kInvalidInput);
  }
  const std::string page = report.ToHtml("fuzz <report>", "input");
  FUZZ_CHECK(page.find("<script") == std::string::npos);
  return 0;
}
