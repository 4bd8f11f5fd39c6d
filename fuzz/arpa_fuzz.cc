// ARPA import on arbitrary text: ParseArpa refuses it with a message, or
// gives a model that validates, compiles, and opens again as a language
// model (the path of `unspin lm import`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "lm/arpa.h"
#include "lm/language_model.h"
#include "lm/lm_builder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto model = unspin::ParseArpa(text, "fuzz.arpa");
  if (!model.ok()) {
    FUZZ_CHECK(!model.status().message().empty());
    return 0;
  }
  FUZZ_CHECK(model->Validate().ok());
  std::string bytes;
  const unspin::Status built = unspin::BuildLanguageModel(*model, "{}", &bytes);
  if (!built.ok()) return 0;  // a model the binary format cannot hold, refused with a message
  const unspin::fuzz::MemoryFile file(bytes);
  auto lm = unspin::LanguageModel::Open(file.path());
  FUZZ_CHECK(lm.ok());
  const std::string_view words[] = {"a", "b", "</s>"};
  (void)lm->ScoreSentence(words);
  return 0;
}
