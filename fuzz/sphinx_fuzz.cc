// The sphinx trie importer (`unspin lm import --format sphinx`) on
// arbitrary bytes: refused with kInvalidInput and a message, or a model
// that validates. Inputs stay small, so they reach the header, the counts,
// the unigrams and the words; the bit-packed levels of higher orders sit
// behind 256 KiB quantiser tables and are covered by the tests on
// Debian's model.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "lm/sphinx_trie.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto model = unspin::ParseSphinxTrie(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.lm.bin");
  if (!model.ok()) {
    FUZZ_CHECK(model.status().code() == unspin::StatusCode::kInvalidInput);
    FUZZ_CHECK(!model.status().message().empty());
    return 0;
  }
  FUZZ_CHECK(model->Validate().ok());
  return 0;
}
