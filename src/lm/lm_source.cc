#include "lm/lm_source.h"

#include "lm/arpa.h"
#include "lm/format.h"
#include "lm/sphinx_trie.h"
#include "util/file_io.h"

namespace unspin {

Result<LmSourceFormat> ParseLmSourceFormat(std::string_view name) {
  if (name == "auto") return LmSourceFormat::kAuto;
  if (name == "arpa") return LmSourceFormat::kArpa;
  if (name == "sphinx") return LmSourceFormat::kSphinx;
  return InvalidArgumentError("unknown format '" + std::string(name) + "' (expected auto, arpa or sphinx)");
}

const char* LmSourceFormatName(LmSourceFormat format) {
  switch (format) {
    case LmSourceFormat::kArpa: return "arpa";
    case LmSourceFormat::kSphinx: return "sphinx";
    default: return "auto";
  }
}

Result<NgramModel> ReadLmSource(const std::string& path, LmSourceFormat format, LmSourceFormat* read_as) {
  if (format == LmSourceFormat::kAuto) {
    ASSIGN_OR_RETURN(std::string head, ReadFileToString(path, 32));
    if (head.starts_with("Trie Language Model")) {
      format = LmSourceFormat::kSphinx;
    } else if (head.starts_with(std::string_view(lm_format::kMagic, sizeof lm_format::kMagic - 1))) {
      return InvalidArgumentError(path + " is a compiled unspin model: it stores hashed n-grams, not the "
                                  "n-grams themselves; use the model's source (or train with --arpa)");
    } else {
      format = LmSourceFormat::kArpa;
    }
  }
  *read_as = format;
  return format == LmSourceFormat::kSphinx ? ReadSphinxTrieFile(path) : ReadArpaFile(path);
}

}  // namespace unspin
