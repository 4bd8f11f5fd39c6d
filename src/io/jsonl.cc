#include "io/jsonl.h"

#include "io/result_json.h"
#include "text/utf8.h"

namespace unspin {

JsonlReader::JsonlReader(int fd, size_t max_record_bytes, bool replace_invalid)
    : lines_(fd, max_record_bytes), max_bytes_(max_record_bytes), replace_invalid_(replace_invalid) {}

Result<bool> JsonlReader::Next(JsonlItem* item) {
  for (;;) {
    Line line;
    ASSIGN_OR_RETURN(bool got, lines_.Next(&line));
    if (!got) return false;
    *item = JsonlItem();
    item->line = line.number;
    if (line.too_long) {
      item->error = "record is " + std::to_string(line.length) + " bytes, over the limit of " +
                    std::to_string(max_bytes_) + " (--max-record-bytes)";
      return true;
    }
    line_.assign(line.text);
    if (line_.find_first_not_of(" \t") == std::string::npos) continue;  // blank: not a record
    if (size_t nul = FindNul(line_); nul != std::string::npos) {
      item->error = "line contains a NUL byte at column " + std::to_string(nul + 1) + " (binary data?)";
      return true;
    }
    if (replace_invalid_) {
      line_ = ReplaceInvalidUtf8(line_, nullptr);
    } else if (size_t bad = FindInvalidUtf8(line_); bad != std::string::npos) {
      item->error = "invalid UTF-8 at column " + std::to_string(bad + 1) +
                    "; fix the encoding or pass --replace-invalid";
      // Still report the record's id if the rest of it is readable.
      nlohmann::json repaired = nlohmann::json::parse(ReplaceInvalidUtf8(line_, nullptr), nullptr, false);
      if (repaired.is_object() && repaired.contains("id")) item->id = repaired["id"];
      return true;
    }
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(line_);
    } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for 1e99999
      item->error = std::string("not valid JSON: ") + e.what();
      return true;
    }
    if (!record.is_object()) {
      item->error = std::string("expected a JSON object, got ") + record.type_name();
      return true;
    }
    if (auto it = record.find("id"); it != record.end()) item->id = *it;
    for (const std::string& name : required_) {
      auto field = record.find(name);
      if (field == record.end()) {
        item->error = "record has no \"" + name + "\" field";
        item->fields.clear();
        return true;
      }
      if (!field->is_string()) {
        item->error = "\"" + name + "\" must be a string, got " + field->type_name();
        item->fields.clear();
        return true;
      }
      std::string value = field->get<std::string>();
      if (size_t nul = FindNul(value); nul != std::string::npos) {
        item->error = "\"" + name + "\" contains a NUL character at byte " + std::to_string(nul);
        item->fields.clear();
        return true;
      }
      item->fields.push_back(std::move(value));
    }
    item->text = item->fields.empty() ? std::string() : item->fields.front();
    item->record = std::move(record);
    return true;
  }
}

nlohmann::json ErrorRecord(const JsonlItem& item) {
  nlohmann::json out;
  out["id"] = item.id;
  out["line"] = item.line;
  out["error"] = item.error;
  return out;
}

Status ForEachJsonlResult(JsonlReader& reader, const std::function<nlohmann::json(const JsonlItem&)>& make,
                          const std::function<Status(const std::string& line)>& write, uint64_t* records,
                          uint64_t* errors) {
  JsonlItem item;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&item));
    if (!more) return OkStatus();
    nlohmann::json record;
    if (!item.error.empty()) {
      record = ErrorRecord(item);
      ++*errors;
    } else {
      record = make(item);
      // A record the command could not process carries an "error" too.
      if (record.contains("error")) ++*errors;
    }
    ++*records;
    std::string line = DumpJson(record);
    line += '\n';
    RETURN_IF_ERROR(write(line));
  }
}

}  // namespace unspin
