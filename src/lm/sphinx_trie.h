// Reader for the sphinxbase "trie" binary language model (the format of
// Debian's pocketsphinx-en-us en-us.lm.bin), read directly: Debian's own
// converter crashes on that file.
//
// The layout (little-endian, packed, no alignment):
//   "Trie Language Model" (19 bytes), u8 order, u32 counts[order]
//   if order > 1: i32 (unused), float quantiser tables: for each middle
//     order 65,536 probability and 65,536 backoff centres, then 65,536
//     probability centres for the highest order
//   unigrams: counts[0] + 1 records {float prob, float backoff, u32 next}
//   if order > 1: bit-packed levels, one per order >= 2, each entry
//     {word, [16-bit backoff code, 16-bit probability code | 16-bit
//     probability code], next index (middle orders)}, field widths from
//     the counts; entries sorted by word under each parent
//   i32 byte count, then counts[0] NUL-terminated words
// The trie is reversed: a unigram's children are the words before it, so
// the path w <- h1 <- h2 is the trigram "h2 h1 w". Values are
// logarithms to sphinx's base 1.0001 (log10 = value * log10(1.0001)).
// Levels include the entries sphinx added for missing contexts; they are
// kept, so scores agree with libsphinxbase.
#ifndef UNSPIN_LM_SPHINX_TRIE_H_
#define UNSPIN_LM_SPHINX_TRIE_H_

#include <string>
#include <string_view>

#include "lm/ngram_model.h"
#include "util/status.h"

namespace unspin {

// Where Debian's pocketsphinx-en-us installs the CMU US-English model.
inline constexpr char kDebianCmuModel[] = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin";

// Errors: kNotFound, kInvalidInput (not a trie file, or any count, size,
// pointer or word id inconsistent with the format; the message says which).
Result<NgramModel> ParseSphinxTrie(std::string_view bytes, const std::string& name);
Result<NgramModel> ReadSphinxTrieFile(const std::string& path);

}  // namespace unspin

#endif  // UNSPIN_LM_SPHINX_TRIE_H_
