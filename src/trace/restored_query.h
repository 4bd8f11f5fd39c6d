// Tracing a copy by its restoration too: the one way `trace`, the Python
// Engine and the server's /v1/trace do it.
//
// A spinner that swaps names and stock phrases breaks the runs of words a
// copy shares with its source; the decoder's restoration has many of them
// back (TraceQueryOptions::restored). Restoring costs decoder time, which
// dominates a query of a long text, so callers with a time limit pass a
// deadline.
#ifndef UNSPIN_TRACE_RESTORED_QUERY_H_
#define UNSPIN_TRACE_RESTORED_QUERY_H_

#include <chrono>
#include <string_view>
#include <vector>

#include "decoder/decoder.h"
#include "trace/index.h"
#include "util/status.h"

namespace unspin {

// Queries `index` by `text` and by its restoration by `decoder` (null:
// by the text as written only), decoded in windows of `window_bytes`.
// `options.restored` is set here. Errors: the index's, and
// kResourceExhausted when the restoration had not finished by `deadline`
// (nothing is queried then).
Result<std::vector<TraceMatch>> QueryWithRestoration(
    TraceIndex& index, Decoder* decoder, std::string_view text, TraceQueryOptions options,
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max(),
    size_t window_bytes = size_t{1} << 20);

}  // namespace unspin

#endif  // UNSPIN_TRACE_RESTORED_QUERY_H_
