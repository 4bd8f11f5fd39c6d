#include "io/result_json.h"

#include <algorithm>

namespace unspin {

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string IdText(const nlohmann::json& id) { return id.is_string() ? id.get<std::string>() : DumpJson(id); }

nlohmann::json SpansJson(const std::vector<RestoredSpan>& spans) {
  nlohmann::json out = nlohmann::json::array();
  for (const RestoredSpan& s : spans) {
    out.push_back({{"start", s.begin},
                   {"end", s.end},
                   {"text", s.text},
                   {"original", s.original},
                   {"confidence", s.confidence},
                   {"original_confidence", s.original_confidence}});
    // A span a learned pair explains says so, with its evidence.
    if (s.learned_count > 0 || s.listed_count > 0) {
      out.back()["learned"] = {{"count", std::max(s.learned_count, s.listed_count)}};
      if (s.listed_count > 0) out.back()["learned"]["listed"] = s.listed_count;
    }
    if (s.quoted) out.back()["quoted"] = true;
  }
  return out;
}

nlohmann::json DetectJson(const DecodeResult& r) {
  nlohmann::json j = {{"score", r.probability},
                      {"spun", r.spun},
                      {"words", r.words},
                      {"spans", SpansJson(r.spans)},
                      {"restored", r.restored}};
  // Screeners' measure: listed tortured phrases, per 1,000 words.
  j["listed_phrases"] = {{"count", r.listed_phrases},
                         {"by_term", r.listed_by_term},
                         {"per_1000_words", r.ListedPhrasesPer1000Words()}};
  // Which learned spinner wrote it, when one explains it best.
  if (r.routed) j["profile"] = {{"name", r.profile}, {"probability", r.profile_probability}};
  return j;
}

nlohmann::json ScreenedJson(const ScreenResult& screen, const DecodeResult* decoded) {
  if (decoded == nullptr) {
    nlohmann::json j = {{"screened", "clear"}, {"screen_score", screen.score}, {"spun", false}, {"words", screen.words}};
    // A long document is cleared on a sample of its sentences; the record
    // says how much of it was read.
    if (screen.sampled()) j["screened_words"] = screen.screened_words;
    return j;
  }
  nlohmann::json j = DetectJson(*decoded);
  j["screened"] = "passed";
  j["screen_score"] = screen.score;
  return j;
}

nlohmann::json ScreenAndDetectJson(Decoder& decoder, std::string_view text) {
  ScreenResult screen;
  DecodeResult r;
  const bool decoded = ScreenThenDecode(decoder, text, &screen, &r);
  return ScreenedJson(screen, decoded ? &r : nullptr);
}

nlohmann::json SuggestionsJson(const std::vector<Suggestion>& suggestions) {
  nlohmann::json out = nlohmann::json::array();
  for (const Suggestion& s : suggestions) {
    nlohmann::json j = {{"original", s.original}, {"score", s.score}, {"sources", s.sources}};
    j["source"] = s.MainSource();
    if (s.evidence > 0) j["evidence"] = s.evidence;
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json MatchesJson(const std::vector<TraceMatch>& matches) {
  nlohmann::json out = nlohmann::json::array();
  for (const TraceMatch& m : matches) {
    nlohmann::json evidence = nlohmann::json::array();
    for (const TraceEvidence& e : m.evidence) {
      evidence.push_back({{"start", e.query_begin},
                          {"end", e.query_end},
                          {"text", e.query_text},
                          {"source_start", e.source_begin},
                          {"source_end", e.source_end},
                          {"source_text", e.source_text}});
    }
    out.push_back({{"id", m.id},
                   {"similarity", m.similarity},
                   {"source_coverage", m.source_coverage},
                   {"words", m.query_words},
                   {"source_words", m.source_words},
                   {"shared_words", m.shared_words},
                   {"evidence", evidence}});
    if (m.restored_similarity > 0) out.back()["restored_similarity"] = m.restored_similarity;
  }
  return out;
}

}  // namespace unspin
