// A connection socket as an httplib::Stream whose reads and writes fail
// once a deadline passes, whatever the client's pace.
//
// httplib's own stream bounds each recv() and send() by a timeout, not a
// request: a client that sends one byte every few seconds keeps a
// connection thread forever, and a few dozen such clients starve the
// server (slowloris). Here the server sets a deadline for each stage of a
// request (the head, the body, the answer), so no client holds a thread
// longer than the read timeout plus the time its bytes need at the
// slowest rate the server accepts.
#ifndef UNSPIN_SERVER_DEADLINE_STREAM_H_
#define UNSPIN_SERVER_DEADLINE_STREAM_H_

#include <httplib.h>

#include <chrono>
#include <string>

namespace unspin {

class DeadlineStream : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;

  // `sock` stays owned by the caller. `idle_timeout` bounds each wait
  // for the socket, as httplib's read timeout did.
  DeadlineStream(int sock, std::chrono::milliseconds idle_timeout) : sock_(sock), idle_timeout_(idle_timeout) {}

  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }
  Clock::time_point deadline() const { return deadline_; }
  // True once a read or write failed because the deadline had passed.
  bool missed_deadline() const { return missed_deadline_; }

  // True if bytes already read from the socket wait to be consumed (the
  // next of pipelined requests).
  bool buffered() const { return buffer_begin_ < buffer_end_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

 private:
  // Waits for `events` on the socket until the idle timeout or the
  // deadline, whichever is first.
  bool Wait(short events) const;

  int sock_;
  std::chrono::milliseconds idle_timeout_;
  // httplib reads request heads a byte at a time: they come from here.
  // Invariant: buffer_[buffer_begin_, buffer_end_) is read but not consumed.
  char buffer_[4096];
  size_t buffer_begin_ = 0, buffer_end_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();
  mutable bool missed_deadline_ = false;
};

}  // namespace unspin

#endif  // UNSPIN_SERVER_DEADLINE_STREAM_H_
