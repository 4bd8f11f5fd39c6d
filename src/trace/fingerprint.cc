#include "trace/fingerprint.h"

#include <algorithm>
#include <limits>
#include <string>

#include <xxhash.h>

#include "text/case.h"
#include "util/random.h"

namespace unspin {

namespace {

// The signature's hash functions are fixed for ever by this seed: indexes
// written by one build must be read by the next (the index records
// kFingerprintVersion, which changes whenever this does).
constexpr uint64_t kSignatureSeed = 0x756e7370696e4d48ull;  // "unspinMH"

uint64_t HashWord(std::string_view w) { return XXH3_64bits(w.data(), w.size()); }

}  // namespace

FingerprintOptions WordShingleOptions() {
  FingerprintOptions o;
  o.kind = ShingleKind::kWords;
  o.shingle_words = 5;
  return o;
}

Fingerprinter::Fingerprinter(const Lexicon& lexicon, FingerprintOptions options)
    : lexicon_(lexicon), options_(options), verdict_(lexicon.size(), 0) {
  Rng rng(kSignatureSeed);
  const int n = options_.signature_size();
  for (int i = 0; i < n; ++i) {
    multipliers_.push_back(rng.Next() | 1);  // odd: a bijection of 64-bit words
    addends_.push_back(rng.Next());
  }
}

bool Fingerprinter::Mutable(uint32_t id) {
  if (verdict_[id] == 0) {
    auto touches_synonyms = [&](uint32_t x) {
      if (lexicon_.HasSubstitutes(x, options_.filter)) return true;
      lexicon_.Originals(x, options_.filter, &scratch_);
      return !scratch_.empty();
    };
    bool mutable_id = touches_synonyms(id);
    if (!mutable_id) {
      lexicon_.Analyses(id, &analyses_);
      for (const auto& a : analyses_) {
        if (touches_synonyms(a.lemma)) {
          mutable_id = true;
          break;
        }
      }
    }
    verdict_[id] = mutable_id ? 2 : 1;
  }
  return verdict_[id] == 2;
}

bool Fingerprinter::IsAnchor(std::string_view lower_word) {
  const uint32_t id = lexicon_.Find(lower_word);
  if (id != Lexicon::kNone) return !Mutable(id);
  // Unknown: a name or a rare word, unless it is a spinner's own
  // inflection of a word that has synonyms ("uncompelleds", "paranymphed").
  for (std::string_view ending : {"s", "es", "ed", "d", "ing", "ly", "er", "est"}) {
    if (lower_word.size() <= ending.size() + 2 || !lower_word.ends_with(ending)) continue;
    const uint32_t stem = lexicon_.Find(lower_word.substr(0, lower_word.size() - ending.size()));
    if (stem != Lexicon::kNone && Mutable(stem)) return false;
  }
  return true;
}

void Fingerprinter::Words(std::string_view text, std::vector<FingerprintWord>* out) {
  out->clear();
  Tokenize(text, &tokens_);
  lower_.clear();
  for (const Token& t : tokens_) {
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kNumber) continue;
    FingerprintWord w;
    w.begin = t.begin;
    w.end = t.end;
    std::string lower;
    AppendLower(t.Text(text), &lower);
    NormalizeApostrophes(&lower);
    w.hash = HashWord(lower);
    // "2" may stand for "two" and the reverse; longer numbers stay.
    w.anchor = t.kind == TokenKind::kNumber ? lower.size() > 1 : IsAnchor(lower);
    out->push_back(w);
    lower_.push_back(std::move(lower));
  }
  // The words of a phrase a spinner may swap as a whole ("at least" -> "a
  // minimum of") are not anchors, even where each word alone would be.
  // Phrases led by an article ("the city") are skipped: spinners swap
  // their noun alone far more often than the whole, and the article stays.
  std::string key;
  for (size_t i = 0; i + 1 < out->size(); ++i) {
    if (lower_[i] == "the" || lower_[i] == "a" || lower_[i] == "an") continue;
    const uint32_t first = lexicon_.Find(lower_[i]);
    if (first == Lexicon::kNone || !lexicon_.StartsPhrase(first)) continue;
    key = lower_[i];
    for (size_t n = 2; n <= 3 && i + n <= out->size(); ++n) {
      key += ' ';
      key += lower_[i + n - 1];
      if (!lexicon_.MayStartPhrase(key)) break;
      const uint32_t id = lexicon_.Find(key);
      if (id != Lexicon::kNone && Mutable(id)) {
        for (size_t j = i; j < i + n; ++j) (*out)[j].anchor = false;
      }
    }
  }
}

void Fingerprinter::Shingles(std::string_view text, std::vector<uint64_t>* out) {
  Words(text, &words_);
  Shingles(words_, out);
}

void Fingerprinter::Shingles(const std::vector<FingerprintWord>& words, std::vector<uint64_t>* out) const {
  out->clear();
  const bool anchors_only = options_.kind == ShingleKind::kAnchors;
  std::vector<uint64_t> hashes;
  for (const FingerprintWord& w : words) {
    if (w.anchor || !anchors_only) hashes.push_back(w.hash);
  }
  const size_t k = static_cast<size_t>(std::max(1, options_.shingle_words));
  if (hashes.empty()) return;
  // Fewer words than a shingle: the words make one shingle.
  const size_t count = hashes.size() >= k ? hashes.size() - k + 1 : 1;
  for (size_t i = 0; i < count; ++i) {
    uint64_t h = 0x9E3779B97F4A7C15ull * k;
    for (size_t j = i; j < std::min(hashes.size(), i + k); ++j) {
      h = XXH3_64bits_withSeed(&hashes[j], sizeof(uint64_t), h);
    }
    out->push_back(h);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

void Fingerprinter::Signature(const std::vector<uint64_t>& shingles, std::vector<uint32_t>* out) const {
  const size_t n = multipliers_.size();
  out->assign(n, std::numeric_limits<uint32_t>::max());
  for (uint64_t s : shingles) {
    for (size_t i = 0; i < n; ++i) {
      const uint32_t v = static_cast<uint32_t>((s * multipliers_[i] + addends_[i]) >> 32);
      if (v < (*out)[i]) (*out)[i] = v;
    }
  }
}

void Fingerprinter::BandKeys(const std::vector<uint32_t>& signature, std::vector<uint64_t>* out) const {
  out->clear();
  if (std::all_of(signature.begin(), signature.end(),
                  [](uint32_t v) { return v == std::numeric_limits<uint32_t>::max(); })) {
    return;
  }
  const size_t rows = static_cast<size_t>(options_.rows);
  for (size_t b = 0; b < static_cast<size_t>(options_.bands); ++b) {
    out->push_back(XXH3_64bits_withSeed(signature.data() + b * rows, rows * sizeof(uint32_t), b + 1));
  }
}

double SignatureSimilarity(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.empty() || a.size() != b.size()) return 0;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return static_cast<double>(same) / static_cast<double>(a.size());
}

}  // namespace unspin
