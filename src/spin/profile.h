// Spinner profiles: which synonyms a spinner draws on and how. They imitate
// families of real spinners, and let evaluation spin with synonym sets the
// decoder does not have.
#ifndef UNSPIN_SPIN_PROFILE_H_
#define UNSPIN_SPIN_PROFILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "lexicon/lexicon.h"
#include "util/status.h"

namespace unspin {

struct SpinProfile {
  std::string name;
  std::string description;
  LexiconFilter filter;
  int max_phrase_tokens = 1;  // 1 = word level only
  // Keep a sense only if its part of speech fits the word's inflection
  // ("rounds" as a plural noun may not become "spherical"). Naive spinners
  // do not check.
  bool respect_pos = false;
};

// Every built-in profile, in a fixed order.
const std::vector<SpinProfile>& BuiltinProfiles();
Result<SpinProfile> FindProfile(std::string_view name);
// Parses "mythes,wordnet" into a source mask.
Result<SourceMask> ParseSourceList(std::string_view list);

}  // namespace unspin

#endif  // UNSPIN_SPIN_PROFILE_H_
