// JSON Lines input for batch commands: one {"id": ..., "text": "..."} record
// per line. Every non-blank line yields exactly one JsonlItem, either a
// record or an error naming the line, so callers can emit one output record
// per input record and lose none.
#ifndef UNSPIN_IO_JSONL_H_
#define UNSPIN_IO_JSONL_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/line_reader.h"
#include "util/status.h"

namespace unspin {

struct JsonlItem {
  uint64_t line = 0;     // 1-based line number in the input
  nlohmann::json id;     // the record's "id" as given, or null
  std::string text;      // valid UTF-8 when error is empty
  std::string error;     // non-empty: this line is not a usable record
  // The record as parsed (an object), when error is empty: for callers
  // that read optional fields beside the text.
  nlohmann::json record;
  // With JsonlReader::RequireFields, each required field's string, in the
  // order given (text is the first).
  std::vector<std::string> fields;
};

class JsonlReader {
 public:
  // Reads from `fd` (not owned). Lines longer than `max_record_bytes` are
  // skipped (streamed past, never held in memory) and reported as errors.
  // With `replace_invalid`, invalid UTF-8 is replaced by U+FFFD instead of
  // being an error.
  JsonlReader(int fd, size_t max_record_bytes, bool replace_invalid);
  // Records must have these string fields (default: "text"); a record
  // that lacks one, or has it of another type, is an error item.
  void RequireFields(std::vector<std::string> names) { required_ = std::move(names); }

  // Returns false at end of input. A read error of the input itself (not of
  // a record) is returned as a Status.
  Result<bool> Next(JsonlItem* item);
  uint64_t bytes_consumed() const { return lines_.bytes_consumed(); }

 private:
  LineReader lines_;
  size_t max_bytes_;
  bool replace_invalid_;
  std::string line_;
  std::vector<std::string> required_ = {"text"};
};

// The error record written for a bad input line.
nlohmann::json ErrorRecord(const JsonlItem& item);

// The loop of every JSONL batch (the CLI's --jsonl commands, the Python
// module's detect_jsonl): one output line per item, in input order; `make`
// turns a good record into its result, a bad one becomes ErrorRecord.
// `write` gets each line, newline included. Counts the items and the error
// records; returns the first read or write error.
Status ForEachJsonlResult(JsonlReader& reader, const std::function<nlohmann::json(const JsonlItem&)>& make,
                          const std::function<Status(const std::string& line)>& write, uint64_t* records,
                          uint64_t* errors);

}  // namespace unspin

#endif  // UNSPIN_IO_JSONL_H_
