#include "util/binary_file.h"

#include <gtest/gtest.h>

#include <random>

#include "test_util.h"

namespace unspin {
namespace {

std::string Sample() {
  BinaryFileWriter w("UNSPTEST", 3);
  w.AddSection(SectionTag("AAAA"), "hello");
  w.AddArray(SectionTag("BBBB"), std::vector<uint32_t>{1, 2, 3});
  return w.Serialize();
}

TEST(BinaryFile, RoundTrips) {
  std::string path = testing::TempPath("sample.bin");
  ASSERT_TRUE(WriteFileAtomically(path, Sample()).ok());
  auto f = BinaryFile::Open(path, "UNSPTEST", 3, "test");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(*f->Section(SectionTag("AAAA")), "hello");
  auto arr = f->Array<uint32_t>(SectionTag("BBBB"));
  ASSERT_TRUE(arr.ok());
  EXPECT_EQ(arr->size(), 3u);
  EXPECT_EQ((*arr)[2], 3u);
  EXPECT_EQ(f->Section(SectionTag("CCCC")).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(f->Array<uint64_t>(SectionTag("AAAA")).status().code(), StatusCode::kDataLoss);
}

TEST(BinaryFile, RefusesForeignTruncatedAndOtherVersions) {
  std::string bytes = Sample();
  BinaryFile::Info info;
  EXPECT_TRUE(BinaryFile::Validate(bytes, "UNSPTEST", 3, "test", &info).ok());
  Status s = BinaryFile::Validate(bytes, "UNSPLEX", 3, "lexicon", &info);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("not an unspin lexicon file"), std::string::npos) << s.message();
  s = BinaryFile::Validate(bytes, "UNSPTEST", 4, "test", &info);
  EXPECT_EQ(s.code(), StatusCode::kVersionMismatch);
  EXPECT_NE(s.message().find("version 3"), std::string::npos) << s.message();
  s = BinaryFile::Validate(bytes.substr(0, bytes.size() - 1), "UNSPTEST", 3, "test", &info);
  EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.message();
  EXPECT_FALSE(BinaryFile::Validate("", "UNSPTEST", 3, "test", &info).ok());
  EXPECT_EQ(BinaryFile::Open("/nonexistent/x.bin", "UNSPTEST", 3, "test").status().code(),
            StatusCode::kNotFound);
}

// Every truncation and every single flipped byte is refused.
TEST(BinaryFile, RefusesEveryTruncationAndFlippedByte) {
  std::string bytes = Sample();
  BinaryFile::Info info;
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(BinaryFile::Validate(bytes.substr(0, n), "UNSPTEST", 3, "test", &info).ok()) << n;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(BinaryFile::Validate(bad, "UNSPTEST", 3, "test", &info).ok()) << i;
  }
}

}  // namespace
}  // namespace unspin
