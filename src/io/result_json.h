// The JSON shape of results, shared by every face that writes JSON: the
// CLI (--json, --jsonl), the HTTP server and its web page. Offsets are
// bytes of the UTF-8 input.
#ifndef UNSPIN_IO_RESULT_JSON_H_
#define UNSPIN_IO_RESULT_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "decoder/decoder.h"
#include "decoder/suggest.h"
#include "trace/index.h"

namespace unspin {

// Compact JSON; a string that is not valid UTF-8 (never produced by the
// engine, which checks its input) is written with U+FFFD, not thrown.
std::string DumpJson(const nlohmann::json& j);

// A record's id as text: a string as it is, other JSON as written.
std::string IdText(const nlohmann::json& id);

// [{start, end, text, original, confidence, original_confidence}, ...]
nlohmann::json SpansJson(const std::vector<RestoredSpan>& spans);

// {score, spun, words, spans, restored}: what `detect` reports.
nlohmann::json DetectJson(const DecodeResult& result);

// What the two-stage pipeline (decoder/screen.h) reports of a document:
// {"screened": "clear", "screen_score", "spun": false, "words"} when the
// screen cleared it (with "screened_words", the words it read, when it read
// a sample of a long document's sentences), or DetectJson of `decoded` with "screened": "passed"
// and "screen_score" when the decoder saw it (decoded not null).
nlohmann::json ScreenedJson(const ScreenResult& screen, const DecodeResult* decoded);
// The two-stage pipeline on one document (ScreenThenDecode) as ScreenedJson
// reports it.
nlohmann::json ScreenAndDetectJson(Decoder& decoder, std::string_view text);

// [{id, similarity, source_coverage, words, source_words, shared_words,
//   evidence: [{start, end, text, source_start, source_end, source_text}]}]
nlohmann::json MatchesJson(const std::vector<TraceMatch>& matches);
// [{"original", "score", "source", "sources", "evidence"?}], best first:
// "source" is "learned" when a learned pair is among the swaps, else the
// first source; "evidence" the learned pairs' counts, when there are any.
nlohmann::json SuggestionsJson(const std::vector<Suggestion>& suggestions);

}  // namespace unspin

#endif  // UNSPIN_IO_RESULT_JSON_H_
