#include "server/api.h"

#include <nlohmann/json.hpp>

#include "decoder/screen.h"
#include "io/result_json.h"
#include "text/case.h"
#include "text/utf8.h"
#include "trace/restored_query.h"

namespace unspin {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string MiB(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

ApiResponse Ok(const nlohmann::json& j) { return {200, DumpJson(j), 0}; }

// What a request asks: its text and options, or the error to answer with.
struct ParsedRequest {
  std::string text;
  std::string context;  // suggest: the text before the phrase
  double threshold = -1;  // negative: the default
  size_t top = 5;
  size_t max_evidence = 200;
  bool restore = true;  // trace: also trace the text's restoration
  bool ok = true;
  ApiResponse error;
};

ParsedRequest Refuse(int status, std::string_view code, std::string_view message) {
  ParsedRequest p;
  p.ok = false;
  p.error = ErrorResponse(status, code, message);
  return p;
}

// A number field in [lo, hi], or an error naming the field.
bool ReadNumber(const nlohmann::json& j, const char* name, double lo, double hi, double* out, ParsedRequest* error) {
  if (!j.is_number()) {
    *error = Refuse(400, "invalid_field", std::string("\"") + name + "\" must be a number");
    return false;
  }
  const double v = j.get<double>();
  if (!(v >= lo && v <= hi)) {
    char msg[128];
    std::snprintf(msg, sizeof msg, "\"%s\" must be between %g and %g", name, lo, hi);
    *error = Refuse(400, "invalid_field", msg);
    return false;
  }
  *out = v;
  return true;
}

ParsedRequest Parse(std::string_view body, std::string_view content_type_header, bool trace, bool suggest) {
  ParsedRequest p;
  // Media types are case-insensitive (RFC 9110, 8.3.1).
  const std::string content_type = ToLower(content_type_header);
  const bool plain = StartsWith(content_type, "text/plain");
  if (!plain && !content_type.empty() && !StartsWith(content_type, "application/json")) {
    return Refuse(415, "unsupported_media_type",
                  "Content-Type must be application/json ({\"text\": ...}) or text/plain (the bare text), not " +
                      std::string(content_type_header));
  }
  if (plain) {
    if (Status s = ValidateUtf8(body); !s.ok()) return Refuse(400, "invalid_utf8", "body: " + s.message());
    p.text = std::string(body);
  } else {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception& e) {
      return Refuse(400, "invalid_json", std::string("body is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) return Refuse(400, "invalid_json", "body must be a JSON object: {\"text\": \"...\"}");
    for (const auto& [key, value] : j.items()) {
      if (key == "text") {
        if (!value.is_string()) return Refuse(400, "invalid_field", "\"text\" must be a string");
        p.text = value.get<std::string>();
      } else if (key == "threshold") {
        if (!ReadNumber(value, "threshold", 0, 1, &p.threshold, &p)) return p;
      } else if (suggest && key == "context") {
        if (!value.is_string()) return Refuse(400, "invalid_field", "\"context\" must be a string");
        p.context = value.get<std::string>();
      } else if (suggest && key == "top") {
        double v = 0;
        if (!ReadNumber(value, "top", 1, 100, &v, &p)) return p;
        p.top = static_cast<size_t>(v);
      } else if (trace && key == "restore") {
        if (!value.is_boolean()) return Refuse(400, "invalid_field", "\"restore\" must be true or false");
        p.restore = value.get<bool>();
      } else if (trace && (key == "top" || key == "max_evidence")) {
        double v = 0;
        if (!ReadNumber(value, key.c_str(), key == "top" ? 1 : 0, key == "top" ? 100 : 10000, &v, &p)) return p;
        (key == "top" ? p.top : p.max_evidence) = static_cast<size_t>(v);
      } else {
        return Refuse(400, "unknown_field",
                      "unknown field \"" + key + "\"; known fields: text, threshold" +
                          (trace ? ", top, max_evidence, restore" : suggest ? ", context, top" : ""));
      }
    }
    if (!j.contains("text")) return Refuse(400, "missing_text", "body has no \"text\" field");
  }
  if (FindNul(p.text) != std::string::npos) {
    return Refuse(400, "binary_text", "text contains a NUL byte at offset " + std::to_string(FindNul(p.text)) +
                                          "; binary data is not text");
  }
  if (p.text.find_first_not_of(" \t\r\n") == std::string::npos) return Refuse(400, "empty_text", "text is empty");
  return p;
}

}  // namespace

ApiResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  return {status, DumpJson({{"error", message}, {"code", code}}), status == 503 ? 1 : 0};
}

// A worker held for one request; returned to the pool when destroyed.
class Api::Lease {
 public:
  Lease(Api* api, std::chrono::steady_clock::time_point deadline) : api_(api) {
    std::unique_lock lock(api_->mutex_);
    if (api_->freed_.wait_until(lock, deadline, [&] { return !api_->free_.empty(); })) {
      id_ = api_->free_.back();
      api_->free_.pop_back();
    }
  }
  ~Lease() {
    if (id_ == kNone) return;
    {
      std::lock_guard lock(api_->mutex_);
      api_->free_.push_back(id_);
    }
    api_->freed_.notify_one();
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  bool held() const { return id_ != kNone; }
  Worker& worker() { return api_->workers_[id_]; }

 private:
  static constexpr size_t kNone = ~size_t{0};
  Api* api_;
  size_t id_ = kNone;
};

Api::Api(const Model& model, std::vector<std::unique_ptr<TraceIndex>> indexes, const ApiLimits& limits)
    : model_(model), limits_(limits) {
  if (limits_.workers == 0) limits_.workers = 1;
  workers_.resize(limits_.workers);
  for (size_t i = 0; i < workers_.size(); ++i) {
    workers_[i].decoder = std::make_unique<Decoder>(model_);
    workers_[i].suggester = std::make_unique<Suggester>(model_);
    if (i < indexes.size()) workers_[i].index = std::move(indexes[i]);
    free_.push_back(workers_.size() - 1 - i);
  }
}

Api::~Api() = default;

ApiResponse Api::Detect(std::string_view body, std::string_view content_type) {
  return Handle(Kind::kDetect, body, content_type);
}
ApiResponse Api::Restore(std::string_view body, std::string_view content_type) {
  return Handle(Kind::kRestore, body, content_type);
}
ApiResponse Api::Screen(std::string_view body, std::string_view content_type) {
  return Handle(Kind::kScreen, body, content_type);
}
ApiResponse Api::Trace(std::string_view body, std::string_view content_type) {
  return Handle(Kind::kTrace, body, content_type);
}

ApiResponse Api::Suggest(std::string_view body, std::string_view content_type) {
  return Handle(Kind::kSuggest, body, content_type);
}

ApiResponse Api::Handle(Kind kind, std::string_view body, std::string_view content_type) {
  const auto deadline = std::chrono::steady_clock::now() + limits_.request_timeout;
  if (body.size() > limits_.max_body_bytes) {
    return ErrorResponse(413, "body_too_large",
                         "request body is " + MiB(body.size()) + ", over the " + MiB(limits_.max_body_bytes) +
                             " limit (serve --max-body-bytes)");
  }
  if (kind == Kind::kTrace && !has_index()) {
    return ErrorResponse(404, "no_index", "this server has no trace index; start it with serve --index DIR");
  }
  ParsedRequest request = Parse(body, content_type, kind == Kind::kTrace, kind == Kind::kSuggest);
  if (!request.ok) return request.error;

  Lease lease(this, deadline);
  if (!lease.held()) {
    return ErrorResponse(503, "busy",
                         "all " + std::to_string(limits_.workers) + " workers stayed busy for the " +
                             std::to_string(limits_.request_timeout.count()) + " ms request limit; retry later");
  }
  Worker& w = lease.worker();
  if (kind == Kind::kTrace) {
    TraceQueryOptions options;
    options.max_results = request.top;
    if (request.threshold >= 0) options.threshold = request.threshold;
    options.max_evidence = request.max_evidence;
    auto matches = QueryWithRestoration(*w.index, request.restore ? w.decoder.get() : nullptr, request.text, options,
                                        deadline, limits_.window_bytes);
    if (!matches.ok() && matches.status().code() == StatusCode::kResourceExhausted) {
      return ErrorResponse(503, "timeout",
                           "restoring the text took longer than the request's " +
                               std::to_string(limits_.request_timeout.count()) +
                               " ms limit (serve --request-timeout); send a shorter text, or \"restore\": false");
    }
    if (!matches.ok()) return ErrorResponse(500, "index_error", matches.status().message());
    return Ok({{"matches", MatchesJson(*matches)}});
  }

  if (kind == Kind::kSuggest) {
    std::vector<Suggestion> suggestions;
    if (Status s = w.suggester->Suggest(request.text, request.context, static_cast<int>(request.top), &suggestions);
        !s.ok()) {
      return ErrorResponse(400, "invalid_phrase", s.message());
    }
    return Ok({{"suggestions", SuggestionsJson(suggestions)}});
  }

  // A per-request threshold holds for the request only; the model's is put
  // back before the worker is released.
  const bool own_threshold = request.threshold >= 0;
  if (own_threshold) w.decoder->set_flag_threshold(request.threshold);
  ScreenResult screen;
  bool screened_clear = false;
  if (kind == Kind::kScreen) {
    w.decoder->ScreenDocument(request.text, &screen);
    screened_clear = !screen.pass;
  }
  DecodeResult result;
  const bool finished = screened_clear ? std::chrono::steady_clock::now() < deadline
                                       : w.decoder->DecodeDocumentUntil(request.text, deadline, &result,
                                                                        limits_.window_bytes);
  if (own_threshold) w.decoder->set_flag_threshold(model_.channel().flag_threshold);
  if (!finished) {
    return ErrorResponse(503, "timeout",
                         "the request took longer than its " + std::to_string(limits_.request_timeout.count()) +
                             " ms limit (serve --request-timeout); send a shorter text");
  }
  if (kind == Kind::kRestore) return Ok({{"text", result.restored}, {"spans", result.span_count}});
  if (kind == Kind::kScreen) return Ok(ScreenedJson(screen, screened_clear ? nullptr : &result));
  return Ok(DetectJson(result));
}

ApiResponse Api::Health() {
  size_t busy;
  {
    std::lock_guard lock(mutex_);
    busy = workers_.size() - free_.size();
  }
  return Ok({{"status", "ok"},
             {"version", UNSPIN_VERSION},
             {"workers", workers_.size()},
             {"busy", busy},
             {"trace", has_index()}});
}

}  // namespace unspin
