// What the fuzz targets share: a check that stops the run with a message
// (libFuzzer then saves the input), whatever the build type.
#ifndef UNSPIN_FUZZ_FUZZ_CHECK_H_
#define UNSPIN_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                           \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

#endif  // UNSPIN_FUZZ_FUZZ_CHECK_H_
