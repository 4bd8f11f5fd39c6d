#include "spin/profile.h"

namespace unspin {

namespace {
constexpr RelationMask kSynonymsOnly = MaskOf(Relation::kSynonym) | MaskOf(Relation::kSimilar);
constexpr SourceMask kThesauri = MaskOf(Source::kMythes) | MaskOf(Source::kWordNet) | MaskOf(Source::kMoby);

SpinProfile Make(const char* name, const char* description, SourceMask sources, int max_tokens,
                 bool respect_pos, RelationMask relations = kSynonymsOnly, bool common = true) {
  SpinProfile p;
  p.filter.everyday_only = common;
  p.name = name;
  p.description = description;
  p.filter.sources = sources;
  p.filter.relations = relations;
  p.max_phrase_tokens = max_tokens;
  p.respect_pos = respect_pos;
  return p;
}
}  // namespace

const std::vector<SpinProfile>& BuiltinProfiles() {
  static const std::vector<SpinProfile> profiles = {
      Make("naive", "any sense of any synonym from every thesaurus, word level (round -> spherical)",
           kThesauri, 1, false, kSynonymsOnly, false),
      Make("phrase", "multi-word and word swaps among everyday words from every thesaurus and "
                     "the spinner rewrite table (according to -> in accordance with); senses "
                     "unchecked for base forms (round -> spherical); the closest to web spinners",
           kThesauri | MaskOf(Source::kTable), 4, true),
      Make("careful", "phrase swaps from mythes and WordNet with the part of speech respected",
           MaskOf(Source::kMythes) | MaskOf(Source::kWordNet) | MaskOf(Source::kTable), 4, true),
      Make("loose", "like phrase, also using rare words and broader and related terms (a sloppy spinner)",
           kThesauri | MaskOf(Source::kTable), 4, false,
           kSynonymsOnly | MaskOf(Relation::kRelated) | MaskOf(Relation::kBroader), false),
      Make("mythes", "LibreOffice thesaurus only, phrases allowed", MaskOf(Source::kMythes), 4, false),
      Make("wordnet", "WordNet synsets only, phrases allowed", MaskOf(Source::kWordNet), 4, false),
      Make("moby", "Moby thesaurus (Aiksaurus) only, phrases allowed", MaskOf(Source::kMoby), 4, false),
      Make("table", "the spinner rewrite table only", MaskOf(Source::kTable), 4, false),
  };
  return profiles;
}

Result<SpinProfile> FindProfile(std::string_view name) {
  std::string known;
  for (const SpinProfile& p : BuiltinProfiles()) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  return InvalidArgumentError("unknown profile \"" + std::string(name) + "\"; profiles are: " + known);
}

Result<SourceMask> ParseSourceList(std::string_view list) {
  SourceMask mask = 0;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view name = list.substr(start, end - start);
    auto source = ParseSource(name);
    if (!source) {
      return InvalidArgumentError("unknown lexicon source \"" + std::string(name) +
                                  "\"; sources are: mythes, wordnet, moby, table");
    }
    mask |= MaskOf(*source);
    start = end + 1;
  }
  return mask;
}

}  // namespace unspin
