// LanguageModel::Open on damaged files: refused with kDataLoss or
// kVersionMismatch, or a model that scores any words with finite
// log-probabilities.
//
// The smallest model file is 787 KB (fixed quantisation tables), too large
// to mutate whole, so an input that does not start with the model magic is
// read as edits to a small trigram model built here: byte 0 odd truncates
// it at the fraction given by bytes 1-2, then each 5 bytes set the byte at
// offset (u32, modulo the size) to a value. Each file is tried as is (the
// header and checksum checks) and sealed, with its size and checksum
// fields made to match (the structural checks behind the checksum).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "lm/arpa.h"
#include "lm/format.h"
#include "lm/language_model.h"
#include "lm/lm_builder.h"
#include "util/binary_file.h"

namespace {

constexpr char kArpa[] = R"(\data\
ngram 1=6
ngram 2=5
ngram 3=2

\1-grams:
-1.0	<unk>	0
-99	<s>	-0.5
-0.7	</s>	0
-0.6	the	-0.3
-0.9	cat	-0.2
-1.1	sat	-0.1

\2-grams:
-0.3	<s> the	-0.1
-0.4	the cat	-0.2
-0.2	cat sat	0
-0.5	sat </s>	0
-0.9	the sat	0

\3-grams:
-0.1	<s> the cat
-0.2	the cat sat

\end\
)";

const std::string& BaseModel() {
  static const std::string bytes = [] {
    auto model = unspin::ParseArpa(kArpa, "base.arpa");
    FUZZ_CHECK(model.ok());
    std::string out;
    FUZZ_CHECK(unspin::BuildLanguageModel(*model, "{}", &out).ok());
    return out;
  }();
  return bytes;
}

void Exercise(const unspin::LanguageModel& lm) {
  std::vector<std::string_view> words = {"the", "cat", "sat", "on", "the", "mat", "unseen-word"};
  const uint32_t shown = std::min<uint32_t>(lm.vocab_size(), 64);
  for (uint32_t id = 0; id < shown; ++id) words.push_back(lm.Word(id));
  FUZZ_CHECK(!std::isnan(lm.ScoreSentence(words)));
  unspin::LmState state = lm.BeginSentence(), next;
  for (std::string_view w : words) {
    const uint32_t id = lm.Vocab(w);
    FUZZ_CHECK(id < lm.vocab_size());
    FUZZ_CHECK(!std::isnan(lm.Score(state, id, &next)));
    state = next;
  }
}

void TryOpen(const std::string& bytes) {
  const unspin::fuzz::MemoryFile file(bytes);
  auto lm = unspin::LanguageModel::Open(file.path());
  if (!lm.ok()) {
    FUZZ_CHECK(lm.status().code() == unspin::StatusCode::kDataLoss ||
               lm.status().code() == unspin::StatusCode::kVersionMismatch);
    return;
  }
  Exercise(*lm);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes;
  const size_t magic = std::strlen(unspin::lm_format::kMagic);
  if (size >= magic && std::memcmp(data, unspin::lm_format::kMagic, magic) == 0) {
    bytes.assign(reinterpret_cast<const char*>(data), size);
  } else {
    bytes = BaseModel();
    size_t at = 0;
    if (size >= 3 && (data[0] & 1)) {
      const size_t fraction = data[1] | size_t{data[2]} << 8;
      bytes.resize(bytes.size() * fraction / 65536);
      at = 3;
    }
    for (; at + 5 <= size && !bytes.empty(); at += 5) {
      uint32_t offset;
      std::memcpy(&offset, data + at, 4);
      bytes[offset % bytes.size()] = static_cast<char>(data[at + 4]);
    }
  }
  TryOpen(bytes);
  if (bytes.size() >= 32) {
    unspin::SealBinaryFile(&bytes);
    TryOpen(bytes);
  }
  return 0;
}
