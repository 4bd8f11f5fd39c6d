#include "server/server.h"

#include <httplib.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

namespace unspin {

namespace {

// True on the thread that only refuses connections beyond the queue.
thread_local bool tl_refusing = false;

// httplib's task queue with a bound: `threads` threads serve connections;
// up to `max_queue` more wait their turn; any beyond that go to a single
// thread that answers each request with 503 at once, so an overloaded
// server says so instead of leaving clients to time out.
class AdmissionQueue : public httplib::TaskQueue {
 public:
  AdmissionQueue(size_t threads, size_t max_queue) : capacity_(threads + max_queue) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(&jobs_, false); });
    threads_.emplace_back([this] { Work(&overflow_, true); });
  }
  ~AdmissionQueue() override = default;

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      // Invariant: serving_ + jobs_.size() <= capacity_.
      if (serving_ + jobs_.size() < capacity_) {
        jobs_.push_back(std::move(fn));
      } else {
        overflow_.push_back(std::move(fn));
      }
    }
    ready_.notify_all();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void Work(std::deque<std::function<void()>>* queue, bool refusing) {
    tl_refusing = refusing;
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !queue->empty() || shutdown_; });
        if (queue->empty()) return;  // shut down, and nothing left
        fn = std::move(queue->front());
        queue->pop_front();
        if (!refusing) ++serving_;
      }
      fn();
      if (!refusing) {
        std::lock_guard lock(mutex_);
        --serving_;
      }
    }
  }

  const size_t capacity_;  // connections served or waiting
  std::mutex mutex_;
  size_t serving_ = 0;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_, overflow_;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

void SetJson(httplib::Response& res, const ApiResponse& r) {
  res.status = r.status;
  if (r.retry_after_seconds > 0) res.set_header("Retry-After", std::to_string(r.retry_after_seconds));
  res.set_content(r.body, "application/json");
}

// The JSON error for a status httplib set itself (no handler ran).
ApiResponse StatusError(const httplib::Request& req, int status, size_t max_body_bytes) {
  switch (status) {
    case 400: return ErrorResponse(400, "bad_request", "malformed HTTP request");
    case 404:
      return ErrorResponse(404, "not_found",
                           "no endpoint " + req.method + " " + req.path +
                               "; there are GET /, GET /healthz, POST /v1/detect, POST /v1/restore, POST /v1/trace");
    case 413:
      return ErrorResponse(413, "body_too_large",
                           "request body is over the " + std::to_string(max_body_bytes) +
                               " byte limit (serve --max-body-bytes)");
    case 414: return ErrorResponse(414, "uri_too_long", "request URI is too long");
    default: return ErrorResponse(status, "http_error", "HTTP status " + std::to_string(status));
  }
}

}  // namespace

struct HttpServer::Impl {
  Api* api;
  ServerOptions options;
  httplib::Server http;
};

HttpServer::HttpServer(Api* api, const ServerOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->api = api;
  impl_->options = options;
  httplib::Server& http = impl_->http;
  const size_t max_body = api->limits().max_body_bytes;
  const size_t connections = std::max<size_t>(1, options.connections);
  const size_t max_queue = options.max_queue;
  http.new_task_queue = [connections, max_queue] { return new AdmissionQueue(connections, max_queue); };
  http.set_payload_max_length(max_body);
  // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which
  // would let a second server share a port already in use.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http.set_read_timeout(options.read_timeout.count());
  http.set_write_timeout(options.read_timeout.count());
  http.set_keep_alive_timeout(options.keep_alive_timeout.count());
  http.set_keep_alive_max_count(1000);
  // Without it, small answers wait for the delayed ACK (40 ms on Linux).
  http.set_tcp_nodelay(true);

  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response& res) -> httplib::Server::HandlerResponse {
    if (!tl_refusing) return httplib::Server::HandlerResponse::Unhandled;
    SetJson(res, ErrorResponse(503, "busy", "the server has more connections than it can queue; retry later"));
    res.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  });
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
    res.set_content(kWebPage, "text/html; charset=utf-8");
  });
  http.Get("/healthz", [api](const httplib::Request&, httplib::Response& res) { SetJson(res, api->Health()); });
  using Method = ApiResponse (Api::*)(std::string_view, std::string_view);
  struct Endpoint {
    const char* path;
    Method method;
  };
  // Not a structured binding: lambdas cannot capture those before C++20
  // compilers catch up (clang 14).
  for (const Endpoint& endpoint : {Endpoint{"/v1/detect", &Api::Detect}, Endpoint{"/v1/restore", &Api::Restore},
                                   Endpoint{"/v1/trace", &Api::Trace}}) {
    const char* path = endpoint.path;
    const Method method = endpoint.method;
    http.Post(path, [api, method, max_body](const httplib::Request& req, httplib::Response& res,
                                            const httplib::ContentReader& content_reader) {
      // Read here rather than by httplib, which bounds bodies with a
      // Content-Length but not chunked ones.
      std::string body;
      bool too_large = false;
      const bool read = content_reader([&](const char* data, size_t size) {
        if (body.size() + size > max_body) {
          too_large = true;
          return false;
        }
        body.append(data, size);
        return true;
      });
      if (!read || too_large) {
        res.set_header("Connection", "close");  // the rest of the body is unread
        if (too_large || res.status == 413) {
          SetJson(res, StatusError(req, 413, max_body));
        } else {
          SetJson(res, ErrorResponse(400, "bad_body",
                                     "the request body could not be read: malformed chunked encoding, "
                                     "or the client stopped sending"));
        }
        return;
      }
      SetJson(res, (api->*method)(body, req.get_header_value("Content-Type")));
    });
    http.Get(path, [path](const httplib::Request&, httplib::Response& res) {
      res.set_header("Allow", "POST");
      SetJson(res, ErrorResponse(405, "method_not_allowed", std::string(path) + " takes POST"));
    });
  }
  for (const char* path : {"/", "/healthz"}) {
    http.Post(path, [path](const httplib::Request&, httplib::Response& res) {
      res.set_header("Allow", "GET");
      SetJson(res, ErrorResponse(405, "method_not_allowed", std::string(path) + " takes GET"));
    });
  }
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [max_body](const httplib::Request& req, httplib::Response& res) -> httplib::Server::HandlerResponse {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        SetJson(res, StatusError(req, res.status, max_body));
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    SetJson(res, ErrorResponse(500, "internal", "internal error: " + what));
  });
  if (options.log_requests) {
    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s %d %zu\n", req.method.c_str(), req.path.c_str(), res.status, res.body.size());
    });
  }
}

HttpServer::~HttpServer() = default;

Result<int> HttpServer::Bind() {
  httplib::Server& http = impl_->http;
  const ServerOptions& o = impl_->options;
  int port = o.port;
  bool bound;
  if (o.port == 0) {
    port = http.bind_to_any_port(o.host);
    bound = port > 0;
  } else {
    bound = http.bind_to_port(o.host, o.port);
  }
  if (!bound) {
    return IoError("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                   " (address in use, or not an address of this machine)");
  }
  return port;
}

Status HttpServer::Serve() {
  if (!impl_->http.listen_after_bind()) return IoError("the server stopped listening unexpectedly");
  return OkStatus();
}

void HttpServer::Stop() { impl_->http.stop(); }

}  // namespace unspin
