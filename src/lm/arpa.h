// ARPA back-off language model text, the format every LM toolkit reads and
// writes. Reading checks everything a malformed file can get wrong and
// names the line; writing prints each value in the shortest form that
// reads back to the same float, so write -> read -> write is exact.
#ifndef UNSPIN_LM_ARPA_H_
#define UNSPIN_LM_ARPA_H_

#include <string>
#include <string_view>

#include "lm/ngram_model.h"
#include "util/status.h"

namespace unspin {

// Parses ARPA text; `name` prefixes messages ("model.arpa"). A probability
// of -inf (some toolkits write it for <s>) is read as -99, the usual
// stand-in. Errors (kInvalidInput, with the line number): no \data\ header,
// bad or missing counts, a section out of order or missing, a count that
// differs from the lines present, a malformed number, the wrong number of
// words, a backoff on the highest order, a word of a longer n-gram that is
// not a unigram, a repeated unigram, invalid UTF-8, no \end\.
Result<NgramModel> ParseArpa(std::string_view text, const std::string& name);
Result<NgramModel> ReadArpaFile(const std::string& path);

// ARPA text of a model (which must pass NgramModel::Validate).
std::string FormatArpa(const NgramModel& model);

}  // namespace unspin

#endif  // UNSPIN_LM_ARPA_H_
