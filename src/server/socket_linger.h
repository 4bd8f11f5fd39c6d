// Closes answered sockets gracefully, off the thread that answered them.
//
// The server refuses connections beyond its queue by writing 503 without
// reading the request (reading would let a slow client hold the refusing
// thread). Closing such a socket while its request is still arriving makes
// the kernel send a reset, which can destroy the answer before the client
// reads it; so the socket is shut down for writing and left here, where one
// thread discards its input until the client closes, a moment passes, or
// kMaxDrainBytes have been discarded (a client that goes on sending a body
// the server refused is not worth more).
#ifndef UNSPIN_SERVER_SOCKET_LINGER_H_
#define UNSPIN_SERVER_SOCKET_LINGER_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace unspin {

class SocketLinger {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kMaxSockets = 4096;
  static constexpr size_t kMaxDrainBytes = 1 << 20;

  SocketLinger();
  ~SocketLinger();  // closes every socket still lingering
  SocketLinger(const SocketLinger&) = delete;
  SocketLinger& operator=(const SocketLinger&) = delete;

  // Takes ownership of `sock`, already answered and shut down for writing,
  // and closes it once the peer has closed or `linger` has passed. Past
  // kMaxSockets lingering sockets it is closed at once.
  void Add(int sock, Clock::duration linger);

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable added_;
  struct Lingering {
    int sock;
    Clock::time_point until;
    size_t drained;
  };
  std::vector<Lingering> sockets_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace unspin

#endif  // UNSPIN_SERVER_SOCKET_LINGER_H_
