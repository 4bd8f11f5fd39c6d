#include "io/jsonl.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

namespace unspin {
namespace {

std::vector<JsonlItem> ReadAll(const std::string& input, size_t max_bytes = 1 << 20,
                               bool replace = false) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  std::thread writer([&] {
    size_t done = 0;
    while (done < input.size()) {
      ssize_t n = write(fds[1], input.data() + done, input.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(fds[1]);
  });
  JsonlReader reader(fds[0], max_bytes, replace);
  std::vector<JsonlItem> items;
  JsonlItem item;
  for (;;) {
    auto more = reader.Next(&item);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    items.push_back(item);
  }
  writer.join();
  close(fds[0]);
  return items;
}

TEST(Jsonl, EveryNonBlankLineGivesOneItem) {
  auto items = ReadAll(
      "{\"id\": 1, \"text\": \"hello\"}\n"
      "\n"
      "not json\n"
      "{\"id\": \"x\"}\n"
      "[1,2]\n"
      "{\"text\": 5}\n"
      "{\"id\": 7, \"text\": \"bad \\u0000 nul\"}\n"
      "{\"id\": 8, \"text\": \"last line without newline\"}");
  ASSERT_EQ(items.size(), 7u);
  EXPECT_EQ(items[0].text, "hello");
  EXPECT_EQ(items[0].id, 1);
  EXPECT_TRUE(items[0].error.empty());
  EXPECT_EQ(items[1].line, 3u);
  EXPECT_NE(items[1].error.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(items[2].id, "x");
  EXPECT_NE(items[2].error.find("no \"text\""), std::string::npos);
  EXPECT_NE(items[3].error.find("JSON object"), std::string::npos);
  EXPECT_NE(items[4].error.find("must be a string"), std::string::npos);
  EXPECT_NE(items[5].error.find("NUL"), std::string::npos);
  EXPECT_EQ(items[6].text, "last line without newline");
  EXPECT_EQ(items[6].line, 8u);
}

// Found by fuzzing (fuzz/corpus/jsonl/number-overflow.jsonl): a number
// beyond double's range made the JSON parser throw an exception other
// than a parse error, which ended the whole batch.
TEST(Jsonl, NumberOverflowIsAnErrorRecord) {
  auto items = ReadAll(
      "{\"id\": 1, \"text\": \"a\", \"x\": 1e99999}\n"
      "3333333333e3333333\n"
      "{\"id\": 3, \"text\": \"after\"}\n");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_NE(items[0].error.find("number overflow"), std::string::npos) << items[0].error;
  EXPECT_NE(items[1].error.find("not valid JSON"), std::string::npos) << items[1].error;
  EXPECT_EQ(items[2].text, "after");
}

TEST(Jsonl, OversizedLinesAreReportedAndSkipped) {
  std::string big = "{\"id\": 1, \"text\": \"" + std::string(5000, 'a') + "\"}\n";
  auto items = ReadAll(big + "{\"id\": 2, \"text\": \"ok\"}\n", 1000);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_NE(items[0].error.find("over the limit of 1000"), std::string::npos) << items[0].error;
  EXPECT_EQ(items[1].text, "ok");
}

TEST(Jsonl, InvalidUtf8IsAnErrorOrReplaced) {
  std::string line = "{\"id\": 1, \"text\": \"caf\xFF\"}\n";
  auto items = ReadAll(line);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].error.find("invalid UTF-8 at column 23"), std::string::npos) << items[0].error;
  items = ReadAll(line, 1 << 20, true);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].error.empty());
  EXPECT_EQ(items[0].text, "caf\xEF\xBF\xBD");
}

TEST(Jsonl, ErrorRecordCarriesIdAndLine) {
  JsonlItem item;
  item.line = 4;
  item.id = "doc-9";
  item.error = "broken";
  nlohmann::json j = ErrorRecord(item);
  EXPECT_EQ(j["id"], "doc-9");
  EXPECT_EQ(j["line"], 4);
  EXPECT_EQ(j["error"], "broken");
}

}  // namespace
}  // namespace unspin
