#include "decoder/channel.h"

#include <gtest/gtest.h>

#include "test_util.h"
#include "util/file_io.h"

namespace unspin {
namespace {

TEST(Channel, RoundTripsThroughJson) {
  ChannelParams p;
  p.swap_rate = 0.3;
  p.frequency_exponent = 0.25;
  p.filter.sources = MaskOf(Source::kMythes) | MaskOf(Source::kTable);
  p.calibration.bias = -1.5;
  p.calibration.fitted_on = "test";
  p.pair_log_q["say\tdeclared"] = -1.25f;
  p.pair_log_q["say\t*"] = -3.0f;
  p.adapted_on = "a bag";
  const std::string path = testing::TempPath("channel.json");
  ASSERT_TRUE(p.Save(path).ok());
  auto q = ChannelParams::Load(path);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->ToJson(), p.ToJson());
  EXPECT_EQ(q->filter.sources, p.filter.sources);
  EXPECT_FLOAT_EQ(q->pair_log_q.at("say\tdeclared"), -1.25f);
  std::remove(path.c_str());
}

TEST(Channel, RefusesForeignWrongVersionAndOutOfRange) {
  nlohmann::json good = ChannelParams().ToJson();
  EXPECT_TRUE(ChannelParams::FromJson(good).ok());

  auto code_of = [](const nlohmann::json& j) { return ChannelParams::FromJson(j).status().code(); };
  EXPECT_EQ(code_of(nlohmann::json::array()), StatusCode::kDataLoss);
  nlohmann::json j = good;
  j["format"] = "something else";
  EXPECT_EQ(code_of(j), StatusCode::kDataLoss);
  j = good;
  j["version"] = ChannelParams::kVersion + 1;
  EXPECT_EQ(code_of(j), StatusCode::kVersionMismatch);
  j = good;
  j["swap_rate"] = 1.5;
  EXPECT_EQ(code_of(j), StatusCode::kDataLoss);
  j = good;
  j["beam"] = 0;
  EXPECT_EQ(code_of(j), StatusCode::kDataLoss);
  j = good;
  j["filter"]["sources"] = {"nonsense"};
  EXPECT_EQ(code_of(j), StatusCode::kDataLoss);
  j = good;
  j.erase("calibration");
  EXPECT_EQ(code_of(j), StatusCode::kDataLoss);
  j = good;
  j["swap_rate"] = "high";
  EXPECT_EQ(code_of(j), StatusCode::kDataLoss);
}

TEST(Channel, LoadNamesTheFileAndTheProblem) {
  const std::string path = testing::TempPath("bad_channel.json");
  ASSERT_TRUE(WriteFileAtomically(path, "{ not json").ok());
  auto p = ChannelParams::Load(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(p.status().message().find(path), std::string::npos);
  std::remove(path.c_str());
  EXPECT_EQ(ChannelParams::Load(path).status().code(), StatusCode::kNotFound);
}

// A written channel file carries a checksum of its content: a changed
// value or a damaged byte is refused, a reformatted file or one written by
// hand (no checksum) is taken.
TEST(Channel, ChecksumRefusesChangedValues) {
  ChannelParams p;
  p.calibration.fitted_on = "test";
  const std::string path = testing::TempPath("sealed_channel.json");
  ASSERT_TRUE(p.Save(path).ok());
  auto text = ReadFileToString(path, 1 << 20);
  ASSERT_TRUE(text.ok());
  nlohmann::json j = nlohmann::json::parse(*text);
  ASSERT_TRUE(j.contains("checksum"));

  ASSERT_TRUE(WriteFileAtomically(path, j.dump(4)).ok());  // reformatted
  EXPECT_TRUE(ChannelParams::Load(path).ok());

  nlohmann::json changed = j;
  changed["flag_threshold"] = 0.125;
  ASSERT_TRUE(WriteFileAtomically(path, changed.dump(1)).ok());
  auto refused = ChannelParams::Load(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(refused.status().message().find("checksum mismatch"), std::string::npos);

  changed.erase("checksum");  // an edit on purpose
  ASSERT_TRUE(WriteFileAtomically(path, changed.dump(1)).ok());
  auto edited = ChannelParams::Load(path);
  ASSERT_TRUE(edited.ok()) << edited.status().message();
  EXPECT_DOUBLE_EQ(edited->flag_threshold, 0.125);

  // Every single flipped byte is refused, or leaves the content as it was
  // (a flip inside the "checksum" key, or blank space for blank space).
  const std::string sealed = *text;
  for (size_t at = 0; at < sealed.size(); at += 7) {
    std::string bad = sealed;
    bad[at] = static_cast<char>(bad[at] ^ 0x04);
    ASSERT_TRUE(WriteFileAtomically(path, bad).ok());
    auto loaded = ChannelParams::Load(path);
    if (loaded.ok()) {
      EXPECT_EQ(loaded->ToJson(), p.ToJson()) << "flip at " << at;
    }
  }
  std::remove(path.c_str());
}

TEST(Channel, CalibrationIsMonotone) {
  Calibration c;
  EXPECT_LT(c.Probability(0.0, 0.0, 200, 0), c.Probability(0.1, 0.0, 200, 0));
  EXPECT_LT(c.Probability(0.1, 0.0, 200, 0), c.Probability(0.1, 0.05, 200, 0));
  const double p = c.Probability(0.05, 0.02, 200, 0);
  EXPECT_GT(p, 0.0);
  EXPECT_LT(p, 1.0);
  // The likelihood ratio counts only where a calibration gives it weight.
  EXPECT_EQ(c.Probability(0.05, 0.02, 200, -1.0), p);
  c.ratio = 2.0;
  EXPECT_LT(c.Probability(0.05, 0.02, 200, -1.0), c.Probability(0.05, 0.02, 200, 0.5));
}

TEST(Channel, ReadsCalibrationsWithoutRatio) {
  nlohmann::json j = ChannelParams().ToJson();
  j["calibration"].erase("ratio");
  auto p = ChannelParams::FromJson(j);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->calibration.ratio, 0.0);
}

}  // namespace
}  // namespace unspin
