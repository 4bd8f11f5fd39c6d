// The HTTP API's answers, error paths included, without a socket
// (server/api.h); tests/server/ checks the HTTP layer around it.
#include "server/api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <filesystem>
#include <thread>

#include "io/result_json.h"
#include "test_util.h"
#include "trace/index.h"

namespace unspin {
namespace {

using testing::DefaultModel;

const char kSpun[] =
    "The talks were held in Cairo, in accordance with the Related Press information company. "
    "The most recent spherical of talks left principally ladies and youngsters without meals to outlive.";

std::string Body(const std::string& text) { return nlohmann::json{{"text", text}}.dump(); }

nlohmann::json Json(const ApiResponse& r) { return nlohmann::json::parse(r.body); }

// An error answer: the status, and a JSON body with this code and a message.
void ExpectError(const ApiResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  const nlohmann::json j = Json(r);
  EXPECT_EQ(j.value("code", ""), code) << r.body;
  EXPECT_FALSE(j.value("error", "").empty()) << r.body;
}

TEST(ServerApi, DetectAnswersAsTheDecoderDoes) {
  Api api(DefaultModel(), {}, {});
  const ApiResponse r = api.Detect(Body(kSpun), "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  const nlohmann::json j = Json(r);
  Decoder decoder(DefaultModel());
  DecodeResult expected;
  decoder.Decode(kSpun, &expected);
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), expected.probability);
  EXPECT_EQ(j["spun"].get<bool>(), expected.spun);
  EXPECT_EQ(j["restored"].get<std::string>(), expected.restored);
  ASSERT_EQ(j["spans"].size(), expected.spans.size());
  ASSERT_FALSE(expected.spans.empty());
  for (size_t i = 0; i < expected.spans.size(); ++i) {
    EXPECT_EQ(j["spans"][i]["start"].get<uint64_t>(), expected.spans[i].begin);
    EXPECT_EQ(j["spans"][i]["original"].get<std::string>(), expected.spans[i].original);
  }
  // The bare text as text/plain is the same request.
  EXPECT_EQ(api.Detect(kSpun, "text/plain; charset=utf-8").body, r.body);
  // Media types are case-insensitive.
  EXPECT_EQ(api.Detect(kSpun, "Text/Plain").body, r.body);
  EXPECT_EQ(api.Detect(Body(kSpun), "Application/JSON; charset=UTF-8").body, r.body);
}

// /v1/screen answers as `unspin screen`: the decoder's own answer, marked
// passed, for spun text; a cleared record for clean text; and bad requests
// as /v1/detect gets them.
TEST(ServerApi, ScreenPassesSpunTextOnAndClearsCleanText) {
  Api api(DefaultModel(), {}, {});
  const ApiResponse spun = api.Screen(Body(kSpun), "application/json");
  ASSERT_EQ(spun.status, 200) << spun.body;
  nlohmann::json j = Json(spun);
  EXPECT_EQ(j["screened"], "passed");
  EXPECT_TRUE(j["screen_score"].is_number());
  j.erase("screened");
  j.erase("screen_score");
  EXPECT_EQ(j, Json(api.Detect(Body(kSpun), "application/json")));
  EXPECT_EQ(api.Screen(kSpun, "text/plain").body, spun.body);

  const std::string clean = testing::NewsText();
  const ApiResponse cleared = api.Screen(Body(clean), "");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  Decoder decoder(DefaultModel());
  EXPECT_EQ(Json(cleared), ScreenAndDetectJson(decoder, clean));
  EXPECT_EQ(Json(cleared)["screened"], "clear");
  EXPECT_FALSE(Json(cleared)["spun"].get<bool>());

  ExpectError(api.Screen("{}", "application/json"), 400, "missing_text");
  ExpectError(api.Screen("", "text/plain"), 400, "empty_text");
  ExpectError(api.Screen("caf\xc3 au lait", "text/plain"), 400, "invalid_utf8");
  ExpectError(api.Screen("{\"text\": \"a b\", \"top\": 3}", ""), 400, "unknown_field");
}

TEST(ServerApi, RestoreAndThreshold) {
  Api api(DefaultModel(), {}, {});
  const ApiResponse r = api.Restore(Body(kSpun), "");
  ASSERT_EQ(r.status, 200) << r.body;
  const nlohmann::json j = Json(r);
  EXPECT_NE(j["text"].get<std::string>().find("the Associated Press"), std::string::npos) << r.body;
  EXPECT_GT(j["spans"].get<int>(), 0);
  // A threshold of 1 flags nothing, for that request only.
  const ApiResponse strict = api.Detect(R"({"text": ")" + std::string(kSpun) + R"(", "threshold": 1})", "");
  ASSERT_EQ(strict.status, 200) << strict.body;
  EXPECT_TRUE(Json(strict)["spans"].empty());
  EXPECT_EQ(Json(api.Restore(Body(kSpun), "")), j);
}

TEST(ServerApi, BadRequestsGetPreciseErrors) {
  ApiLimits limits;
  limits.max_body_bytes = 4096;
  Api api(DefaultModel(), {}, limits);
  ExpectError(api.Detect("{\"text\": \"a", "application/json"), 400, "invalid_json");
  ExpectError(api.Detect("[1, 2]", "application/json"), 400, "invalid_json");
  ExpectError(api.Detect("{}", "application/json"), 400, "missing_text");
  ExpectError(api.Detect("{\"text\": 5}", "application/json"), 400, "invalid_field");
  ExpectError(api.Detect("{\"text\": \"a b\", \"thresold\": 0.5}", ""), 400, "unknown_field");
  ExpectError(api.Detect("{\"text\": \"a b\", \"threshold\": 2}", ""), 400, "invalid_field");
  ExpectError(api.Detect("{\"text\": \"a b\", \"threshold\": \"high\"}", ""), 400, "invalid_field");
  ExpectError(api.Detect("{\"text\": \"a b\", \"top\": 3}", ""), 400, "unknown_field");  // trace only
  ExpectError(api.Detect("{\"text\": \" \\n\\t \"}", ""), 400, "empty_text");
  ExpectError(api.Detect("", "text/plain"), 400, "empty_text");
  ExpectError(api.Detect("{\"text\": \"a\\u0000b\"}", ""), 400, "binary_text");
  ExpectError(api.Detect("caf\xc3 au lait", "text/plain"), 400, "invalid_utf8");
  ExpectError(api.Detect("{\"text\": \"caf\xc3 au lait\"}", ""), 400, "invalid_json");
  ExpectError(api.Detect("<text/>", "application/xml"), 415, "unsupported_media_type");
  ExpectError(api.Detect(Body(std::string(5000, 'a')), ""), 413, "body_too_large");
  ExpectError(api.Trace(Body(kSpun), ""), 404, "no_index");
}

TEST(ServerApi, TimeoutIsA503WithRetryAfter) {
  ApiLimits limits;
  limits.request_timeout = std::chrono::milliseconds(1);
  limits.max_body_bytes = size_t{4} << 20;
  Api api(DefaultModel(), {}, limits);
  std::string text;
  while (text.size() < (size_t{1} << 20)) text += std::string(kSpun) + "\n";
  const ApiResponse r = api.Detect(text, "text/plain");
  ExpectError(r, 503, "timeout");
  EXPECT_EQ(r.retry_after_seconds, 1);
}

// With its one worker decoding a long text in a single window, a second
// request waits out its limit and is told the server is busy.
TEST(ServerApi, BusyWorkersAreA503) {
  ApiLimits limits;
  limits.workers = 1;
  limits.request_timeout = std::chrono::milliseconds(200);
  limits.max_body_bytes = size_t{8} << 20;
  limits.window_bytes = size_t{8} << 20;
  Api api(DefaultModel(), {}, limits);
  std::string text;
  while (text.size() < (size_t{3} << 19)) text += std::string(kSpun) + "\n";
  std::thread long_request([&] { EXPECT_EQ(api.Detect(text, "text/plain").status, 200); });
  while (Json(api.Health())["busy"].get<int>() == 0) std::this_thread::yield();
  ExpectError(api.Detect(Body(kSpun), ""), 503, "busy");
  long_request.join();
  EXPECT_EQ(Json(api.Health())["busy"].get<int>(), 0);
  EXPECT_EQ(api.Detect(Body(kSpun), "").status, 200);
}

TEST(ServerApi, TraceFindsTheSource) {
  const std::string dir = testing::TempPath("server_index");
  const std::string source =
      "The talks were held in Cairo, according to the Associated Press news agency. The most recent round of "
      "talks left mostly women and children without food to survive, said Mahmoud Abbas on Thursday.";
  {
    auto index = TraceIndex::Open(dir, DefaultModel().lexicon(), TraceIndex::kCreate);
    ASSERT_TRUE(index.ok()) << index.status().message();
    AddReport report;
    ASSERT_TRUE((*index)->Add(std::vector<IndexDoc>{{"cairo", source}, {"other", "A different text entirely."}},
                              &report)
                    .ok());
  }
  std::vector<std::unique_ptr<TraceIndex>> indexes;
  auto index = TraceIndex::Open(dir, DefaultModel().lexicon(), TraceIndex::kReadOnly);
  ASSERT_TRUE(index.ok());
  indexes.push_back(std::move(*index));
  Api api(DefaultModel(), std::move(indexes), {});
  EXPECT_TRUE(Json(api.Health())["trace"].get<bool>());
  const std::string copy =
      "The talks were held in Cairo, in accordance with the Related Press information company. The most recent "
      "spherical of talks left principally ladies and youngsters without meals to outlive, said Mahmoud Abbas on "
      "Thursday.";
  const ApiResponse r = api.Trace(R"({"text": ")" + copy + R"(", "top": 1})", "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  const nlohmann::json j = Json(r);
  ASSERT_EQ(j["matches"].size(), 1u) << r.body;
  EXPECT_EQ(j["matches"][0]["id"], "cairo");
  // By default the restoration is traced too, and its share is reported.
  EXPECT_GT(j["matches"][0]["restored_similarity"].get<double>(), j["matches"][0]["similarity"].get<double>());
  const ApiResponse plain = api.Trace(R"({"text": ")" + copy + R"(", "top": 1, "restore": false})", "");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(Json(plain)["matches"][0]["id"], "cairo");
  EXPECT_FALSE(Json(plain)["matches"][0].contains("restored_similarity"));
  ExpectError(api.Trace(R"({"text": "x", "restore": "yes"})", ""), 400, "invalid_field");
  ExpectError(api.Trace(R"({"text": "x", "top": 0})", ""), 400, "invalid_field");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace unspin
