// Channel adaptation: learns an unknown spinner's swap rate and swap
// preferences by EM from a bag of its unlabelled output.
//
// E step: decode every document with the current channel; each candidate
// swap (original u written as v) gets its posterior. M step: rho = expected
// swaps / eligible words; q(v | u) = (c(u, v) + a * q0(v | u)) / (c(u) + a),
// with c the expected counts, q0 the unadapted channel's guess and a the
// smoothing; pairs never seen keep q0 scaled by a / (c(u) + a) on average.
#ifndef UNSPIN_DECODER_ADAPT_H_
#define UNSPIN_DECODER_ADAPT_H_

#include <functional>
#include <string>
#include <vector>

#include "decoder/decoder.h"

namespace unspin {

struct AdaptOptions {
  int iterations = 3;
  double smoothing = 2.0;  // a
  int threads = 1;
  // The channel EM starts from; null: the model's.
  const ChannelParams* start = nullptr;
  std::function<void(int iteration, double rate, size_t pairs)> progress;
};

struct AdaptReport {
  std::vector<double> rates;  // rho after each iteration
  size_t pairs = 0;           // pairs with learnt q
  uint64_t words = 0;
};

// The model's channel adapted to the spinner that wrote `docs`. `description`
// goes into adapted_on.
ChannelParams AdaptChannel(const Model& model, const std::vector<std::string>& docs, const AdaptOptions& options,
                           const std::string& description, AdaptReport* report);

}  // namespace unspin

#endif  // UNSPIN_DECODER_ADAPT_H_
