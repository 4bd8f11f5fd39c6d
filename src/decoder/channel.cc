#include "decoder/channel.h"

#include <cmath>

#include "util/binary_file.h"
#include "util/file_io.h"
#include "util/strings.h"

namespace unspin {

namespace {

constexpr const char* kFormat = "unspin-channel";

nlohmann::json SourcesJson(SourceMask mask) {
  nlohmann::json sources = nlohmann::json::array();
  for (int i = 0; i < kSourceCount; ++i) {
    if (mask & (1u << i)) sources.push_back(SourceName(static_cast<Source>(i)));
  }
  return sources;
}

Result<SourceMask> SourcesFromJson(const nlohmann::json& j) {
  SourceMask mask = 0;
  for (const auto& s : j) {
    auto source = ParseSource(s.get<std::string>());
    if (!source) return DataLossError("unknown lexicon source " + s.dump());
    mask |= MaskOf(*source);
  }
  return mask;
}

nlohmann::json FilterJson(const LexiconFilter& f) {
  nlohmann::json sources = SourcesJson(f.sources), relations = nlohmann::json::array();
  for (int i = 0; i < 4; ++i) {
    if (f.relations & (1u << i)) relations.push_back(RelationName(static_cast<Relation>(i)));
  }
  return {{"sources", sources}, {"relations", relations}, {"everyday_only", f.everyday_only}};
}

Result<LexiconFilter> FilterFromJson(const nlohmann::json& j) {
  LexiconFilter f;
  auto sources = SourcesFromJson(j.at("sources"));
  if (!sources.ok()) return sources.status();
  f.sources = *sources;
  f.relations = 0;
  for (const auto& r : j.at("relations")) {
    bool found = false;
    for (int i = 0; i < 4; ++i) {
      if (r.get<std::string>() == RelationName(static_cast<Relation>(i))) {
        f.relations |= MaskOf(static_cast<Relation>(i));
        found = true;
      }
    }
    if (!found) return DataLossError("unknown relation " + r.dump());
  }
  f.everyday_only = j.at("everyday_only").get<bool>();
  return f;
}

}  // namespace

double Calibration::LogOdds(double gain_per_word, double spans_per_word, uint64_t words,
                            double ratio_per_word) const {
  return bias + gain * gain_per_word + density * spans_per_word +
         length * std::log(static_cast<double>(std::max<uint64_t>(words, 1))) + ratio * ratio_per_word;
}

double Calibration::Probability(double gain_per_word, double spans_per_word, uint64_t words,
                                double ratio_per_word) const {
  return 1.0 / (1.0 + std::exp(-LogOdds(gain_per_word, spans_per_word, words, ratio_per_word)));
}

double SpanModel::Probability(const SpanFeatures& f) const {
  double z = weights[0];
  for (int i = 0; i < kSpanFeatures; ++i) z += weights[static_cast<size_t>(i) + 1] * f[static_cast<size_t>(i)];
  return 1.0 / (1.0 + std::exp(-z));
}

namespace {

nlohmann::json CalibrationJson(const Calibration& c) {
  return {{"bias", c.bias},     {"gain", c.gain},   {"density", c.density},
          {"length", c.length}, {"ratio", c.ratio}, {"fitted_on", c.fitted_on}};
}

nlohmann::json SpanModelJson(const SpanModel& m) { return {{"weights", m.weights}, {"fitted_on", m.fitted_on}}; }

// Both throw nlohmann::json::exception for a missing field or a wrong type.
Status CalibrationFromJson(const nlohmann::json& c, Calibration* out) {
  out->bias = c.at("bias").get<double>();
  out->gain = c.at("gain").get<double>();
  out->density = c.at("density").get<double>();
  out->length = c.at("length").get<double>();
  if (c.contains("ratio")) out->ratio = c.at("ratio").get<double>();  // absent before version 0.2
  out->fitted_on = c.at("fitted_on").get<std::string>();
  return OkStatus();
}

Status SpanModelFromJson(const nlohmann::json& sm, SpanModel* out) {
  const auto& weights = sm.at("weights");
  if (!weights.is_array() || weights.size() != out->weights.size()) {
    return DataLossError("channel file: span_model.weights must have " + std::to_string(out->weights.size()) +
                         " numbers");
  }
  for (size_t i = 0; i < weights.size(); ++i) out->weights[i] = weights[i].get<double>();
  out->fitted_on = sm.at("fitted_on").get<std::string>();
  return OkStatus();
}

}  // namespace

nlohmann::json ChannelParams::ToJson() const {
  nlohmann::json j = ScalarJson();
  nlohmann::json& pairs = j["pair_log_q"] = nlohmann::json::object();
  for (const auto& [key, value] : pair_log_q) pairs[key] = value;
  nlohmann::json& keeps = j["keep_log"] = nlohmann::json::object();
  for (const auto& [key, value] : keep_log) keeps[key] = value;
  return j;
}

nlohmann::json ChannelParams::ScalarJson() const {
  nlohmann::json j = {{"format", kFormat},
          {"version", kVersion},
          {"swap_rate", swap_rate},
          {"rate_iterations", rate_iterations},
          {"rate_prior_words", rate_prior_words},
          {"substitute_exponent", substitute_exponent},
          {"frequency_exponent", frequency_exponent},
          {"oov_log10", oov_log10},
          {"digit_log_penalty", digit_log_penalty},
          {"flag_threshold", flag_threshold},
          {"spun_threshold", spun_threshold},
          {"beam", beam},
          {"beam_delta", beam_delta},
          {"max_candidates", max_candidates},
          {"scored_candidates", scored_candidates},
          {"prefilter_delta", prefilter_delta},
          {"max_span_tokens", max_span_tokens},
          {"filter", FilterJson(filter)},
          {"secondary_sources", SourcesJson(secondary_sources)},
          {"secondary_log_q", secondary_log_q},
          {"calibration", CalibrationJson(calibration)},
          {"span_model", SpanModelJson(span_model)},
          {"adapted_on", adapted_on},
          {"unseen_pair_log_q", unseen_pair_log_q}};
  if (has_routed_scores) {
    j["routed_scores"] = {{"calibration", CalibrationJson(routed_calibration)},
                          {"span_model", SpanModelJson(routed_span_model)}};
  }
  return j;
}

Result<ChannelParams> ChannelParams::FromJson(const nlohmann::json& j) {
  const auto format = j.is_object() ? j.find("format") : j.end();
  if (format == j.end() || !format->is_string() || *format != kFormat) {
    return DataLossError("not an unspin channel file (no \"format\": \"unspin-channel\")");
  }
  if (!j.contains("version") || !j["version"].is_number_integer()) {
    return DataLossError("channel file has no integer \"version\"");
  }
  if (int v = j["version"].get<int>(); v != kVersion) {
    return VersionMismatchError("channel file is version " + std::to_string(v) + "; this unspin reads version " +
                                std::to_string(kVersion) + "; rebuild the model with: unspin model build");
  }
  ChannelParams p;
  try {
    p.swap_rate = j.at("swap_rate").get<double>();
    p.rate_iterations = j.at("rate_iterations").get<int>();
    p.rate_prior_words = j.at("rate_prior_words").get<double>();
    p.substitute_exponent = j.at("substitute_exponent").get<double>();
    p.frequency_exponent = j.at("frequency_exponent").get<double>();
    p.oov_log10 = j.at("oov_log10").get<double>();
    p.digit_log_penalty = j.at("digit_log_penalty").get<double>();
    p.flag_threshold = j.at("flag_threshold").get<double>();
    p.spun_threshold = j.at("spun_threshold").get<double>();
    p.beam = j.at("beam").get<int>();
    p.beam_delta = j.at("beam_delta").get<double>();
    p.max_candidates = j.at("max_candidates").get<int>();
    p.scored_candidates = j.at("scored_candidates").get<int>();
    p.prefilter_delta = j.at("prefilter_delta").get<double>();
    p.max_span_tokens = j.at("max_span_tokens").get<int>();
    auto filter = FilterFromJson(j.at("filter"));
    if (!filter.ok()) return filter.status();
    p.filter = *filter;
    auto secondary = SourcesFromJson(j.at("secondary_sources"));
    if (!secondary.ok()) return secondary.status();
    p.secondary_sources = *secondary;
    p.secondary_log_q = j.at("secondary_log_q").get<double>();
    RETURN_IF_ERROR(CalibrationFromJson(j.at("calibration"), &p.calibration));
    RETURN_IF_ERROR(SpanModelFromJson(j.at("span_model"), &p.span_model));
    // Optional: only channels fitted by eval real on routed documents.
    if (j.contains("routed_scores")) {
      const auto& routed = j.at("routed_scores");
      RETURN_IF_ERROR(CalibrationFromJson(routed.at("calibration"), &p.routed_calibration));
      RETURN_IF_ERROR(SpanModelFromJson(routed.at("span_model"), &p.routed_span_model));
      p.has_routed_scores = true;
    }
    p.adapted_on = j.at("adapted_on").get<std::string>();
    p.unseen_pair_log_q = j.at("unseen_pair_log_q").get<float>();
    for (const auto& [key, value] : j.at("pair_log_q").items()) p.pair_log_q[key] = value.get<float>();
    // Optional: channels written before learned swap rates have none.
    if (j.contains("keep_log")) {
      for (const auto& [key, value] : j.at("keep_log").items()) {
        const float v = value.get<float>();
        if (!(v <= 0)) return DataLossError("channel file: keep_log values must be <= 0");
        p.keep_log[key] = v;
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return DataLossError(std::string("channel file: ") + e.what());
  }
  if (!(p.swap_rate > 0 && p.swap_rate < 1)) return DataLossError("channel file: swap_rate must be in (0, 1)");
  if (!(p.flag_threshold >= 0 && p.flag_threshold <= 1) || !(p.spun_threshold >= 0 && p.spun_threshold <= 1)) {
    return DataLossError("channel file: thresholds must be in [0, 1]");
  }
  if (p.beam < 1 || p.beam > 1024) return DataLossError("channel file: beam must be in 1..1024");
  if (p.rate_iterations < 0 || p.rate_iterations > 10 || !(p.rate_prior_words > 0)) {
    return DataLossError("channel file: rate_iterations must be in 0..10 and rate_prior_words positive");
  }
  if (!(p.beam_delta > 0) || !(p.prefilter_delta > 0)) {
    return DataLossError("channel file: beam_delta and prefilter_delta must be positive");
  }
  if (p.max_candidates < 1 || p.max_candidates > 1000 || p.scored_candidates < 1 || p.scored_candidates > 1000) {
    return DataLossError("channel file: max_candidates and scored_candidates must be in 1..1000");
  }
  if (p.max_span_tokens < 1 || p.max_span_tokens > 4) {
    return DataLossError("channel file: max_span_tokens must be in 1..4");
  }
  if (!std::isfinite(p.oov_log10) || p.oov_log10 > 0) return DataLossError("channel file: oov_log10 must be <= 0");
  return p;
}

namespace {

// The checksum a channel file carries: XXH3-64 of its content without the
// "checksum" field, as compact JSON with sorted keys, so that it survives
// reformatting but not a changed value.
std::string ContentChecksum(nlohmann::json j) {
  j.erase("checksum");
  const std::string compact = j.dump();
  return Hex64(Checksum64(compact.data(), compact.size()));
}

}  // namespace

Result<ChannelParams> ChannelParams::Load(const std::string& path) {
  auto text = ReadFileToString(path, uint64_t{256} << 20);
  if (!text.ok()) return text.status();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return DataLossError(path + ": not valid JSON");
  // Written files carry a checksum; a file without one (written by hand)
  // is taken as it is. Files of another version are left to FromJson to
  // name as such.
  if (j.is_object() && j.contains("checksum") && j.contains("version") && j["version"] == kVersion) {
    if (!j["checksum"].is_string() || j["checksum"].get<std::string>() != ContentChecksum(j)) {
      return DataLossError(path +
                           ": channel file is damaged: checksum mismatch (after a deliberate edit, delete its "
                           "\"checksum\" field)");
    }
  }
  auto params = FromJson(j);
  if (!params.ok()) return params.status().WithContext(path);
  return params;
}

Status ChannelParams::Save(const std::string& path) const {
  nlohmann::json j = ToJson();
  j["checksum"] = ContentChecksum(j);
  return WriteFileAtomically(path, j.dump(1) + "\n");
}

}  // namespace unspin
