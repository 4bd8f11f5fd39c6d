#include "server/server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "server/deadline_stream.h"
#include "server/socket_linger.h"

namespace unspin {

namespace {

// True on the thread that only refuses connections beyond the queue.
thread_local bool tl_refusing = false;

// The slowest a client may send a body or read an answer, on average, on
// top of the read timeout: 16 KiB/s (128 kbit/s).
constexpr size_t kMinBytesPerSecond = 16 * 1024;

DeadlineStream::Clock::time_point DeadlineFor(std::chrono::seconds base, size_t bytes) {
  return DeadlineStream::Clock::now() + base + std::chrono::seconds(bytes / kMinBytesPerSecond);
}

// httplib's task queue with a bound: `threads` threads serve connections;
// up to `max_queue` more wait their turn; any beyond that go to a single
// thread that answers each with 503 at once, without reading its request
// (GuardedServer), so an overloaded server says so instead of leaving
// clients to time out, and slow clients cannot hold that thread either.
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
                               "; there are GET /, GET /healthz, POST /v1/detect, POST /v1/screen, POST /v1/restore, POST /v1/trace, POST /v1/suggest");
    case 413:
      return ErrorResponse(413, "body_too_large",
                           "request body is over the " + std::to_string(max_body_bytes) +
                               " byte limit (serve --max-body-bytes)");
    case 414: return ErrorResponse(414, "uri_too_long", "request URI is too long");
    default: return ErrorResponse(status, "http_error", "HTTP status " + std::to_string(status));
  }
}

// httplib 0.11 serves a connection only through private members. The one
// needed here, Server::process_request (read one request from any Stream,
// answer it), is reached the way the standard permits for a private name:
// an explicit instantiation is exempt from access checking
// ([temp.spec.general]/6). Another httplib with another signature fails to
// compile here rather than misbehave.
using ProcessRequest = bool (httplib::Server::*)(httplib::Stream&, bool, bool&,
                                                 const std::function<void(httplib::Request&)>&);
ProcessRequest HttplibProcessRequest();
template <ProcessRequest kMember>
struct ProcessRequestAccess {
  friend ProcessRequest HttplibProcessRequest() { return kMember; }
};
template struct ProcessRequestAccess<&httplib::Server::process_request>;

// The connection this thread serves, for the routing hooks that move its
// deadline; null on other threads.
thread_local DeadlineStream* tl_stream = nullptr;
// Set when the answer ends the connection: the rest of the request was not
// read, or its framing cannot be trusted.
thread_local bool tl_close_connection = false;

void CloseAfterAnswer(httplib::Response& res) {
  res.set_header("Connection", "close");
  tl_close_connection = true;
}

void MoveDeadline(DeadlineStream::Clock::time_point deadline) {
  if (tl_stream != nullptr) tl_stream->set_deadline(deadline);
}

// httplib's server, serving each connection over a DeadlineStream (a
// deadline for each request head, body and answer) and refusing overload
// without reading.
class GuardedServer : public httplib::Server {
 public:
  GuardedServer(const ServerOptions& options)
      : read_timeout_(options.read_timeout), keep_alive_(options.keep_alive_timeout) {
    const ApiResponse busy =
        ErrorResponse(503, "busy", "the server has more connections than it can queue; retry later");
    busy_reply_ = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: " +
                  std::to_string(busy.retry_after_seconds) + "\r\nConnection: close\r\nContent-Length: " +
                  std::to_string(busy.body.size()) + "\r\n\r\n" + busy.body;
  }

  static constexpr size_t kMaxRequestsPerConnection = 1000;

 private:
  bool process_and_close_socket(socket_t sock) override {
    if (tl_refusing) {
      Refuse(sock);
      return true;
    }
    // Without it, small answers wait for the delayed ACK (40 ms on Linux).
    int yes = 1;
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    DeadlineStream stream(sock, read_timeout_);
    tl_stream = &stream;
    bool ok = true;
    for (size_t served = 0; served < kMaxRequestsPerConnection && is_running(); ++served) {
      // A kept-alive connection may idle for the keep-alive timeout; then
      // the whole head must arrive within the read timeout.
      if (!stream.buffered() && !WaitForRequest(sock, served == 0 ? read_timeout_ : keep_alive_)) break;
      stream.set_deadline(DeadlineStream::Clock::now() + read_timeout_);
      bool connection_closed = false;
      const bool last = served + 1 == kMaxRequestsPerConnection;
      tl_close_connection = false;
      ok = (this->*HttplibProcessRequest())(stream, last, connection_closed, nullptr);
      if (!ok || connection_closed || tl_close_connection) break;
    }
    tl_stream = nullptr;
    // Unread input would make close() reset the connection, and the client
    // could lose the answer: linger instead.
    shutdown(sock, SHUT_WR);
    linger_.Add(sock, std::chrono::seconds(1));
    return ok;
  }

  // Waits up to `idle` for the first byte of a request, in short steps so
  // that a stopping server does not wait on idle connections.
  bool WaitForRequest(socket_t sock, std::chrono::milliseconds idle) {
    const auto until = DeadlineStream::Clock::now() + idle;
    while (is_running()) {
      pollfd p{sock, POLLIN, 0};
      const int ready = poll(&p, 1, 100);
      if (ready > 0) return true;
      if (ready < 0 && errno != EINTR) return false;
      if (DeadlineStream::Clock::now() >= until) return false;
    }
    return false;
  }

  // Answers 503 without reading the request, and leaves the socket to
  // linger so that the request still arriving does not reset the answer.
  void Refuse(socket_t sock) {
    (void)!send(sock, busy_reply_.data(), busy_reply_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    shutdown(sock, SHUT_WR);
    linger_.Add(sock, std::chrono::seconds(1));
  }

  std::chrono::milliseconds read_timeout_, keep_alive_;
  std::string busy_reply_;
  SocketLinger linger_;
};

// The Content-Length of a request, or `fallback` if it has none or one
// httplib will refuse anyway.
size_t ContentLength(const httplib::Request& req, size_t fallback) {
  const std::string value = req.get_header_value("Content-Length");
  size_t length = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) return fallback;
  return length;
}

}  // namespace

struct HttpServer::Impl {
  Api* api;
  ServerOptions options;
  int listen_socket = -1;  // the last socket httplib made to listen on
  std::unique_ptr<GuardedServer> server;
};

HttpServer::HttpServer(Api* api, const ServerOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->api = api;
  impl_->options = options;
  impl_->server = std::make_unique<GuardedServer>(options);
  httplib::Server& http = *impl_->server;
  const std::chrono::seconds read_timeout = options.read_timeout;
  const size_t max_body = api->limits().max_body_bytes;
  const size_t connections = std::max<size_t>(1, options.connections);
  const size_t max_queue = options.max_queue;
  http.new_task_queue = [connections, max_queue] { return new AdmissionQueue(connections, max_queue); };
  http.set_payload_max_length(max_body);
  // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which
  // would let a second server share a port already in use.
  // It also notes the socket: Bind() widens its backlog.
  http.set_socket_options([impl = impl_.get()](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    impl->listen_socket = sock;
  });
  // Timeouts, keep-alive and TCP_NODELAY are GuardedServer's.

  // The head is in. A body announced over the limit is refused before a
  // byte of it is read (httplib would read and discard it all), and the
  // body must arrive at kMinBytesPerSecond on average.
  http.set_pre_routing_handler([read_timeout, max_body](const httplib::Request& req, httplib::Response& res) {
    const size_t length = ContentLength(req, max_body);
    if (length > max_body) {
      CloseAfterAnswer(res);
      SetJson(res, StatusError(req, 413, max_body));
      return httplib::Server::HandlerResponse::Handled;
    }
    MoveDeadline(DeadlineFor(read_timeout, length));
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // The answer is ready: the client must read it at the same rate.
  http.set_post_routing_handler([read_timeout](const httplib::Request&, httplib::Response& res) {
    MoveDeadline(DeadlineFor(read_timeout, res.body.size()));
  });
  if (options.log_requests) {
    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s %d %zu\n", req.method.c_str(), req.path.c_str(), res.status, res.body.size());
    });
  }
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
  for (const Endpoint& endpoint : {Endpoint{"/v1/detect", &Api::Detect}, Endpoint{"/v1/screen", &Api::Screen},
                                   Endpoint{"/v1/restore", &Api::Restore},
                                   Endpoint{"/v1/trace", &Api::Trace},
                                   Endpoint{"/v1/suggest", &Api::Suggest}}) {
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
        CloseAfterAnswer(res);  // the rest of the body is unread
        if (too_large || res.status == 413) {
          SetJson(res, StatusError(req, 413, max_body));
        } else {
          SetJson(res, ErrorResponse(400, "bad_body",
                                     "the request body could not be read: malformed chunked encoding, "
                                     "or the client stopped sending"));
        }
        return;
      }
      MoveDeadline(DeadlineStream::Clock::time_point::max());  // the request timeout bounds the work
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
        // An error httplib found itself: for these the request's framing
        // cannot be trusted, so nothing after it is read as a request.
        if (res.status == 400 || res.status == 413 || res.status == 414) CloseAfterAnswer(res);
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
}

HttpServer::~HttpServer() = default;

Result<int> HttpServer::Bind() {
  httplib::Server& http = *impl_->server;
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
  // httplib 0.11 listens with a backlog of 5: a burst of connections then
  // overflows the kernel's accept queue, and the clients left out wait
  // seconds for SYN retransmits. Listening again widens the queue.
  if (impl_->listen_socket >= 0) listen(impl_->listen_socket, SOMAXCONN);
  return port;
}

Status HttpServer::Serve() {
  if (!impl_->server->listen_after_bind()) return IoError("the server stopped listening unexpectedly");
  return OkStatus();
}

void HttpServer::Stop() { impl_->server->stop(); }

}  // namespace unspin
