// The HTTP API's logic, apart from HTTP: a request body in, a status and a
// JSON body out. The server (server/server.h) only routes to it, so every
// answer, error paths included, can be tested without a socket.
//
//   Api api(model, std::move(indexes), limits);
//   ApiResponse r = api.Detect(body, "application/json");
//
// Requests are {"text": "..."} (plus options) as application/json, or the
// bare text as text/plain. Errors are {"error": message, "code": code} with
// a 4xx or 5xx status; docs/SERVER.md lists them.
//
// Concurrency: Api holds `workers` decoders (and, for trace, one index
// connection each); a request waits for a free one until its deadline.
// All methods are thread-safe.
#ifndef UNSPIN_SERVER_API_H_
#define UNSPIN_SERVER_API_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "decoder/decoder.h"
#include "decoder/suggest.h"
#include "trace/index.h"

namespace unspin {

struct ApiLimits {
  size_t workers = 1;                     // requests decoded at once
  std::chrono::milliseconds request_timeout{30000};  // waiting and working
  size_t max_body_bytes = size_t{1} << 20;
  // Text is decoded in windows of this size, the deadline checked between
  // them: about 0.15 s of work at 64 KiB.
  size_t window_bytes = size_t{64} << 10;
};

struct ApiResponse {
  int status = 200;
  std::string body;           // JSON
  int retry_after_seconds = 0;  // > 0: a Retry-After header is due
};

// {"error": message, "code": code} with `status`.
ApiResponse ErrorResponse(int status, std::string_view code, std::string_view message);

class Api {
 public:
  // `indexes` is empty (no /v1/trace) or has one open index per worker:
  // an index connection is not shared between threads.
  Api(const Model& model, std::vector<std::unique_ptr<TraceIndex>> indexes, const ApiLimits& limits);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // `content_type` is the request's Content-Type header (may be empty).
  ApiResponse Detect(std::string_view body, std::string_view content_type);
  ApiResponse Restore(std::string_view body, std::string_view content_type);
  ApiResponse Trace(std::string_view body, std::string_view content_type);
  // Detect behind the screen (decoder/screen.h), as `unspin screen`: a
  // document the screen clears is {"screened": "clear", "screen_score",
  // "spun": false, "words"}; one it passes on is Detect's answer with
  // "screened": "passed" and "screen_score". The screen itself is not
  // interrupted (it reads a body of the 1 MiB default in well under the
  // limit); the decoding after it is, as Detect's.
  ApiResponse Screen(std::string_view body, std::string_view content_type);
  // {"text": PHRASE, "context"?: TEXT, "top"?: K} -> {"suggestions": [{"original", "score", "source",
  // "sources", "evidence"?}]}, as `unspin suggest --json`.
  ApiResponse Suggest(std::string_view body, std::string_view content_type);
  // {"status": "ok", "version", "workers", "busy", "trace"}
  ApiResponse Health();

  const ApiLimits& limits() const { return limits_; }
  bool has_index() const { return !workers_.empty() && workers_.front().index != nullptr; }

 private:
  struct Worker {
    std::unique_ptr<Decoder> decoder;
    std::unique_ptr<Suggester> suggester;
    std::unique_ptr<TraceIndex> index;  // null without an index
  };
  class Lease;
  enum class Kind { kDetect, kRestore, kScreen, kTrace, kSuggest };
  ApiResponse Handle(Kind kind, std::string_view body, std::string_view content_type);

  const Model& model_;
  ApiLimits limits_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Worker> workers_;
  std::vector<size_t> free_;  // indexes of idle workers
};

}  // namespace unspin

#endif  // UNSPIN_SERVER_API_H_
