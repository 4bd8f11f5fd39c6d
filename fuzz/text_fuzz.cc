// The UTF-8 and tokeniser layer on arbitrary bytes: validation agrees with
// repair, repair yields valid UTF-8, and tokens of valid text are in
// bounds, in order and non-overlapping.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "text/case.h"
#include "text/tokenizer.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const size_t bad = unspin::FindInvalidUtf8(bytes);
  size_t replaced = 0;
  const std::string repaired = unspin::ReplaceInvalidUtf8(bytes, &replaced);
  FUZZ_CHECK(unspin::FindInvalidUtf8(repaired) == std::string::npos);
  FUZZ_CHECK((bad == std::string::npos) == (replaced == 0));
  if (bad == std::string::npos) FUZZ_CHECK(repaired == bytes);
  FUZZ_CHECK(unspin::ValidateUtf8(bytes).ok() == (bad == std::string::npos));

  std::vector<unspin::Token> tokens;
  unspin::Tokenize(repaired, &tokens);
  uint32_t last_end = 0;
  for (const unspin::Token& t : tokens) {
    FUZZ_CHECK(t.begin < t.end && t.end <= repaired.size());
    FUZZ_CHECK(t.begin >= last_end);
    last_end = t.end;
    const std::string_view text = t.Text(repaired);
    FUZZ_CHECK(unspin::FindInvalidUtf8(text) == std::string::npos);
    FUZZ_CHECK(unspin::FindInvalidUtf8(unspin::ToLower(text)) == std::string::npos);
  }
  return 0;
}
