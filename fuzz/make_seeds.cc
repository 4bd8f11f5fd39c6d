// Writes the binary seed of the lexicon fuzz target, made by the current
// writer so that it follows the current format: DIR/lexicon/tiny.bin (a few
// senses, with phrases, casing and inflections). (The smallest language
// model file is 787 KB, too large to fuzz whole: lm_fuzz edits one it
// builds itself.) Usage: make_seeds DIR
#include <cstdio>
#include <string>

#include "lexicon/lexicon_builder.h"
#include "util/file_io.h"

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "make_seeds: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace unspin;
  if (argc != 2) return Fail("usage: make_seeds DIR");
  const std::string dir = argv[1];

  LexiconBuilder lexicon;
  auto sense = [](Pos pos, Source source, std::string head, std::vector<std::string> members) {
    RawSense s{pos, source, std::move(head), {}};
    for (auto& m : members) s.members.emplace_back(std::move(m), Relation::kSynonym);
    return s;
  };
  lexicon.AddSenses({
      sense(Pos::kNoun, Source::kMythes, "news agency", {"information company"}),
      sense(Pos::kVerb, Source::kMythes, "say", {"mention", "state"}),
      sense(Pos::kNoun, Source::kWordNet, "", {"The Hague", "Den Haag"}),
      sense(Pos::kOther, Source::kTable, "according to", {"in accordance with"}),
      sense(Pos::kAdj, Source::kMoby, "happy", {"glad"}),
  });
  lexicon.AddStopwords({"the", "a", "of"});
  MorphologyBuilder morphology;
  Status s = morphology.LoadIrregularVerbs(std::string(UNSPIN_DATA_DIR) + "/irregular_verbs.tsv");
  if (!s.ok()) return Fail(s.message());
  std::string bytes;
  LexiconBuildReport report;
  s = lexicon.Build(morphology, "{\"kind\":\"fuzz seed\"}", &bytes, &report);
  if (!s.ok()) return Fail(s.message());
  s = WriteFileAtomically(dir + "/lexicon/tiny.bin", bytes);
  if (!s.ok()) return Fail(s.message());

  std::printf("make_seeds: wrote %s/lexicon/tiny.bin\n", dir.c_str());
  return 0;
}
