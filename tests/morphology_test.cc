#include "lexicon/morphology.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace unspin {
namespace {

TEST(RuleInflections, FollowEnglishSpellingRules) {
  using I = Inflection;
  EXPECT_EQ(RuleInflections("lady", I::kPlural).front(), "ladies");
  EXPECT_EQ(RuleInflections("box", I::kPlural).front(), "boxes");
  EXPECT_EQ(RuleInflections("church", I::kPlural).front(), "churches");
  EXPECT_EQ(RuleInflections("day", I::kPlural).front(), "days");
  EXPECT_EQ(RuleInflections("go", I::kThirdPerson).front(), "goes");
  EXPECT_EQ(RuleInflections("mention", I::kPast).front(), "mentioned");
  EXPECT_EQ(RuleInflections("release", I::kPast).front(), "released");
  EXPECT_EQ(RuleInflections("carry", I::kPast).front(), "carried");
  EXPECT_EQ(RuleInflections("stop", I::kPast).front(), "stopped");
  EXPECT_EQ(RuleInflections("visit", I::kPast).front(), "visited");
  EXPECT_EQ(RuleInflections("panic", I::kPast).back(), "panicked");
  EXPECT_EQ(RuleInflections("make", I::kGerund).front(), "making");
  EXPECT_EQ(RuleInflections("lie", I::kGerund).front(), "lying");
  EXPECT_EQ(RuleInflections("see", I::kGerund).front(), "seeing");
  EXPECT_EQ(RuleInflections("big", I::kComparative).front(), "bigger");
  EXPECT_EQ(RuleInflections("happy", I::kSuperlative).front(), "happiest");
  EXPECT_TRUE(RuleInflections("x", I::kBase).empty());
}

TEST(MorphologyBuilder, UsesExceptionsIrregularsAndAttestation) {
  MorphologyBuilder m = testing::TestMorphology();
  auto noun = m.Inflect("woman", PosBit(Pos::kNoun));
  EXPECT_EQ(noun[static_cast<int>(Inflection::kPlural)], "women");
  EXPECT_EQ(m.Inflect("child", PosBit(Pos::kNoun))[static_cast<int>(Inflection::kPlural)], "children");
  auto take = m.Inflect("take", PosBit(Pos::kVerb));
  EXPECT_EQ(take[static_cast<int>(Inflection::kPast)], "took");
  EXPECT_EQ(take[static_cast<int>(Inflection::kPastParticiple)], "taken");
  EXPECT_EQ(take[static_cast<int>(Inflection::kThirdPerson)], "takes");
  EXPECT_EQ(m.Inflect("visit", PosBit(Pos::kVerb))[static_cast<int>(Inflection::kPast)], "visited");
  EXPECT_EQ(m.Inflect("say", PosBit(Pos::kVerb))[static_cast<int>(Inflection::kPast)], "said");
  auto good = m.Inflect("good", PosBit(Pos::kAdj));
  EXPECT_EQ(good[static_cast<int>(Inflection::kComparative)], "better");
  EXPECT_EQ(good[static_cast<int>(Inflection::kSuperlative)], "best");
  // Unattested synthetic comparatives are not made ("beautifuler").
  EXPECT_EQ(m.Inflect("beautiful", PosBit(Pos::kAdj))[static_cast<int>(Inflection::kComparative)], "");
  EXPECT_EQ(m.Inflect("happy", PosBit(Pos::kAdj))[static_cast<int>(Inflection::kComparative)], "happier");
  EXPECT_EQ(m.WordNetPos("round"), PosBit(Pos::kNoun) | PosBit(Pos::kAdj));
}

TEST(MorphologyBuilder, MissingWordNetNamesThePackage) {
  MorphologyBuilder m;
  Status s = m.LoadWordNet("/nonexistent");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("wordnet-base"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace unspin
