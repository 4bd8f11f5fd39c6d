// The HTTP API (server/api.h) on arbitrary requests, over the default
// model: the first byte picks the endpoint and the Content-Type, the rest
// is the body. Every answer is JSON with a status the API documents.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "decoder/decoder.h"
#include "fuzz_util.h"
#include "server/api.h"

namespace {

unspin::Api& TheApi() {
  static unspin::Api api(unspin::fuzz::DefaultModel(), {}, [] {
    unspin::ApiLimits limits;
    limits.max_body_bytes = 1 << 16;
    return limits;
  }());
  return api;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kContentTypes[] = {"", "application/json", "text/plain; charset=utf-8", "image/png"};
  const uint8_t selector = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const char* content_type = kContentTypes[(selector >> 2) % 4];
  unspin::Api& api = TheApi();
  unspin::ApiResponse r;
  switch (selector % 3) {
    case 0: r = api.Detect(body, content_type); break;
    case 1: r = api.Restore(body, content_type); break;
    default: r = api.Trace(body, content_type); break;
  }
  FUZZ_CHECK(r.status == 200 || r.status == 400 || r.status == 404 || r.status == 413 || r.status == 415 ||
             r.status == 503);
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  FUZZ_CHECK(j.is_object());
  if (r.status != 200) FUZZ_CHECK(j.contains("error") && j.contains("code"));
  return 0;
}
