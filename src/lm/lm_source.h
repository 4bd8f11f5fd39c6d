// Language models made elsewhere, read into the interchange form: ARPA text
// or sphinxbase trie binaries, told apart by their first bytes.
#ifndef UNSPIN_LM_LM_SOURCE_H_
#define UNSPIN_LM_LM_SOURCE_H_

#include <string>
#include <string_view>

#include "lm/ngram_model.h"
#include "util/status.h"

namespace unspin {

enum class LmSourceFormat { kAuto, kArpa, kSphinx };

// "auto", "arpa" or "sphinx".
Result<LmSourceFormat> ParseLmSourceFormat(std::string_view name);
const char* LmSourceFormatName(LmSourceFormat format);

// Reads `path`; with kAuto, a file starting "Trie Language Model" is read as
// sphinx and anything else as ARPA. `*read_as` gets the format used. A
// compiled unspin model is refused with kInvalidArgument: it holds hashed
// n-grams, not the n-grams, so it cannot be a source.
Result<NgramModel> ReadLmSource(const std::string& path, LmSourceFormat format, LmSourceFormat* read_as);

}  // namespace unspin

#endif  // UNSPIN_LM_LM_SOURCE_H_
