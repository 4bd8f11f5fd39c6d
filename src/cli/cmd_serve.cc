// unspin serve: the HTTP API and web page (server/server.h) over one model
// and, optionally, one trace index.

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/common.h"
#include "server/api.h"
#include "server/server.h"
#include "trace/index.h"
#include "util/parallel.h"

namespace unspin::cli {

namespace {

struct ServeFlags {
  std::string model;
  std::string index;
  std::string host = "127.0.0.1";
  int port = 8080;
  size_t workers = 0;  // 0: one per core
  size_t connections = 64;
  size_t max_queue = 256;
  size_t max_body_bytes = size_t{1} << 20;
  double request_timeout = 30;
  int read_timeout = 10;
  bool log = false;
};

int RunServe(const ServeFlags& f) {
  if (f.port < 0 || f.port > 65535) return Fail(InvalidArgumentError("--port must be 0..65535"), kExitUsage);
  if (f.request_timeout <= 0) return Fail(InvalidArgumentError("--request-timeout must be positive"), kExitUsage);
  if (f.read_timeout <= 0) return Fail(InvalidArgumentError("--read-timeout must be positive"), kExitUsage);
  if (f.max_body_bytes == 0) return Fail(InvalidArgumentError("--max-body-bytes must be positive"), kExitUsage);
  if (f.connections == 0) return Fail(InvalidArgumentError("--connections must be at least 1"), kExitUsage);
  ApiLimits limits;
  limits.workers = f.workers != 0 ? f.workers : static_cast<size_t>(ThreadCount());
  limits.request_timeout = std::chrono::milliseconds(static_cast<int64_t>(f.request_timeout * 1000));
  limits.max_body_bytes = f.max_body_bytes;

  auto model = OpenModel(f.model);
  if (!model.ok()) return Fail(model.status().WithContext("loading model"), kExitModel);
  std::vector<std::unique_ptr<TraceIndex>> indexes;
  if (!f.index.empty()) {
    for (size_t i = 0; i < limits.workers; ++i) {
      auto index = TraceIndex::Open(f.index, (*model)->lexicon(), TraceIndex::kReadOnly);
      if (!index.ok()) return Fail(index.status(), ExitCodeFor(index.status()) == kExitUsage ? kExitUsage : kExitModel);
      indexes.push_back(std::move(*index));
    }
  }
  Api api(**model, std::move(indexes), limits);

  ServerOptions options;
  options.host = f.host;
  options.port = f.port;
  options.connections = f.connections;
  options.max_queue = f.max_queue;
  options.read_timeout = std::chrono::seconds(f.read_timeout);
  options.log_requests = f.log;

  // SIGINT and SIGTERM stop the server cleanly: blocked here (and so in
  // every thread started later) and taken by one thread with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // Each connection, queued or lingering, holds a descriptor; the usual
  // soft limit of 1024 would stall accepting long before the server's own
  // limits answer 503.
  if (rlimit files; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  HttpServer server(&api, options);
  auto port = server.Bind();
  if (!port.ok()) return Fail(port.status(), kExitFailure);
  std::fprintf(stderr, "unspin serve: listening on http://%s:%d/ (%zu workers%s)\n", f.host.c_str(), *port,
               limits.workers, f.index.empty() ? "" : (", trace index " + f.index).c_str());
  std::fflush(stderr);

  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    if (signal == SIGINT || signal == SIGTERM) server.Stop();
  });
  Status s = server.Serve();
  // Serve returned without a signal (it failed): wake the stopper.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (!s.ok()) return Fail(s, kExitFailure);
  std::fprintf(stderr, "unspin serve: stopped\n");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App* app, Runner* run) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* c = app->add_subcommand("serve", "serve the HTTP API (/v1/detect, /v1/restore, /v1/trace) and a web page");
  c->add_option("--model", f->model, "model directory");
  c->add_option("--index", f->index, "trace index directory (enables /v1/trace)");
  c->add_option("--host", f->host, "address to listen on")->capture_default_str();
  c->add_option("--port", f->port, "port to listen on; 0 picks a free one")->capture_default_str();
  c->add_option("--workers", f->workers, "requests decoded at once (default: one per core)");
  c->add_option("--connections", f->connections, "connections served at once")->capture_default_str();
  c->add_option("--max-queue", f->max_queue, "connections waiting beyond those; more get 503")->capture_default_str();
  c->add_option("--max-body-bytes", f->max_body_bytes, "largest request body; larger get 413")->capture_default_str();
  c->add_option("--request-timeout", f->request_timeout, "seconds a request may wait and work; then 503")
      ->capture_default_str();
  c->add_option("--read-timeout", f->read_timeout,
                "seconds a client may take to send a request head (and a body or to read an answer, plus 1 s "
                "per 16 KiB)")
      ->capture_default_str();
  c->add_flag("--log", f->log, "log one line per request on standard error");
  c->callback([run, f] { *run = [f] { return RunServe(*f); }; });
}

}  // namespace unspin::cli
