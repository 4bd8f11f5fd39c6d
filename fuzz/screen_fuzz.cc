// The screen (decoder/screen.h) on arbitrary valid UTF-8, over the default
// model: whole, in small windows and sampled, its figures stay consistent
// (no more words screened than read, a finite score), and a text it passes
// on decodes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "decoder/decoder.h"
#include "fuzz_util.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (unspin::FindInvalidUtf8(text) != std::string::npos || text.find('\0') != std::string::npos) return 0;
  static unspin::Decoder decoder(unspin::fuzz::DefaultModel());
  unspin::ScreenOptions options;
  // Sampled from the first byte on, in some runs, so short inputs reach it.
  options.sample_above_bytes = (selector & 1) ? 1 : 0;
  options.sample_every = 1 + (selector >> 1) % 4;
  options.candidates = 1 + (selector >> 3) % unspin::kMaxScreenCandidates;
  decoder.set_screen_options(options);
  unspin::ScreenResult s;
  decoder.ScreenDocument(text, &s, (selector & 0x80) ? 64 : size_t{1} << 20);
  FUZZ_CHECK(s.screened_words <= s.words);
  FUZZ_CHECK(s.runs_tested <= s.runs_seen);
  FUZZ_CHECK(std::isfinite(s.score) && s.gain >= 0);
  if (s.pass) {
    unspin::DecodeResult r;
    decoder.DecodeDocument(text, &r);
    FUZZ_CHECK(r.words == s.words || (selector & 0x80));
  }
  return 0;
}
