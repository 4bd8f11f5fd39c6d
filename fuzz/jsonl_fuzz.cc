// The JSONL reader on arbitrary bytes: every non-blank line becomes one
// item, a record with valid UTF-8 text or an error, and the reader ends.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "io/jsonl.h"
#include "io/result_json.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const unspin::fuzz::MemoryFile file({reinterpret_cast<const char*>(data), size});
  const int fd = file.fd();
  // A small record limit, so the too-long path is reached too.
  for (bool replace_invalid : {false, true}) {
    FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
    unspin::JsonlReader reader(fd, 256, replace_invalid);
    unspin::JsonlItem item;
    uint64_t items = 0, last_line = 0;
    for (;;) {
      auto more = reader.Next(&item);
      FUZZ_CHECK(more.ok());
      if (!*more) break;
      ++items;
      FUZZ_CHECK(item.line > last_line);
      last_line = item.line;
      if (item.error.empty()) FUZZ_CHECK(unspin::FindInvalidUtf8(item.text) == std::string::npos);
      (void)unspin::DumpJson(unspin::ErrorRecord(item));  // as RunJsonlBatch writes it
    }
    FUZZ_CHECK(items <= size + 1);
    FUZZ_CHECK(reader.bytes_consumed() <= size);
  }
  return 0;
}
