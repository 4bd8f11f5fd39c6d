// A minimal work-sharing loop over an index range: the one way unspin runs
// a batch on several threads (evaluation, adaptation, model compilation).
#ifndef UNSPIN_UTIL_PARALLEL_H_
#define UNSPIN_UTIL_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace unspin {

// Threads for a batch: `requested` if positive, else one per core (at
// least one).
inline int ThreadCount(int requested = 0) {
  return requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Runs job(thread, index) for every index in [0, count) on `threads`
// threads, never more than `count` (thread 0 is the caller's); indexes are
// handed out one at a time, so uneven jobs balance. `progress`, if set, is called (serialised) with
// (done, count) every 64 jobs and at the end. Returns when all are done.
template <typename Job>
void ParallelFor(size_t count, int threads, const std::function<void(uint64_t, uint64_t)>& progress, Job job) {
  std::atomic<size_t> next{0}, done{0};
  std::mutex progress_mutex;
  auto work = [&](int thread) {
    for (size_t i; (i = next.fetch_add(1)) < count;) {
      job(thread, i);
      const size_t d = done.fetch_add(1) + 1;
      if (progress && (d % 64 == 0 || d == count)) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress(d, count);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && static_cast<size_t>(t) < count; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
}

}  // namespace unspin

#endif  // UNSPIN_UTIL_PARALLEL_H_
