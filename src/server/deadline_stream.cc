#include "server/deadline_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace unspin {

namespace {

void IpAndPort(const sockaddr_storage& addr, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    port = ntohs(a.sin6_port);
  }
  ip = text;
}

}  // namespace

bool DeadlineStream::Wait(short events) const {
  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline_) {
      missed_deadline_ = true;
      return false;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - now) +
                      std::chrono::milliseconds(1);
    const auto wait = std::min(left, idle_timeout_);
    pollfd p{sock_, events, 0};
    const int ready = poll(&p, 1, static_cast<int>(wait.count()));
    if (ready > 0) return true;  // ready, or an error the next call reports
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0 && wait == left) continue;  // the deadline: checked above
    return false;  // idle for the whole idle timeout, or poll failed
  }
}

bool DeadlineStream::is_readable() const { return buffered() || Wait(POLLIN); }
bool DeadlineStream::is_writable() const { return Wait(POLLOUT); }

ssize_t DeadlineStream::read(char* ptr, size_t size) {
  if (buffer_begin_ == buffer_end_) {
    if (!Wait(POLLIN)) return -1;
    // Large reads (bodies) go straight to the caller.
    char* into = size >= sizeof buffer_ ? ptr : buffer_;
    const size_t room = size >= sizeof buffer_ ? size : sizeof buffer_;
    ssize_t n;
    do {
      n = recv(sock_, into, room, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n <= 0 || into == ptr) return n;
    buffer_begin_ = 0;
    buffer_end_ = static_cast<size_t>(n);
  }
  const size_t n = std::min(size, buffer_end_ - buffer_begin_);
  std::memcpy(ptr, buffer_ + buffer_begin_, n);
  buffer_begin_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t DeadlineStream::write(const char* ptr, size_t size) {
  if (!is_writable()) return -1;
  ssize_t n;
  do {
    n = send(sock_, ptr, size, MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

void DeadlineStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) IpAndPort(addr, ip, port);
}

void DeadlineStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) IpAndPort(addr, ip, port);
}

}  // namespace unspin
