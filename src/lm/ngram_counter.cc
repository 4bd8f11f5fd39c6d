#include "lm/ngram_counter.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <queue>

namespace unspin {
namespace {

bool KeyLess(const NgramCounter::Record& a, const NgramCounter::Record& b) {
  return std::lexicographical_compare(a.ids, a.ids + kMaxLmOrder, b.ids, b.ids + kMaxLmOrder);
}

bool KeyEqual(const NgramCounter::Record& a, const NgramCounter::Record& b) {
  return std::equal(a.ids, a.ids + kMaxLmOrder, b.ids);
}

// Buffered sequential reader of one run file.
class RunReader {
 public:
  explicit RunReader(std::FILE* file) : file_(file) { std::rewind(file_); }

  // False at the end of the run.
  Result<bool> Next(NgramCounter::Record* out) {
    if (pos_ == block_.size()) {
      block_.resize(kBlockRecords);
      const size_t got = std::fread(block_.data(), sizeof(NgramCounter::Record), kBlockRecords, file_);
      if (got == 0 && std::ferror(file_)) return IoError(std::string("reading an n-gram run: ") + std::strerror(errno));
      block_.resize(got);
      pos_ = 0;
      if (got == 0) return false;
    }
    *out = block_[pos_++];
    return true;
  }

 private:
  static constexpr size_t kBlockRecords = 8192;  // 256 KiB
  std::FILE* file_;
  std::vector<NgramCounter::Record> block_;
  size_t pos_ = 0;
};

}  // namespace

NgramCounter::NgramCounter(int order, uint64_t memory_bytes, std::string temp_dir)
    : order_(order),
      capacity_(std::max<uint64_t>(memory_bytes, 64 << 10) / sizeof(Record)),
      temp_dir_(std::move(temp_dir)) {
  buffer_.reserve(capacity_);
}

NgramCounter::~NgramCounter() {
  for (std::FILE* f : runs_) std::fclose(f);
}

Status NgramCounter::Add(const uint32_t* ids) {
  if (buffer_.size() == capacity_) {
    Compact();
    if (buffer_.size() > capacity_ / 2) RETURN_IF_ERROR(Spill());
  }
  Record& r = buffer_.emplace_back();
  std::copy(ids, ids + order_, r.ids);
  r.count = 1;
  return OkStatus();
}

void NgramCounter::Compact() {
  std::sort(buffer_.begin(), buffer_.end(), KeyLess);
  size_t out = 0;
  for (size_t i = 0; i < buffer_.size(); ++i) {
    if (out > 0 && KeyEqual(buffer_[out - 1], buffer_[i])) {
      buffer_[out - 1].count += buffer_[i].count;
    } else {
      buffer_[out++] = buffer_[i];
    }
  }
  buffer_.resize(out);
}

Status NgramCounter::Spill() {
  std::string path = temp_dir_ + "/unspin-ngrams-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return IoError("cannot create a temporary file in " + temp_dir_ + ": " + std::strerror(errno));
  ::unlink(path.c_str());  // gone from the directory at once; freed when closed, even on a crash
  std::FILE* file = ::fdopen(fd, "w+b");
  if (file == nullptr) {
    ::close(fd);
    return IoError(std::string("fdopen: ") + std::strerror(errno));
  }
  runs_.push_back(file);
  const size_t bytes = buffer_.size() * sizeof(Record);
  if (std::fwrite(buffer_.data(), sizeof(Record), buffer_.size(), file) != buffer_.size() || std::fflush(file) != 0) {
    return IoError("writing " + std::to_string(bytes) + " bytes of n-gram counts to " + temp_dir_ + ": " +
                   std::strerror(errno));
  }
  spilled_bytes_ += bytes;
  buffer_.clear();
  return OkStatus();
}

Status NgramCounter::Finish(const std::function<void(const Record&)>& emit) {
  Compact();
  if (runs_.empty()) {
    for (const Record& r : buffer_) emit(r);
    buffer_ = {};
    return OkStatus();
  }
  // k-way merge of the runs and the in-memory remainder (source index
  // runs_.size()), summing equal keys across sources.
  std::vector<RunReader> readers;
  readers.reserve(runs_.size());
  for (std::FILE* f : runs_) readers.emplace_back(f);
  size_t memory_pos = 0;
  auto next = [&](size_t source, Record* out) -> Result<bool> {
    if (source < readers.size()) return readers[source].Next(out);
    if (memory_pos == buffer_.size()) return false;
    *out = buffer_[memory_pos++];
    return true;
  };
  struct Head {
    Record record;
    size_t source;
  };
  auto greater = [](const Head& a, const Head& b) { return KeyLess(b.record, a.record); };
  std::priority_queue<Head, std::vector<Head>, decltype(greater)> heap(greater);
  for (size_t s = 0; s <= readers.size(); ++s) {
    Head h{{}, s};
    ASSIGN_OR_RETURN(bool got, next(s, &h.record));
    if (got) heap.push(h);
  }
  bool have = false;
  Record pending;
  while (!heap.empty()) {
    Head h = heap.top();
    heap.pop();
    if (have && KeyEqual(pending, h.record)) {
      pending.count += h.record.count;
    } else {
      if (have) emit(pending);
      pending = h.record;
      have = true;
    }
    ASSIGN_OR_RETURN(bool got, next(h.source, &h.record));
    if (got) heap.push(h);
  }
  if (have) emit(pending);
  buffer_ = {};
  return OkStatus();
}

}  // namespace unspin
