// Real spinner data as `unspin learn` and `unspin eval real` read it:
// aligned document pairs (JSONL) and phrase lists (TSV). Every malformed
// line is an error naming the file and the line: learning or measuring on
// part of a file without saying so would be worse than stopping.
#ifndef UNSPIN_IO_REAL_DATA_H_
#define UNSPIN_IO_REAL_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"

namespace unspin {

// {"id", "original", "spun"} with optional "spinner" (a profile label) and
// "spun_url" or "url" (where the spun copy was found).
struct DocumentPair {
  std::string id;
  std::string original, spun;
  std::string profile;  // "spinner"; empty if not given
  std::string label;    // spun_url, url or id: what a learned table names it by
  std::string original_url;  // "original_url"; empty if not given
};

// spun<TAB>original[<TAB>anything...]; a first line "spun<TAB>original..."
// is a header.
struct PhrasePair {
  std::string spun, original;
  uint64_t line = 0;
};

// Errors: kNotFound, kInvalidInput ("FILE:LINE: what"), kIoError.
Result<std::vector<DocumentPair>> ReadDocumentPairs(const std::string& path);
Result<std::vector<PhrasePair>> ReadPhrasePairs(const std::string& path);

}  // namespace unspin

#endif  // UNSPIN_IO_REAL_DATA_H_
