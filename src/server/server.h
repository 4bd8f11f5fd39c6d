// `unspin serve`: the HTTP face of Api (server/api.h) and the web page.
//
//   GET  /            the web page (server/page.html)
//   GET  /healthz     {"status": "ok", ...}
//   POST /v1/detect   /v1/restore   /v1/trace
//
// Limits, each answered with a JSON error: request bodies over
// ApiLimits::max_body_bytes (413); more connections than `connections`
// threads can serve and `max_queue` can hold (503, from one extra thread
// that only refuses); requests that wait or work past the request timeout
// (503); clients that send nothing for `read_timeout` are disconnected.
#ifndef UNSPIN_SERVER_SERVER_H_
#define UNSPIN_SERVER_SERVER_H_

#include <chrono>
#include <memory>
#include <string>

#include "server/api.h"
#include "util/status.h"

namespace unspin {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  size_t connections = 64;  // connections served at once, one thread each
  size_t max_queue = 256;   // accepted connections waiting for a thread
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds keep_alive_timeout{5};
  bool log_requests = false;  // one line per request on stderr
};

class HttpServer {
 public:
  // `api` must outlive the server.
  HttpServer(Api* api, const ServerOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; returns the port (useful with port 0).
  Result<int> Bind();
  // Serves until Stop() is called (from any thread). Bind() first.
  Status Serve();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The web page, compiled in from server/page.html.
extern const char* const kWebPage;

}  // namespace unspin

#endif  // UNSPIN_SERVER_SERVER_H_
