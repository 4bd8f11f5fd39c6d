// Whole-file reads and crash-safe writes.
#ifndef UNSPIN_UTIL_FILE_IO_H_
#define UNSPIN_UTIL_FILE_IO_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "util/status.h"

namespace unspin {

// Reads a whole file, or its first `max_bytes`; "-" means standard input.
Result<std::string> ReadFileToString(const std::string& path, uint64_t max_bytes = UINT64_MAX);

// Writes `data` to `path` so that a reader sees either the old file or the
// complete new one, never a prefix: write a temporary in the same directory,
// fsync it, rename it over `path`.
Status WriteFileAtomically(const std::string& path, std::string_view data);

// fwrite that reports failure (a full disk, a closed pipe) as a Status.
Status WriteAll(std::FILE* out, std::string_view data);

bool FileExists(const std::string& path);
bool IsDirectory(const std::string& path);

}  // namespace unspin

#endif  // UNSPIN_UTIL_FILE_IO_H_
