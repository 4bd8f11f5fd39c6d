// The likely originals of one suspicious phrase: the screener's question
// "what was this?" about a phrase they found ("irregular woodland").
//
// The phrase is decoded on its own, as the decoder would decode it inside
// a sentence (decoder/decoder.h): every word may be kept or, with the runs
// of up to three words it starts, stand for an original the reverse lexicon
// proposes; paths are scored by the language model (after the optional
// context) and the channel. The n best paths that swap at least one word
// are the suggestions, each with its share of the probability of all paths
// found (the path that keeps every word included) and the sources that
// offered its swaps.
#ifndef UNSPIN_DECODER_SUGGEST_H_
#define UNSPIN_DECODER_SUGGEST_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decoder/decoder.h"
#include "util/status.h"

namespace unspin {

struct Suggestion {
  std::string original;  // lower case, words joined by single spaces
  double score = 0;      // share of the probability of every path found
  // Where its swaps came from, each once, in text order: "learned" (a pair
  // seen in a spinner's output), "table" (the rewrite table), "thesaurus".
  std::vector<std::string> sources;
  uint32_t evidence = 0;  // times the learned pairs among its swaps were seen, summed

  // "learned" when a learned pair is among its swaps, else its first
  // source ("thesaurus" if it has none).
  std::string MainSource() const {
    for (const std::string& name : sources) {
      if (name == "learned") return name;
    }
    return sources.empty() ? "thesaurus" : sources.front();
  }
};

class Suggester {
 public:
  // The phrase may have at most this many words.
  static constexpr size_t kMaxWords = 12;

  // Uses the model's channel; the model must outlive the suggester. One per
  // thread.
  explicit Suggester(const Model& model);
  ~Suggester();
  void set_channel(const ChannelParams& channel);

  // At most `top` suggestions for `phrase`, best first. `context` is the
  // text just before the phrase (may be empty). Errors: kInvalidInput (no
  // words, more than kMaxWords, invalid UTF-8).
  Status Suggest(std::string_view phrase, std::string_view context, int top, std::vector<Suggestion>* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace unspin

#endif  // UNSPIN_DECODER_SUGGEST_H_
