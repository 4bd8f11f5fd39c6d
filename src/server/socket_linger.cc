#include "server/socket_linger.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace unspin {

SocketLinger::SocketLinger() : thread_([this] { Run(); }) {}

SocketLinger::~SocketLinger() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  added_.notify_all();
  thread_.join();
  for (const Lingering& s : sockets_) close(s.sock);
}

void SocketLinger::Add(int sock, Clock::duration linger) {
  {
    std::lock_guard lock(mutex_);
    if (sockets_.size() < kMaxSockets && !stop_) {
      sockets_.push_back({sock, Clock::now() + linger, 0});
      sock = -1;
    }
  }
  if (sock >= 0) {
    close(sock);
  } else {
    added_.notify_all();
  }
}

void SocketLinger::Run() {
  std::vector<pollfd> polled;
  std::vector<bool> done;
  std::vector<size_t> drained;
  char sink[16384];
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (sockets_.empty()) {
      added_.wait(lock);
      continue;
    }
    // Only this thread removes sockets, so the first polled.size() entries
    // stay where they are while the lock is released.
    polled.clear();
    drained.clear();
    for (const Lingering& s : sockets_) {
      polled.push_back({s.sock, POLLIN, 0});
      drained.push_back(s.drained);
    }
    lock.unlock();
    poll(polled.data(), polled.size(), 50);
    done.assign(polled.size(), false);
    for (size_t i = 0; i < polled.size(); ++i) {
      if (polled[i].revents == 0) continue;
      for (;;) {
        const ssize_t n = recv(polled[i].fd, sink, sizeof sink, MSG_DONTWAIT);
        if (n > 0) {
          drained[i] += static_cast<size_t>(n);
          if (drained[i] < kMaxDrainBytes) continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
        done[i] = true;  // the peer closed, or the socket failed
        break;
      }
    }
    lock.lock();
    const auto now = Clock::now();
    size_t kept = 0;
    for (size_t i = 0; i < sockets_.size(); ++i) {
      if (i < done.size()) sockets_[i].drained = drained[i];
      if ((i < done.size() && done[i]) || sockets_[i].until <= now) {
        close(sockets_[i].sock);
      } else {
        sockets_[kept++] = sockets_[i];
      }
    }
    sockets_.resize(kept);
  }
}

}  // namespace unspin
