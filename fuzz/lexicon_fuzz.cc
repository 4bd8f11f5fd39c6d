// Lexicon::Open on arbitrary bytes: it refuses them with kDataLoss or
// kVersionMismatch, or opens a lexicon whose every query stays inside the
// file. Each input is tried as given (the header and checksum checks) and
// sealed, with its size and checksum fields made to match (the structural
// checks behind the checksum, which guard against a faulty writer).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "lexicon/lexicon.h"
#include "util/binary_file.h"

namespace {

void Exercise(const unspin::Lexicon& lex) {
  unspin::LexiconFilter filter;
  filter.relations = 0xFF;
  std::vector<uint32_t> ids;
  std::vector<unspin::Lexicon::Analysis> analyses;
  (void)lex.Stats();
  const uint32_t n = std::min<uint32_t>(lex.size(), 512);
  for (uint32_t id = 0; id < n; ++id) {
    const std::string key(lex.Key(id));
    (void)lex.Find(key);
    (void)lex.MayStartPhrase(key);
    (void)lex.Display(id);
    (void)lex.TokenCount(id);
    (void)lex.HasSenses(id);
    for (uint32_t membership : lex.Memberships(id)) {
      const uint32_t sense = membership >> 2;
      (void)lex.SensePos(sense);
      (void)lex.SenseAllowed(sense, filter);
      for (uint32_t member : lex.SenseMembers(sense)) FUZZ_CHECK(unspin::Lexicon::MemberString(member) < lex.size());
    }
    lex.Substitutes(id, filter, &ids);
    for (uint32_t s : ids) FUZZ_CHECK(s < lex.size());
    lex.Originals(id, filter, &ids);
    for (uint32_t s : ids) FUZZ_CHECK(s < lex.size());
    (void)lex.HasSubstitutes(id, filter);
    analyses.clear();
    lex.Analyses(id, &analyses);
    for (const auto& a : analyses) {
      const uint32_t form = lex.Inflect(a.lemma, a.tag);
      FUZZ_CHECK(form == unspin::Lexicon::kNone || form < lex.size());
    }
  }
}

void TryOpen(const std::string& bytes) {
  const unspin::fuzz::MemoryFile file(bytes);
  auto lex = unspin::Lexicon::Open(file.path());
  if (!lex.ok()) {
    FUZZ_CHECK(lex.status().code() == unspin::StatusCode::kDataLoss ||
               lex.status().code() == unspin::StatusCode::kVersionMismatch);
    FUZZ_CHECK(!lex.status().message().empty());
    return;
  }
  Exercise(*lex);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  TryOpen(bytes);
  if (bytes.size() >= 32) {
    unspin::SealBinaryFile(&bytes);
    TryOpen(bytes);
  }
  return 0;
}
