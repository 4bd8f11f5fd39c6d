#include "decoder/screen.h"

#include <algorithm>
#include <cmath>

#include "decoder/decoder.h"

namespace unspin {

void ScoreScreen(const ChannelParams& channel, const ScreenOptions& options, ScreenResult* r) {
  const Calibration& c = channel.calibration;
  const double words = static_cast<double>(std::max<uint64_t>(r->words, 1));
  const double screened = static_cast<double>(std::max<uint64_t>(r->screened_words, 1));
  // The decoder's log-odds without its span-density term (which only adds)
  // and with the gain read from local gains (per screened word: a sample's
  // rate stands for the whole document's).
  r->score = c.bias + c.gain * r->gain / screened + c.length * std::log(words) +
             ListedPhraseEvidence(r->listed_phrases, 0, r->words);
  const double p = std::clamp(channel.spun_threshold, 1e-9, 1 - 1e-9);
  r->pass = r->routed || r->score >= std::log(p / (1 - p)) - options.margin;
}

bool ScreenThenDecode(Decoder& decoder, std::string_view text, ScreenResult* screen, DecodeResult* result) {
  decoder.ScreenDocument(text, screen);
  *result = DecodeResult();
  if (!screen->pass) return false;
  decoder.DecodeDocument(text, result);
  return true;
}

void AddScreenFigures(const ScreenResult& part, ScreenResult* total) {
  total->words += part.words;
  total->screened_words += part.screened_words;
  total->sentences += part.sentences;
  total->runs_seen += part.runs_seen;
  total->runs_tested += part.runs_tested;
  total->gain += part.gain;
  total->listed_phrases += part.listed_phrases;
}

}  // namespace unspin
