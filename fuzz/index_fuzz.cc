// The trace index reader on arbitrary bytes as DIR/index.sqlite, opened
// read-only with the default model's lexicon: refused with a message, or
// an index whose info, queries and integrity check end with a result or a
// clear error. SQLite's own parsing is fuzzed by SQLite; this target is
// for what unspin reads from the rows (fingerprints, ids, settings).
#include <dirent.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "trace/index.h"
#include "util/file_io.h"

namespace {

const std::string& WorkDir() {
  static const std::string dir = [] {
    char pattern[] = "/tmp/unspin_index_fuzz_XXXXXX";
    FUZZ_CHECK(mkdtemp(pattern) != nullptr);
    return std::string(pattern);
  }();
  return dir;
}

void EmptyDir(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  FUZZ_CHECK(d != nullptr);
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") unlink((dir + "/" + name).c_str());
  }
  closedir(d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const unspin::Lexicon& lexicon = unspin::fuzz::DefaultModel().lexicon();
  const std::string& dir = WorkDir();
  EmptyDir(dir);
  FUZZ_CHECK(unspin::WriteFileAtomically(dir + "/index.sqlite",
                                         std::string_view(reinterpret_cast<const char*>(data), size))
                 .ok());
  auto index = unspin::TraceIndex::Open(dir, lexicon, unspin::TraceIndex::kReadOnly);
  if (!index.ok()) {
    FUZZ_CHECK(!index.status().message().empty());
    return 0;
  }
  (void)(*index)->Info();
  unspin::TraceQueryOptions options;
  options.threshold = 0;
  auto matches = (*index)->Query(
      "The talks were held in Cairo, in accordance with the Related Press information company. The most recent "
      "spherical of talks left principally ladies and youngsters without meals to outlive.",
      options);
  if (matches.ok()) {
    for (const auto& m : *matches) FUZZ_CHECK(m.similarity >= 0 && m.similarity <= 1.0001);
  }
  (void)(*index)->Check();
  return 0;
}
