#include "io/real_data.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/jsonl.h"
#include "io/line_reader.h"
#include "text/utf8.h"
#include "util/strings.h"

namespace unspin {

namespace {

constexpr uint64_t kMaxLineBytes = uint64_t{64} << 20;

Result<int> OpenForReading(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError(path + ": no such file");
    return IoError(path + ": " + std::strerror(errno));
  }
  return fd;
}

// Closes a descriptor when it goes out of scope.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

Status LineError(const std::string& path, uint64_t line, const std::string& what) {
  return InvalidInputError(path + ":" + std::to_string(line) + ": " + what);
}

}  // namespace

Result<std::vector<DocumentPair>> ReadDocumentPairs(const std::string& path) {
  ASSIGN_OR_RETURN(int fd, OpenForReading(path));
  FdCloser closer{fd};
  JsonlReader reader(fd, kMaxLineBytes, false);
  reader.RequireFields({"original", "spun"});
  std::vector<DocumentPair> out;
  JsonlItem item;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&item));
    if (!more) break;
    if (!item.error.empty()) return LineError(path, item.line, item.error);
    DocumentPair p;
    if (item.id.is_string()) {
      p.id = item.id.get<std::string>();
    } else if (item.id.is_number_integer()) {
      p.id = item.id.dump();
    } else {
      return LineError(path, item.line, "record has no \"id\" (a string or a whole number)");
    }
    p.original = std::move(item.fields[0]);
    p.spun = std::move(item.fields[1]);
    if (p.original.find_first_not_of(" \t\r\n") == std::string::npos ||
        p.spun.find_first_not_of(" \t\r\n") == std::string::npos) {
      return LineError(path, item.line, "\"original\" and \"spun\" must not be empty");
    }
    for (const char* name : {"spinner", "spun_url", "url", "original_url"}) {
      auto it = item.record.find(name);
      if (it == item.record.end() || it->is_null()) continue;
      if (!it->is_string()) return LineError(path, item.line, std::string("\"") + name + "\" must be a string");
      if (std::strcmp(name, "spinner") == 0) {
        p.profile = it->get<std::string>();
      } else if (std::strcmp(name, "original_url") == 0) {
        p.original_url = it->get<std::string>();
      } else if (p.label.empty()) {
        p.label = it->get<std::string>();
      }
    }
    if (p.label.empty()) p.label = p.id;
    out.push_back(std::move(p));
  }
  if (out.empty()) return InvalidInputError(path + ": no document pairs");
  return out;
}

Result<std::vector<PhrasePair>> ReadPhrasePairs(const std::string& path) {
  ASSIGN_OR_RETURN(int fd, OpenForReading(path));
  FdCloser closer{fd};
  LineReader lines(fd, kMaxLineBytes);
  std::vector<PhrasePair> out;
  Line line;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, lines.Next(&line));
    if (!more) break;
    if (line.too_long) return LineError(path, line.number, "line of " + std::to_string(line.length) + " bytes");
    if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (size_t bad = FindInvalidUtf8(line.text); bad != std::string_view::npos) {
      return LineError(path, line.number, "invalid UTF-8 at column " + std::to_string(bad + 1));
    }
    if (size_t nul = FindNul(line.text); nul != std::string_view::npos) {
      return LineError(path, line.number, "NUL byte at column " + std::to_string(nul + 1));
    }
    std::vector<std::string> f = Split(line.text, '\t');
    if (f.size() < 2) return LineError(path, line.number, "expected spun<TAB>original");
    if (line.number == 1 && f[0] == "spun" && f[1] == "original") continue;
    for (std::string* s : {&f[0], &f[1]}) {
      const size_t a = s->find_first_not_of(' '), b = s->find_last_not_of(' ');
      *s = a == std::string::npos ? "" : s->substr(a, b - a + 1);
    }
    if (f[0].empty() || f[1].empty()) return LineError(path, line.number, "an empty phrase");
    out.push_back({std::move(f[0]), std::move(f[1]), line.number});
  }
  if (out.empty()) return InvalidInputError(path + ": no phrase pairs");
  return out;
}

}  // namespace unspin
