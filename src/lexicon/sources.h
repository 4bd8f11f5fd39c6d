// Readers for the lexical resources the default model is compiled from.
// Each turns its file format into RawSense groups; none of them normalises
// or filters phrases (LexiconBuilder does, the same way for all sources).
#ifndef UNSPIN_LEXICON_SOURCES_H_
#define UNSPIN_LEXICON_SOURCES_H_

#include <string>
#include <utility>
#include <vector>

#include "lexicon/learned_pairs.h"
#include "lexicon/types.h"
#include "util/status.h"

namespace unspin {

struct RawSense {
  Pos pos = Pos::kOther;
  Source source = Source::kMythes;
  // Directed senses have a head (the word that may be replaced); symmetric
  // ones (synsets, Moby meanings) leave it empty and every member may
  // replace every other.
  std::string head;
  std::vector<std::pair<std::string, Relation>> members;
};

// Debian mythes-en-us: /usr/share/mythes/th_en_US_v2.dat.
Status ReadMythes(const std::string& path, std::vector<RawSense>* out);
// Debian wordnet-base: data.noun, data.verb, data.adj, data.adv in `dir`.
Status ReadWordNetSynsets(const std::string& dir, std::vector<RawSense>* out);
// Debian libaiksaurus-1.2-data: words.dat and meanings.dat in `dir`.
Status ReadAiksaurus(const std::string& dir, std::vector<RawSense>* out);
// unspin's data/rewrites.tsv.
Status ReadRewriteTable(const std::string& path, std::vector<RawSense>* out);
// A learned pair table (lexicon/learned_pairs.h, data/learned_pairs.tsv):
// one directed sense per original, whose members are every substitute any
// profile was seen writing for it.
Status ReadLearnedPairs(const std::string& path, std::vector<RawSense>* out);
void LearnedSenses(const LearnedPairs& pairs, std::vector<RawSense>* out);

}  // namespace unspin

#endif  // UNSPIN_LEXICON_SOURCES_H_
