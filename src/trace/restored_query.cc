#include "trace/restored_query.h"

namespace unspin {

Result<std::vector<TraceMatch>> QueryWithRestoration(TraceIndex& index, Decoder* decoder, std::string_view text,
                                                     TraceQueryOptions options,
                                                     std::chrono::steady_clock::time_point deadline,
                                                     size_t window_bytes) {
  DecodeResult restoration;
  if (decoder != nullptr) {
    if (!decoder->DecodeDocumentUntil(text, deadline, &restoration, window_bytes)) {
      return ResourceExhaustedError("restoring the text took longer than the time limit");
    }
    options.restored = restoration.restored;
  }
  return index.Query(text, options);
}

}  // namespace unspin
