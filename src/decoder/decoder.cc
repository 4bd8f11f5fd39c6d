#include "decoder/decoder.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "decoder/learn.h"
#include "lexicon/inflect.h"
#include "text/chunker.h"
#include "text/case.h"
#include "text/tokenizer.h"
#include "util/file_io.h"
#include "util/flat_string_map.h"
#include "util/parallel.h"
#include "util/strings.h"

namespace unspin {

Model::Model(Lexicon lexicon, LanguageModel lm, ChannelParams channel)
    : lexicon_(std::move(lexicon)), lm_(std::move(lm)), channel_(std::move(channel)) {}
Model::~Model() = default;

Result<std::unique_ptr<Model>> Model::Open(const std::string& dir) {
  // Start-up is most of a short run's time, and the parts are independent
  // until routing, so they are read side by side: the lexicon and the LM,
  // then (checked against both) the candidate tables beside the channel
  // file and the learned pairs. Errors are reported in the order of the
  // parts, whichever thread met them first.
  std::optional<Result<Lexicon>> lexicon;
  std::optional<Result<LanguageModel>> lm;
  ParallelFor(2, ThreadCount(), nullptr, [&](int, size_t part) {
    if (part == 0) lexicon.emplace(Lexicon::Open(dir + "/lexicon.bin"));
    if (part == 1) lm.emplace(LanguageModel::Open(dir + "/lm.bin"));
  });
  if (!lexicon->ok()) return lexicon->status();
  if (!lm->ok()) return lm->status();
  auto model = std::make_unique<Model>(std::move(**lexicon), std::move(**lm), ChannelParams());
  // The compiled candidate lists are optional: without them (or for
  // another channel) the decoder works them out as it goes, more slowly.
  std::vector<std::string> table_paths;
  for (const char* name : {"/candidates.bin", "/candidates-plain.bin"}) {
    if (FileExists(dir + name)) table_paths.push_back(dir + name);
  }
  const std::string learned_path = dir + "/learned_pairs.tsv";
  const bool has_learned = FileExists(learned_path);
  std::optional<Result<ChannelParams>> channel;
  std::optional<Result<LearnedPairs>> learned;
  std::vector<std::optional<Result<CandidateTable>>> tables(table_paths.size());
  const size_t parts = 2 + table_paths.size();
  ParallelFor(parts, ThreadCount(), nullptr, [&](int, size_t part) {
    if (part == 0) {
      channel.emplace(ChannelParams::Load(dir + "/channel.json"));
    } else if (part == 1) {
      if (has_learned) learned.emplace(LearnedPairs::Load(learned_path));
    } else {
      tables[part - 2].emplace(CandidateTable::Open(table_paths[part - 2], model->lexicon(), model->lm()));
    }
  });
  if (!channel->ok()) return channel->status();
  for (auto& table : tables) {
    if (!table->ok()) return table->status();
  }
  if (learned.has_value() && !learned->ok()) return learned->status();
  model->channel_ = std::move(**channel);
  for (auto& table : tables) model->add_candidate_table(std::make_unique<CandidateTable>(std::move(**table)));
  if (learned.has_value()) model->set_learned(std::make_unique<LearnedPairs>(std::move(**learned)));
  return model;
}

void Model::set_channel(ChannelParams channel) {
  channel_ = std::move(channel);
  SetUpRouting();
}

void Model::set_learned(std::unique_ptr<LearnedPairs> learned) {
  learned_ = std::move(learned);
  router_.reset();
  SetUpRouting();
}

void Model::SetUpRouting() {
  plain_channel_.reset();
  const bool uses_learned = (channel_.filter.sources & MaskOf(Source::kLearned)) != 0;
  if (learned_ == nullptr || !uses_learned || RoutedProfiles(*learned_).empty()) {
    router_.reset();
    return;
  }
  // The router and the plain channel are made side by side (start-up).
  ParallelFor(router_ == nullptr ? 2 : 1, ThreadCount(), nullptr, [&](int, size_t part) {
    if (part == 0) plain_channel_ = std::make_unique<ChannelParams>(PlainChannel(channel_, *learned_, lexicon_, lm_));
    if (part == 1) router_ = std::make_unique<ProfileRouter>(*learned_, lexicon_, lm_, channel_.swap_rate);
  });
}

ChannelParams Model::PlainChannelFor(const ChannelParams& channel) const {
  // The lexicon filter stays the caller's (an evaluation may leave a source
  // out); only the learned tables differ.
  ChannelParams c = channel;
  c.pair_log_q = plain_channel_->pair_log_q;
  c.keep_log = plain_channel_->keep_log;
  c.unseen_pair_log_q = plain_channel_->unseen_pair_log_q;
  return c;
}

const CandidateTable* Model::candidate_table() const { return CandidateTableFor(channel_); }

const CandidateTable* Model::CandidateTableFor(const ChannelParams& channel) const {
  const uint64_t fingerprint = CandidateFingerprint(channel);
  for (const auto& table : candidate_tables_) {
    if (table->fingerprint() == fingerprint) return table.get();
  }
  return nullptr;
}

void Model::set_candidate_table(std::unique_ptr<CandidateTable> table) {
  candidate_tables_.clear();
  if (table != nullptr) candidate_tables_.push_back(std::move(table));
}

void Model::add_candidate_table(std::unique_ptr<CandidateTable> table) { candidate_tables_.push_back(std::move(table)); }

namespace {

constexpr double kLn10 = 2.302585092994046;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
// Longer sentences are decoded in pieces of this many words, which bounds
// the lattice (and so memory) whatever the input.
constexpr size_t kMaxSentenceWords = 200;
// Candidate lists are cached by observed phrase; the cache is dropped when
// it grows past this many entries so that memory stays bounded.
constexpr size_t kMaxCachedPhrases = 200000;
// The LM's words for the digits 1-9.
constexpr const char* kDigitWords[] = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

// How far (ln) LocalGains lets a candidate's gain so far fall below its
// cut before dropping it: rounding in a quantised model can price a word a
// little above probability 1.
constexpr double kPruneMargin = 0.5;
// Swap evidence below this posterior is not worth reporting to EM.
constexpr double kMinEvidence = 0.01;
// The best path's swaps with less posterior are not candidate spans.
constexpr double kMinSpanPosterior = 0.05;

// Bytes of a possessive ending: "'s" or "’s", or the apostrophe of "s'".
uint32_t PossessiveBytes(std::string_view w) {
  constexpr std::string_view kCurly = "\xE2\x80\x99";
  auto ends_with_s = [](std::string_view x) { return !x.empty() && (x.back() == 's' || x.back() == 'S'); };
  if (w.size() > 2 && ends_with_s(w) && w[w.size() - 2] == '\'') return 2;
  if (w.size() > 4 && ends_with_s(w) && w.substr(w.size() - 4, 3) == kCurly) return 4;
  if (w.size() > 2 && w.back() == '\'' && ends_with_s(w.substr(0, w.size() - 1))) return 1;
  if (w.size() > 4 && w.ends_with(kCurly) && ends_with_s(w.substr(0, w.size() - 3))) return 3;
  return 0;
}

double LogAdd(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  return a > b ? a + std::log1p(std::exp(b - a)) : b + std::log1p(std::exp(a - b));
}

// A word or number of the text, as the decoder reads it.
struct Word {
  uint32_t begin = 0, end = 0;  // bytes, including a possessive ending
  std::string lower;            // lower case, ’ read as ', possessive ending removed
  uint32_t suffix = 0;          // bytes of the possessive ending ("'s", "’s", "'")
  uint32_t lm = 0;              // LM id of the whole word (or of `lower` if only that is known)
  Casing casing = Casing::kLower;
  bool swappable = false;       // may be part of a swapped span
  bool joins_previous = false;  // one space from the previous word, nothing else between
  bool sentence_start = false;
  float keep = 0;               // ln P(kept | original = this word)
  // ln of how rarely edited prose writes the word as it stands: a digit
  // where a number word belongs ("2 new parks"); 0 for everything else.
  float style = 0;
  // Inside a short quotation ("counterfeit consciousness"): a mention of
  // the words, as articles about spun text make, not the writer's own.
  bool quoted = false;
  bool starts_listed = false;  // some listed tortured phrase starts with `lower`
  uint32_t table_key = 0xFFFFFFFFu;  // `lower` in the compiled candidate table (CandidateTable::kNone: none)
  uint64_t hash = 0;                 // StringHash(lower)
  float KeepWeight() const { return keep + style; }
};

// A quotation of at most this many words is a mention; a longer one is
// speech or a cited passage, whose words a spinner swaps like any other.
constexpr size_t kMaxMentionWords = 6;

enum class QuoteMark { kNone, kOpen, kClose, kEither };

QuoteMark ReadQuoteMark(std::string_view punct) {
  if (punct == "\"") return QuoteMark::kEither;
  if (punct == "\u201c" || punct == "\u00ab" || punct == "\u201e") return QuoteMark::kOpen;
  if (punct == "\u201d" || punct == "\u00bb") return QuoteMark::kClose;
  return QuoteMark::kNone;
}

struct Arc {
  uint32_t begin = 0, end = 0;        // word positions [begin, end) in the sentence
  const Candidate* candidate = nullptr;  // null: keep the word
  uint32_t kept_lm = 0;               // the kept word's LM id (when candidate is null)
  float channel = 0;                  // ln P(observed | original)
};

struct Node {
  LmState state;
  double alpha = kNegInf;  // ln of the summed probability of paths reaching it
  double best = kNegInf;   // ln of the best path reaching it
  double beta = kNegInf;
  int32_t best_edge = -1;
  bool expanded = false;
};

struct Edge {
  int32_t from, to, arc;
  double weight;
};

}  // namespace

struct Decoder::Impl {
  const Model& model;
  ChannelParams channel;
  double log_rho = 0, log_keep = 0;
  // ln of this document's swap rate over the channel's (see Decode):
  // added to every swap weight, which the caches hold without it.
  double rho_shift = 0;
  bool keep_candidates = false;
  ScreenOptions screen;

  // Candidate lists come from the model's compiled table when it was
  // compiled for this channel, copied into `sentence_candidates` (capacity
  // reserved for the sentence, so arcs may point into it); otherwise from
  // `builder`, cached by observed phrase in `candidates`, which is only
  // dropped between sentences for the same reason.
  std::vector<Candidate> sentence_candidates;
  std::unordered_map<std::string, std::vector<Candidate>> candidates;
  std::unique_ptr<CandidateBuilder> builder;
  const CandidateTable* table = nullptr;
  std::unordered_map<std::string, bool> phrase_starts;
  // The filter with the primary and secondary sources: what counts for
  // eligibility.
  LexiconFilter all_sources;
  // Per lexicon id: 0 unknown, 1 no substitutes, 2 has substitutes.
  std::vector<uint8_t> eligible;
  struct WordFacts {
    uint32_t lm = 0;  // LM id
    float keep = 0;   // ln P(kept) if the word has substitutes, else 0
    bool starts_listed = false;  // a listed phrase starts with it (LearnedPairs::ListedRun)
    uint32_t table_key = CandidateTable::kNone;  // in the compiled candidate table, if any
  };
  // Per lower-case word, for this channel (FactsOf).
  FlatStringMap<WordFacts> word_facts;
  // Per run of two or more words, its key in the compiled table (RunKey).
  FlatStringMap<uint32_t> run_keys;

  // Scratch, reused across sentences.
  std::vector<Token> tokens;
  std::vector<Word> words;
  std::vector<Arc> arcs;
  std::vector<std::vector<uint32_t>> arcs_at;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<std::vector<int32_t>> nodes_at;
  std::unordered_map<uint64_t, int32_t> node_index;
  std::vector<double> arc_posterior;
  std::vector<double> gains;
  std::vector<const Candidate*> selected;
  bool first_step_known = false;
  std::vector<float> first_scores;
  std::vector<LmState> first_states;
  std::vector<uint8_t> dropped;
  std::vector<LmState> states, batch_in, batch_out;
  std::vector<uint32_t> batch_index, batch_words;
  std::vector<float> batch_scores;
  std::vector<LmState> plain_states;
  std::vector<double> plain_scores;
  double plain_eos = 0;
  std::vector<std::string> phrase;
  std::string key;

  explicit Impl(const Model& m) : model(m), eligible(m.lexicon().size(), 0) { SetChannel(m.channel()); }

  void SetChannel(const ChannelParams& c) {
    channel = c;
    log_rho = std::log(c.swap_rate);
    all_sources = c.filter;
    all_sources.sources = static_cast<SourceMask>(c.filter.sources | c.secondary_sources);
    log_keep = std::log1p(-c.swap_rate);
    candidates.clear();
    word_facts.Clear();
    run_keys.Clear();
    builder = std::make_unique<CandidateBuilder>(model.lexicon(), model.lm(), c);
    table = model.CandidateTableFor(c);
  }

  // Bounds the caches; called between sentences only (see `candidates`).
  void TrimCaches() {
    if (word_facts.size() >= kMaxCachedPhrases) word_facts.Clear();
    if (run_keys.size() >= kMaxCachedPhrases) run_keys.Clear();
    if (candidates.size() < kMaxCachedPhrases && builder->cached() < kMaxCachedPhrases) return;
    candidates.clear();
    builder->Clear();
  }

  bool Eligible(uint32_t id) {
    if (id == Lexicon::kNone) return false;
    if (eligible[id] == 0) {
      const Lexicon& lex = model.lexicon();
      bool yes = lex.HasSubstitutes(id, all_sources);
      if (!yes) {
        std::vector<Lexicon::Analysis> analyses;
        lex.Analyses(id, &analyses);
        for (const auto& a : analyses) yes |= lex.HasSubstitutes(a.lemma, all_sources);
      }
      eligible[id] = yes ? 2 : 1;
    }
    return eligible[id] == 2;
  }

  // Whether some lexicon key may start with the multi-word phrase in `key`
  // (words in `phrase`), as it is or with one word lemmatised ("took part"
  // -> "take part", which OriginalReadings tries). Cached: the same word
  // pairs recur, and most are no phrase at all.
  bool MayStartPhrase() {
    if (auto it = phrase_starts.find(key); it != phrase_starts.end()) return it->second;
    if (phrase_starts.size() >= kMaxCachedPhrases) phrase_starts.clear();
    const Lexicon& lex = model.lexicon();
    bool any = lex.MayStartPhrase(key);
    std::vector<Lexicon::Analysis> analyses;
    for (size_t j = 0; j < phrase.size() && !any; ++j) {
      const uint32_t id = lex.Find(phrase[j]);
      if (id == Lexicon::kNone) continue;
      lex.Analyses(id, &analyses);
      for (const auto& a : analyses) {
        std::vector<std::string> lemma_words = phrase;
        lemma_words[j] = std::string(lex.Key(a.lemma));
        any |= lex.MayStartPhrase(Join(lemma_words, ' '));
      }
    }
    phrase_starts.emplace(key, any);
    return any;
  }

  // The candidates for the observed lower-case phrase in `key` (words in
  // `phrase`) in *out, and in *extends whether a longer phrase starting
  // with it may have any (if not, the span need not grow).
  // `table_key`, if known, is `key`'s key in the compiled table (or kNone).
  void CandidatesFor(std::span<const Candidate>* out, bool* extends,
                     std::optional<uint32_t> table_key = std::nullopt) {
    *out = {};
    *extends = false;
    if (table != nullptr) {
      const uint32_t k = table_key ? *table_key : RunKey();
      if (k == CandidateTable::kNone) return;
      const size_t start = sentence_candidates.size();
      table->AppendList(k, &sentence_candidates);
      *out = std::span<const Candidate>(sentence_candidates).subspan(start);
      *extends = table->Extends(k);
      return;
    }
    if (phrase.size() > 1 && !MayStartPhrase()) return;
    auto it = candidates.find(key);
    if (it == candidates.end()) {
      std::vector<Candidate> list;
      builder->Build(key, phrase, &list);
      it = candidates.emplace(key, std::move(list)).first;
    }
    *out = it->second;
    *extends = true;
  }

  // What ReadWords needs of a lower-case word, whatever its place: looked
  // up once per distinct word (word_facts) rather than in the LM
  // vocabulary, the lexicon and the learned keep table at every token.
  const WordFacts& FactsOf(std::string_view lower) { return FactsOf(lower, StringHash(lower)); }
  // `hash` is StringHash(lower).
  const WordFacts& FactsOf(std::string_view lower, uint64_t hash) {
    if (const WordFacts* known = word_facts.Find(lower, hash)) return *known;
    WordFacts facts;
    facts.lm = model.lm().Vocab(lower);
    const LearnedPairs* learned = UsedLearned();
    facts.starts_listed = learned != nullptr && (learned->ListedRun(lower) & LearnedPairs::kListedPrefix) != 0;
    if (table != nullptr) facts.table_key = table->FindKey(lower);
    if (Eligible(model.lexicon().Find(lower))) {
      auto learned_keep = channel.keep_log.find(std::string(lower));
      facts.keep = static_cast<float>(learned_keep == channel.keep_log.end() ? log_keep : learned_keep->second);
    }
    return *word_facts.Insert(lower, hash, facts);
  }

  // Extends the run of words starting at sentence word i (of n, the
  // sentence's first at words[first]) to `len` words, in `key` and
  // `phrase` (cleared before len 1): false, and nothing added, where a run
  // cannot be that long (past max_span_tokens or the sentence, a word that
  // cannot be swapped, or one not joined to the previous by one space).
  bool ExtendRun(size_t first, size_t n, size_t i, size_t len) {
    if (len > static_cast<size_t>(channel.max_span_tokens) || i + len > n) return false;
    const Word& next = words[first + i + len - 1];
    if (!next.swappable || (len > 1 && !next.joins_previous)) return false;
    if (len > 1) key.push_back(' ');
    key += next.lower;
    phrase.push_back(next.lower);
    return true;
  }

  // The compiled table's key of the run of words in `key`, cached: the
  // same word pairs recur through a text.
  uint32_t RunKey() {
    const uint64_t hash = StringHash(key);
    if (const uint32_t* known = run_keys.Find(key, hash)) return *known;
    return *run_keys.Insert(key, hash, table->FindKey(key));
  }

  void ReadWords(std::string_view text) {
    words.clear();
    Tokenize(text, &tokens);
    const LanguageModel& lm = model.lm();
    std::string full;
    int previous_word_token = -2;
    // The first word after an open double quotation mark, or -1.
    int64_t quote_from = -1;
    for (size_t t = 0; t < tokens.size(); ++t) {
      const Token& tok = tokens[t];
      if (tok.Has(kParagraphStart)) quote_from = -1;  // an unclosed quote ends with its paragraph
      if (tok.kind == TokenKind::kPunct) {
        const QuoteMark mark = ReadQuoteMark(tok.Text(text));
        const bool closes = quote_from >= 0 && (mark == QuoteMark::kClose || mark == QuoteMark::kEither);
        if (closes) {
          if (words.size() - static_cast<size_t>(quote_from) <= kMaxMentionWords) {
            for (size_t k = static_cast<size_t>(quote_from); k < words.size(); ++k) words[k].quoted = true;
          }
          quote_from = -1;
        } else if (mark == QuoteMark::kOpen || mark == QuoteMark::kEither) {
          quote_from = static_cast<int64_t>(words.size());
        }
      }
      if (tok.kind != TokenKind::kWord && tok.kind != TokenKind::kNumber) continue;
      Word w;
      w.begin = tok.begin;
      w.end = tok.end;
      w.sentence_start = tok.Has(kSentenceStart);
      std::string_view surface = tok.Text(text);
      w.suffix = PossessiveBytes(surface);
      full.clear();
      AppendLower(surface, &full);
      NormalizeApostrophes(&full);
      w.lower.clear();
      AppendLower(surface.substr(0, surface.size() - w.suffix), &w.lower);
      NormalizeApostrophes(&w.lower);
      w.hash = StringHash(w.lower);
      const WordFacts& facts = FactsOf(w.lower, w.hash);
      w.lm = w.suffix > 0 ? FactsOf(full).lm : facts.lm;
      if (w.lm == lm.unk() && w.suffix > 0) w.lm = facts.lm;
      w.casing = DetectCasing(surface);
      // Abbreviations ("p.m.", "U.S.") are left alone: the LM does not know
      // them, so any known word would look better in their place.
      w.swappable = tok.kind == TokenKind::kWord && !tok.Has(kHasDigit) && w.casing != Casing::kMixed &&
                    surface.find('.') == std::string_view::npos;
      if (tok.kind == TokenKind::kNumber && surface.size() == 1 && surface[0] >= '1' && surface[0] <= '9') {
        // A lone digit is read by the LM as its word (the CMU model has
        // no digits), may be a spinner's "2" for "two", and costs
        // digit_log_penalty unless its neighbours call for a digit.
        w.lm = lm.Vocab(kDigitWords[surface[0] - '1']);
        w.swappable = true;
        w.style = DigitExpected(text, t) ? 0.0f : static_cast<float>(channel.digit_log_penalty);
      }
      w.joins_previous = previous_word_token == static_cast<int>(t) - 1 && !words.empty() &&
                         tok.begin == words.back().end + 1 && text[words.back().end] == ' ' &&
                         words.back().suffix == 0;
      previous_word_token = static_cast<int>(t);
      w.keep = w.swappable ? facts.keep : 0.0f;
      w.starts_listed = facts.starts_listed;
      w.table_key = facts.table_key;
      words.push_back(std::move(w));
    }
  }

  // Whether the digit at tokens[t] is where edited prose writes digits:
  // next to a currency, percent or unit sign, before a unit of counting
  // or time of day, after a month, or among other numbers.
  bool DigitExpected(std::string_view text, size_t t) const {
    auto word_at = [&](size_t k) { return ToLower(tokens[k].Text(text)); };
    if (t > 0) {
      const Token& prev = tokens[t - 1];
      if (prev.kind == TokenKind::kNumber || prev.kind == TokenKind::kSymbol) return true;
      if (prev.kind == TokenKind::kPunct && prev.end == tokens[t].begin) return true;  // "#2", "(2", "-2"
      static const std::unordered_set<std::string> kBefore = {
          "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan.", "feb.", "aug.", "sept.", "oct.", "nov.", "dec.", "no.", "page", "chapter",
          "section", "figure", "table", "room", "route", "grade", "level", "version", "step", "phase", "article",
          "number", "vs.", "v."};
      if (prev.IsWord() && kBefore.contains(word_at(t - 1))) return true;
    }
    if (t + 1 < tokens.size()) {
      const Token& next = tokens[t + 1];
      if (next.kind == TokenKind::kNumber || next.kind == TokenKind::kSymbol) return true;
      if (next.kind == TokenKind::kPunct && next.begin == tokens[t].end) {
        const std::string_view p = next.Text(text);
        if (p == "%" || p == ":" || p == "/" || p == "-" || p == "." || p == ",") return true;  // "2%", "2:30", "2."
      }
      static const std::unordered_set<std::string> kAfter = {
          "percent", "per", "a.m.", "p.m.", "am", "pm", "million", "billion", "trillion", "thousand", "hundred",
          "dollars", "cents", "pounds", "euros", "km", "kg", "mm", "cm", "m", "ft", "lb", "lbs", "mph", "degrees",
          "inches", "feet", "miles", "kilometers", "kilometres", "meters", "metres", "grams", "kilograms",
          "liters", "litres", "hours", "minutes", "seconds", "o'clock", "st", "nd", "rd", "th", "x"};
      if (next.IsWord() && kAfter.contains(word_at(t + 1))) return true;
    }
    return false;
  }

  // ln P(word | state), advancing `state`; a word the model does not know
  // costs oov_log10 and resets the context.
  double ScoreWord(uint32_t id, LmState* state) const {
    const LanguageModel& lm = model.lm();
    if (id == lm.unk()) {
      *state = lm.NullContext();
      return channel.oov_log10 * kLn10;
    }
    return lm.Score(*state, id, state) * kLn10;
  }

  // ln P(words of the arc | state), advancing `state`.
  double ScoreArc(const Arc& arc, LmState* state) const {
    if (arc.candidate == nullptr) return ScoreWord(arc.kept_lm, state);
    double sum = 0;
    for (uint32_t id : arc.candidate->lm) sum += ScoreWord(id, state);
    return sum;
  }

  // The path that keeps every word of words[first, first + n): the LM state
  // before each word, and each word's score with its keep weight.
  void PlainPass(size_t first, size_t n) {
    const LanguageModel& lm = model.lm();
    plain_states.resize(n + 1);
    plain_scores.resize(n);
    LmState state = lm.BeginSentence();
    for (size_t i = 0; i < n; ++i) {
      plain_states[i] = state;
      plain_scores[i] = ScoreWord(words[first + i].lm, &state) + words[first + i].KeepWeight();
    }
    plain_states[n] = state;
    plain_eos = lm.Score(state, lm.eos(), &state) * kLn10;
  }

  // What PlainPass gives, for the words [i, end) of a run and the
  // language model's order - 1 words after it only: the words as written
  // are scored from the sentence start where runs are close together, and
  // from a context of order - 1 words where they are far apart. Exact, not
  // an approximation: a state carries only the last order - 1 words (and
  // an unknown word empties it), so a state rebuilt from them is the one
  // the whole pass reaches. Runs must come in increasing order of i within
  // a sentence; plain_begin = plain_end = 0 and !plain_state_known start
  // one.
  // Invariant: plain_states[t] is valid for t in [plain_begin, plain_end]
  // and plain_scores[t] for t in [plain_begin, plain_end) (when
  // plain_state_known); plain_eos once plain_end == n.
  size_t plain_begin = 0, plain_end = 0;
  bool plain_state_known = false;
  void PlainScoresFor(size_t first, size_t n, size_t i, size_t end) {
    const LanguageModel& lm = model.lm();
    const size_t context = static_cast<size_t>(lm.order() - 1);
    const size_t right = std::min(n, end + context);
    plain_states.resize(n + 1);
    plain_scores.resize(n);
    if (!plain_state_known || i > plain_end + context) {
      // A fresh start, order - 1 words before the run: only from the run on
      // are scores exact (unless that is the sentence start).
      const size_t start = i > context ? i - context : 0;
      LmState state = start == 0 ? lm.BeginSentence() : lm.NullContext();
      plain_states[start] = state;
      for (size_t t = start; t < i; ++t) {
        plain_scores[t] = ScoreWord(words[first + t].lm, &state) + words[first + t].KeepWeight();
        plain_states[t + 1] = state;
      }
      plain_begin = start == 0 ? 0 : i;
      plain_end = i;
      plain_state_known = true;
    }
    LmState state = plain_states[plain_end];
    for (size_t t = plain_end; t < right; ++t) {
      plain_scores[t] = ScoreWord(words[first + t].lm, &state) + words[first + t].KeepWeight();
      plain_states[t + 1] = state;
    }
    if (right > plain_end) {
      plain_end = right;
      if (right == n) plain_eos = lm.Score(state, lm.eos(), &state) * kLn10;
    }
  }

  // The candidates worth a full LocalGains test: the `scored_candidates`
  // best by channel weight and the LM score of their first word after the
  // plain context (one batched query each).
  // The LM scores of the selected candidates' first words come back in
  // first_scores and first_states (if first_step_known), for LocalGains.
  void SelectCandidates(size_t i, std::span<const Candidate> list) {
    selected.clear();
    first_step_known = false;
    for (const Candidate& c : list) selected.push_back(&c);
    const size_t keep = static_cast<size_t>(channel.scored_candidates);
    if (selected.size() <= keep) return;
    const LanguageModel& lm = model.lm();
    batch_in.assign(list.size(), plain_states[i]);
    batch_words.clear();
    for (const Candidate& c : list) batch_words.push_back(c.lm[0]);
    batch_scores.resize(list.size());
    batch_out.resize(list.size());
    lm.ScoreBatch(batch_in.data(), batch_words.data(), list.size(), batch_scores.data(), batch_out.data());
    gains.resize(list.size());
    for (size_t c = 0; c < list.size(); ++c) gains[c] = list[c].weight + batch_scores[c] * kLn10;  // rho is common
    std::nth_element(selected.begin(), selected.begin() + static_cast<std::ptrdiff_t>(keep), selected.end(),
                     [&](const Candidate* a, const Candidate* b) { return gains[a - list.data()] > gains[b - list.data()]; });
    selected.resize(keep);
    first_scores.clear();
    first_states.clear();
    for (const Candidate* c : selected) {
      first_scores.push_back(batch_scores[static_cast<size_t>(c - list.data())]);
      first_states.push_back(batch_out[static_cast<size_t>(c - list.data())]);
    }
    first_step_known = true;
  }

  // How much better (ln) the path is that swaps words [i, end) for each
  // candidate than the all-keep path, judged over the span and the words
  // after it that still see it in their context: a cheap test that keeps
  // hopeless candidates out of the lattice. The candidates' LM queries go
  // out step by step in batches, so that their cache misses overlap.
  // A candidate whose gain will be below -floor is dropped as soon as that
  // is certain (its gain is then kNegInf).
  void LocalGains(size_t first, size_t n, size_t i, size_t end, const std::vector<const Candidate*>& list,
                  double floor) {
    const LanguageModel& lm = model.lm();
    const size_t count = list.size();
    const size_t right = std::min(n, end + static_cast<size_t>(lm.order() - 1));
    double kept = 0;
    for (size_t t = i; t < right; ++t) kept += plain_scores[t];
    if (right == n) kept += plain_eos;
    gains.assign(count, 0.0);
    states.assign(count, plain_states[i]);
    size_t longest = 0;
    for (size_t c = 0; c < count; ++c) {
      gains[c] = log_rho + rho_shift + list[c]->weight;
      longest = std::max(longest, list[c]->lm.size());
    }
    // The word candidate c reads at step k (after its own words come the
    // words right of the span, then the sentence end), or kNoWord.
    constexpr uint32_t kNoWord = 0xFFFFFFFFu;
    const size_t tail = right - end + (right == n ? 1 : 0);
    auto word_at = [&](size_t c, size_t k) -> uint32_t {
      const size_t own = list[c]->lm.size();
      if (k < own) return list[c]->lm[k];
      if (k - own < right - end) return words[first + end + (k - own)].lm;
      return k - own < tail ? lm.eos() : kNoWord;
    };
    // A candidate is dropped as soon as its gain so far, were every later
    // word free, is below the cut: later words only lower it (log
    // probabilities; kPruneMargin covers quantised backoffs rounding a
    // probability over 1), so this changes no result, only saves queries.
    double keep_right = 0;
    for (size_t t = end; t < right; ++t) keep_right += words[first + t].KeepWeight();
    const double cut = -floor - kPruneMargin + kept - keep_right;
    dropped.assign(count, 0);
    size_t k = 0;
    if (first_step_known) {  // step 0, every candidate's first word, scored by SelectCandidates
      for (size_t c = 0; c < count; ++c) {
        gains[c] += first_scores[c] * kLn10;
        states[c] = first_states[c];
      }
      k = 1;
    }
    for (; k < longest + tail; ++k) {
      batch_index.clear();
      batch_in.clear();
      batch_words.clear();
      for (size_t c = 0; c < count; ++c) {
        if (dropped[c] || gains[c] < cut) {
          dropped[c] = 1;
          continue;
        }
        const uint32_t w = word_at(c, k);
        if (w == kNoWord) continue;
        if (w == lm.unk()) {
          gains[c] += channel.oov_log10 * kLn10;
          states[c] = lm.NullContext();
          continue;
        }
        batch_index.push_back(static_cast<uint32_t>(c));
        batch_in.push_back(states[c]);
        batch_words.push_back(w);
      }
      batch_scores.resize(batch_index.size());
      batch_out.resize(batch_index.size());
      lm.ScoreBatch(batch_in.data(), batch_words.data(), batch_index.size(), batch_scores.data(), batch_out.data());
      for (size_t b = 0; b < batch_index.size(); ++b) {
        const uint32_t c = batch_index[b];
        gains[c] += batch_scores[b] * kLn10;
        states[c] = batch_out[b];
      }
    }
    // Kept words right of the span carry their keep weight on both paths.
    for (size_t t = end; t < right; ++t) {
      for (size_t c = 0; c < count; ++c) gains[c] += words[first + t].KeepWeight();
    }
    for (size_t c = 0; c < count; ++c) gains[c] = dropped[c] ? kNegInf : gains[c] - kept;
  }

  // What the screen needs of a candidate list, which depends on the list
  // alone: the best static gain less the observed words' unigram and the
  // swap rate, ln(weight) + ln P_unigram(original) - ln P_unigram(observed),
  // and the positions of the kMaxScreenCandidates best by it.
  struct StaticSummary {
    float best = 0;
    uint8_t count = 0;
    std::array<uint8_t, kMaxScreenCandidates> top = {};
  };
  // Per candidate-table key, once computed (`screen_known`).
  std::vector<StaticSummary> screen_summaries;
  std::vector<uint8_t> screen_known;
  std::vector<Candidate> screen_tested;  // the candidates of the run under test

  // `get(c)` is candidate c of a list of `size`.
  template <typename Get>
  static StaticSummary Summarize(size_t size, Get get, size_t observed_words) {
    StaticSummary s;
    std::array<float, kMaxScreenCandidates> best;
    best.fill(-std::numeric_limits<float>::infinity());
    const size_t n = std::min<size_t>(size, 255);
    float observed_unigram = 0;
    for (size_t c = 0; c < n; ++c) {
      const Candidate candidate = get(c);
      observed_unigram = candidate.observed_unigram;
      float v = candidate.weight + candidate.unigram * static_cast<float>(candidate.lm.size());
      uint8_t at = static_cast<uint8_t>(c);
      // Insertion into the short best-first list.
      for (size_t k = 0; k < best.size(); ++k) {
        if (v > best[k]) {
          std::swap(v, best[k]);
          std::swap(at, s.top[k]);
        }
      }
    }
    s.count = static_cast<uint8_t>(std::min<size_t>(n, kMaxScreenCandidates));
    s.best = best[0] - observed_unigram * static_cast<float>(observed_words);
    return s;
  }

  // The screen over one window of text: the local gains of the runs worth
  // testing (decoder/screen.h), added to *out with its words and listed
  // phrases. Quoted words are left out, as Decode leaves them out of the
  // document's evidence.
  // One sentence in sample_every is screened (ScreenOptions); set per
  // document by Decoder::Screen.
  int sample_every = 1;
  void ScreenWindow(std::string_view text, ScreenResult* out) {
    TrimCaches();
    ReadWords(text);
    for (Word& w : words) {
      if (!w.quoted) continue;
      w.swappable = false;
      w.keep = 0;
    }
    out->words += words.size();
    if (table != nullptr && screen_known.size() != table->keys()) {
      screen_known.assign(table->keys(), 0);
      screen_summaries.resize(table->keys());
    }
    std::vector<const Candidate*> tested;
    for (size_t first = 0; first < words.size();) {
      size_t last = first + 1;
      while (last < words.size() && !words[last].sentence_start && last - first < kMaxSentenceWords) ++last;
      if (out->sentences++ % static_cast<uint64_t>(sample_every) == 0) {
        out->screened_words += last - first;
        ScreenSentence(first, last, &tested, out);
      }
      first = last;
    }
    std::vector<ListedHit> listed;
    FindListedPhrases(&listed);
    out->listed_phrases += DistinctPhrases(&listed).first;
  }

  void ScreenSentence(size_t first, size_t last, std::vector<const Candidate*>* tested, ScreenResult* out) {
    const size_t n = last - first;
    plain_begin = plain_end = 0;
    plain_state_known = false;
    for (size_t i = 0; i < n; ++i) {
      if (!words[first + i].swappable) continue;
      phrase.clear();
      key.clear();
      double keep = 0;
      double best_gain = 0;
      for (size_t len = 1; ExtendRun(first, n, i, len); ++len) {
        const Word& next = words[first + i + len - 1];
        keep += next.KeepWeight();
        // The list's summary, and the list itself only if it is tested.
        StaticSummary summary;
        std::span<const Candidate> list;
        bool extends = false;
        uint32_t k = CandidateTable::kNone;
        if (table != nullptr) {
          if (len == 2 && !table->MayStartWith(words[first + i].hash, next.hash)) break;
          k = len == 1 ? next.table_key : RunKey();
          if (k == CandidateTable::kNone) break;
          extends = table->Extends(k);
          if (!screen_known[k]) {
            screen_summaries[k] = Summarize(table->ListSize(k), [&](size_t c) { return table->Get(k, c); }, len);
            screen_known[k] = 1;
          }
          summary = screen_summaries[k];
        } else {
          CandidatesFor(&list, &extends);
          summary = Summarize(list.size(), [&](size_t c) { return list[c]; }, len);
        }
        if (summary.count > 0) {
          ++out->runs_seen;
          const double static_gain = log_rho + rho_shift + summary.best - keep;
          if (static_gain >= -screen.static_cut) {
            ++out->runs_tested;
            PlainScoresFor(first, n, i, i + len);
            screen_tested.clear();
            const size_t tested_count = std::min<size_t>(summary.count, static_cast<size_t>(screen.candidates));
            for (size_t c = 0; c < tested_count; ++c) {
              screen_tested.push_back(table != nullptr ? table->Get(k, summary.top[c]) : list[summary.top[c]]);
            }
            tested->clear();
            for (const Candidate& c : screen_tested) tested->push_back(&c);
            first_step_known = false;
            // Only positive gains count, so a candidate is followed only
            // while it may still have one.
            LocalGains(first, n, i, i + len, *tested, 0.0);
            for (double g : gains) best_gain = std::max(best_gain, g);
          }
        }
        if (!extends) break;
      }
      // Runs starting at one word overlap: the best of them counts.
      out->gain += best_gain;
    }
  }

  void BuildArcs(size_t first, size_t last) {
    const size_t n = last - first;
    arcs.clear();
    arcs_at.assign(n, {});
    for (size_t i = 0; i < n; ++i) {
      const Word& w = words[first + i];
      arcs_at[i].push_back(static_cast<uint32_t>(arcs.size()));
      arcs.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1), nullptr, w.lm, w.KeepWeight()});
      if (!w.swappable) continue;
      phrase.clear();
      key.clear();
      for (size_t len = 1; ExtendRun(first, n, i, len); ++len) {
        const Word& next = words[first + i + len - 1];
        std::span<const Candidate> list;
        bool extends = false;
        if (table != nullptr && len == 2 && !table->MayStartWith(w.hash, next.hash)) break;
        CandidatesFor(&list, &extends, len == 1 && table != nullptr ? std::optional<uint32_t>(w.table_key) : std::nullopt);
        if (!list.empty()) {
          SelectCandidates(i, list);
          LocalGains(first, n, i, i + len, selected, channel.prefilter_delta);
          for (size_t ci = 0; ci < selected.size(); ++ci) {
            const Candidate& c = *selected[ci];
            if (gains[ci] < -channel.prefilter_delta) continue;
            arcs_at[i].push_back(static_cast<uint32_t>(arcs.size()));
            arcs.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(i + len), &c, 0,
                            static_cast<float>(log_rho + rho_shift + c.weight)});
          }
        }
        if (!extends) break;
      }
    }
  }

  int32_t NodeFor(size_t pos, const LmState& state) {
    uint64_t h = pos * 0x9E3779B97F4A7C15ull + state.length;
    for (int k = 0; k < state.length; ++k) h = (h ^ state.words[k]) * 0xFF51AFD7ED558CCDull;
    auto [it, inserted] = node_index.emplace(h, static_cast<int32_t>(nodes.size()));
    if (!inserted && nodes[static_cast<size_t>(it->second)].state == state) return it->second;
    // New, or a hash collision (then the node is simply not indexed).
    nodes.push_back(Node{});
    nodes.back().state = state;
    nodes_at[pos].push_back(static_cast<int32_t>(nodes.size() - 1));
    return static_cast<int32_t>(nodes.size() - 1);
  }

  // Decodes words[first, last) as one sentence (or a piece of one).
  void DecodeSentence(std::string_view text, size_t first, size_t last, DecodeResult* out,
                      std::vector<SwapEvidence>* evidence) {
    const LanguageModel& lm = model.lm();
    const size_t n = last - first;
    TrimCaches();
    sentence_candidates.clear();
    sentence_candidates.reserve(n * static_cast<size_t>(channel.max_span_tokens) *
                                static_cast<size_t>(channel.max_candidates));
    PlainPass(first, n);
    BuildArcs(first, last);
    nodes.clear();
    edges.clear();
    node_index.clear();
    nodes_at.assign(n + 1, {});
    const int32_t start = NodeFor(0, lm.BeginSentence());
    nodes[static_cast<size_t>(start)].alpha = 0;
    nodes[static_cast<size_t>(start)].best = 0;

    std::vector<int32_t> live;
    for (size_t pos = 0; pos < n; ++pos) {
      live = nodes_at[pos];
      double top = kNegInf;
      for (int32_t id : live) top = std::max(top, nodes[static_cast<size_t>(id)].best);
      std::erase_if(live, [&](int32_t id) { return nodes[static_cast<size_t>(id)].best < top - channel.beam_delta; });
      const size_t beam = static_cast<size_t>(channel.beam);
      if (live.size() > beam) {
        std::nth_element(live.begin(), live.begin() + static_cast<std::ptrdiff_t>(beam), live.end(),
                         [&](int32_t a, int32_t b) { return nodes[static_cast<size_t>(a)].best > nodes[static_cast<size_t>(b)].best; });
        live.resize(beam);
      }
      for (int32_t from : live) {
        nodes[static_cast<size_t>(from)].expanded = true;
        for (uint32_t a : arcs_at[pos]) {
          const Arc& arc = arcs[a];
          LmState state = nodes[static_cast<size_t>(from)].state;
          const double weight = ScoreArc(arc, &state) + arc.channel;
          const int32_t to = NodeFor(arc.end, state);
          edges.push_back({from, to, static_cast<int32_t>(a), weight});
          Node& f = nodes[static_cast<size_t>(from)];
          Node& t = nodes[static_cast<size_t>(to)];
          t.alpha = LogAdd(t.alpha, f.alpha + weight);
          if (f.best + weight > t.best) {
            t.best = f.best + weight;
            t.best_edge = static_cast<int32_t>(edges.size() - 1);
          }
        }
      }
    }
    // Sentence end.
    double z = kNegInf, best = kNegInf;
    int32_t best_final = -1;
    for (int32_t id : nodes_at[n]) {
      Node& node = nodes[static_cast<size_t>(id)];
      LmState after;
      node.beta = lm.Score(node.state, lm.eos(), &after) * kLn10;
      z = LogAdd(z, node.alpha + node.beta);
      if (node.best + node.beta > best) {
        best = node.best + node.beta;
        best_final = id;
      }
    }
    for (size_t e = edges.size(); e-- > 0;) {
      const Edge& edge = edges[e];
      Node& to = nodes[static_cast<size_t>(edge.to)];
      if (to.beta == kNegInf) continue;
      Node& from = nodes[static_cast<size_t>(edge.from)];
      from.beta = LogAdd(from.beta, edge.weight + to.beta);
    }
    arc_posterior.assign(arcs.size(), 0.0);
    for (const Edge& edge : edges) {
      const Node& from = nodes[static_cast<size_t>(edge.from)];
      const Node& to = nodes[static_cast<size_t>(edge.to)];
      if (to.beta == kNegInf || arcs[static_cast<size_t>(edge.arc)].candidate == nullptr) continue;
      arc_posterior[static_cast<size_t>(edge.arc)] += std::exp(from.alpha + edge.weight + to.beta - z);
    }

    double plain = plain_eos;
    for (size_t i = 0; i < n; ++i) plain += plain_scores[i];
    out->lm_log_likelihood += plain;
    for (size_t i = 0; i < n; ++i) out->lm_log_likelihood -= words[first + i].KeepWeight();

    out->best_log_likelihood += std::max(best, plain);
    out->plain_log_likelihood += plain;
    for (size_t a = 0; a < arcs.size(); ++a) {
      out->expected_swaps += arc_posterior[a];
      if (evidence && arc_posterior[a] >= kMinEvidence) {
        std::string observed;
        for (uint32_t i = arcs[a].begin; i < arcs[a].end; ++i) {
          if (i > arcs[a].begin) observed.push_back(' ');
          observed += words[first + i].lower;
        }
        evidence->push_back({std::string(model.lexicon().Key(arcs[a].candidate->original)), std::move(observed),
                             arc_posterior[a], builder->DefaultLogQ(arcs[a].candidate->original)});
      }
    }
    if (best_final < 0 || best <= plain) return;

    // The Viterbi path, last arc first.
    std::vector<int32_t> path;
    for (int32_t node = best_final; nodes[static_cast<size_t>(node)].best_edge >= 0;) {
      const Edge& edge = edges[static_cast<size_t>(nodes[static_cast<size_t>(node)].best_edge)];
      path.push_back(edge.arc);
      node = edge.from;
    }
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
      const Arc& arc = arcs[static_cast<size_t>(*it)];
      if (arc.candidate == nullptr) continue;
      double span_posterior = 0;
      for (uint32_t other : arcs_at[arc.begin]) {
        if (arcs[other].candidate != nullptr && arcs[other].end == arc.end) span_posterior += arc_posterior[other];
      }
      if (span_posterior < kMinSpanPosterior) continue;
      span_posterior = std::min(span_posterior, 1.0);
      const double share = std::min(1.0, arc_posterior[static_cast<size_t>(*it)] / span_posterior);
      auto logit = [](double p) {
        p = std::clamp(p, 1e-4, 1 - 1e-4);
        return static_cast<float>(std::log(p / (1 - p)));
      };
      const Word& w = words[first + arc.begin];
      const SpanFeatures features = {logit(span_posterior),
                                     logit(share),
                                     arc.candidate->observed_unigram,
                                     arc.candidate->unigram,
                                     arc.candidate->log_q,
                                     w.casing != Casing::kLower && !w.sentence_start ? 1.0f : 0.0f,
                                     static_cast<float>(arc.end - arc.begin - 1)};
      AddSpan(text, first + arc.begin, first + arc.end, *arc.candidate, span_posterior, share, features, out);
    }
  }

  // Casing of the observed span carried over to the original.
  std::string CaseLike(size_t first_word, size_t end_word, std::string_view original) const {
    if (DetectCasing(original) != Casing::kLower) return std::string(original);  // a display form ("Den Haag")
    bool all_upper = true, all_title = true;
    for (size_t i = first_word; i < end_word; ++i) {
      all_upper &= words[i].casing == Casing::kUpper;
      all_title &= words[i].casing == Casing::kTitle;
    }
    if (all_upper) return ApplyCasing(original, Casing::kUpper);
    if (all_title && end_word - first_word > 1) {
      std::vector<std::string> parts = Split(original, ' ');
      for (auto& p : parts) p = ApplyCasing(p, Casing::kTitle);
      return Join(parts, ' ');
    }
    if (words[first_word].casing == Casing::kTitle || words[first_word].casing == Casing::kUpper ||
        (words[first_word].sentence_start && words[first_word].lower[0] >= '0' && words[first_word].lower[0] <= '9')) {
      return ApplyCasing(original, Casing::kTitle);
    }
    return std::string(original);
  }

  void AddSpan(std::string_view text, size_t first_word, size_t end_word, const Candidate& c, double confidence,
               double original_share, const SpanFeatures& features, DecodeResult* out) {
    const Word& last = words[end_word - 1];
    uint32_t begin = words[first_word].begin;
    std::string original = CaseLike(first_word, end_word, c.text);
    original.append(text.substr(last.end - last.suffix, last.suffix));
    // An article the spinner agreed with its substitute ("a deadlock" for
    // "an impasse") is agreed with the original again.
    if (first_word > 0 && words[first_word].joins_previous) {
      const Word& article = words[first_word - 1];
      const bool is_a = article.lower == "a", is_an = article.lower == "an";
      const bool was_restored = !out->spans.empty() && out->spans.back().end >= article.end;
      if ((is_a || is_an) && !was_restored) {
        const bool wants_an = StartsWithVowelSound(ToLower(original));
        if (wants_an != is_an && StartsWithVowelSound(words[first_word].lower) == is_an) {
          std::string fixed = wants_an ? "an" : "a";
          if (article.casing == Casing::kTitle) fixed = ApplyCasing(fixed, Casing::kTitle);
          if (article.casing == Casing::kUpper) fixed = ApplyCasing(fixed, Casing::kUpper);
          original = fixed + " " + original;
          begin = article.begin;
        }
      }
    }
    RestoredSpan span;
    span.begin = begin;
    span.end = last.end;
    span.text = std::string(text.substr(begin, last.end - begin));
    span.original = original;
    span.confidence = confidence;
    span.original_confidence = original_share;
    span.features = features;
    span.learned_count = LearnedCount(first_word, end_word, c);
    // One listed word is no tortured phrase ("district" for "region" is
    // listed inside phrases, and common on its own).
    span.listed_count = end_word - first_word < 2 ? 0 : LearnedCount(first_word, end_word, c, /*listed=*/true);
    out->spans.push_back(std::move(span));
  }

  // The learned table, if there is one and this channel uses its source.
  const LearnedPairs* UsedLearned() const {
    return (channel.filter.sources & MaskOf(Source::kLearned)) != 0 ? model.learned() : nullptr;
  }

  // The lower-case words [first, end), joined by spaces.
  std::string JoinedWords(size_t first, size_t end) const {
    std::string joined;
    for (size_t k = first; k < end; ++k) joined.append(k == first ? "" : " ").append(words[k].lower);
    return joined;
  }

  // The words of a span's original (words [range.first, range.second)),
  // lower case, without the possessive ending AddSpan carried over.
  std::vector<std::string> OriginalWords(std::pair<size_t, size_t> range, std::string_view original) const {
    std::string lowered = ToLower(original);
    lowered.resize(lowered.size() - std::min<size_t>(lowered.size(), words[range.second - 1].suffix));
    NormalizeApostrophes(&lowered);
    return Split(lowered, ' ');
  }

  // Words [first, end) of the words overlapping bytes [begin, end).
  std::pair<size_t, size_t> WordRange(uint64_t begin, uint64_t end) const {
    auto from = std::lower_bound(words.begin(), words.end(), begin,
                                 [](const Word& word, uint64_t b) { return word.end <= b; });
    auto to = from;
    while (to != words.end() && to->begin < end) ++to;
    return {static_cast<size_t>(from - words.begin()), static_cast<size_t>(to - words.begin())};
  }

  // A listed phrase met: its words, and whether only its term vouches for
  // it (ListedTermAround), not the list's own phrases or word pairs.
  struct ListedHit {
    size_t first = 0, end = 0;
    bool by_term = false;
    bool operator<(const ListedHit& o) const { return std::tie(first, end) < std::tie(o.first, o.end); }
  };

  // Adds the word ranges of the unquoted runs of words that a phrase list
  // showed whole, whether or not the lattice found them: the list is
  // evidence of its own, and the language model may not know the phrase a
  // listed one stands for.
  void FindListedPhrases(std::vector<ListedHit>* found) const {
    const LearnedPairs* learned = UsedLearned();
    if (learned == nullptr) return;
    constexpr size_t kMaxListedWords = 4;  // lexicon keys have at most four tokens
    std::string run;
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i].quoted || !words[i].starts_listed) continue;
      run = words[i].lower;
      for (size_t j = i + 1; j < words.size() && j - i < kMaxListedWords; ++j) {
        if (words[j].quoted || words[j].sentence_start || !words[j].joins_previous) break;
        run += ' ';
        run += words[j].lower;
        const uint8_t flags = learned->ListedRun(run);
        if ((flags & LearnedPairs::kListedPhrase) != 0) found->push_back({i, j + 1, false});
        if ((flags & LearnedPairs::kListedPrefix) == 0) break;
      }
    }
  }

  // The words around a span restored as `original` (words [range.first,
  // range.second)), if with its original they make a term a phrase list
  // stood for: a new tortured phrase of a known term ("profound learning"
  // restored to "deep learning"). Neighbours are read as restored
  // (`restored_words`: each word's restoration by the other spans, or
  // itself; empty for the later words of a span restored to fewer), so that
  // "synthetic brainpower", two spans, is "artificial intelligence". The
  // term's word range, or none.
  std::optional<std::pair<size_t, size_t>> ListedTermAround(std::pair<size_t, size_t> range, std::string_view original,
                                                           const std::vector<std::string>& restored_words) const {
    const LearnedPairs* learned = UsedLearned();
    if (learned == nullptr) return std::nullopt;
    constexpr size_t kMaxTermWords = 4;
    if (range.second <= range.first) return std::nullopt;
    const std::vector<std::string> middle = OriginalWords(range, original);
    if (middle.empty() || middle.size() > kMaxTermWords) return std::nullopt;
    const size_t room = kMaxTermWords - middle.size();
    for (size_t before = 0; before <= room && before <= range.first; ++before) {
      for (size_t after = 0; before + after <= room && range.second + after <= words.size(); ++after) {
        if (before + after + middle.size() < 2) continue;
        std::string term;
        bool joined = true;
        for (size_t k = range.first - before; k < range.first; ++k) {
          if (!restored_words[k].empty()) term.append(term.empty() ? "" : " ").append(restored_words[k]);
          joined &= !words[k].quoted && (k == range.first - before || words[k].joins_previous);
        }
        for (const std::string& m : middle) term.append(term.empty() ? "" : " ").append(m);
        for (size_t k = range.second; k < range.second + after; ++k) {
          if (!restored_words[k].empty()) term.append(" ").append(restored_words[k]);
          joined &= !words[k].quoted && words[k].joins_previous && !words[k].sentence_start;
        }
        if (before > 0) joined &= words[range.first].joins_previous;
        if (joined && learned->IsListedTerm(term)) return std::make_pair(range.first - before, range.second + after);
      }
    }
    return std::nullopt;
  }

  // Distinct phrases among the hits, overlapping ones read as one (by its
  // term only if each of them is): {phrases, of which by term only}.
  std::pair<uint64_t, uint64_t> DistinctPhrases(std::vector<ListedHit>* hits) const {
    std::sort(hits->begin(), hits->end());
    std::unordered_map<std::string, bool> phrases;  // words -> by term only
    for (size_t k = 0; k < hits->size();) {
      size_t first = (*hits)[k].first, end = (*hits)[k].end;
      bool by_term = (*hits)[k].by_term;
      for (++k; k < hits->size() && (*hits)[k].first < end; ++k) {
        end = std::max(end, (*hits)[k].end);
        by_term &= (*hits)[k].by_term;
      }
      auto [it, added] = phrases.emplace(JoinedWords(first, end), by_term);
      if (!added) it->second &= by_term;
    }
    uint64_t by_term = 0;
    for (const auto& [words_of, only_term] : phrases) by_term += only_term;
    return {phrases.size(), by_term};
  }

  // Times the learned table saw the spinner write the observed words for
  // the candidate's original (as lemmas), 0 without learned pairs. With
  // `listed`, only what phrase lists showed counts, and a span of as many
  // words as its original is also explained word by word: each word it
  // changed was listed for that word ("irregular woodland" for "random
  // forest" by random -> irregular and forest -> woodland).
  uint32_t LearnedCount(size_t first_word, size_t end_word, const Candidate& c, bool listed = false) const {
    const LearnedPairs* learned = UsedLearned();
    if (learned == nullptr) return 0;
    const Lexicon& lex = model.lexicon();
    // The table holds lemma pairs; either side may be an inflected form.
    auto with_lemmas = [&](uint32_t id, std::string as_written) {
      std::vector<std::string> keys = {std::move(as_written)};
      if (id == Lexicon::kNone) return keys;
      std::vector<Lexicon::Analysis> analyses;
      lex.Analyses(id, &analyses);
      for (const Lexicon::Analysis& a : analyses) keys.emplace_back(lex.Key(a.lemma));
      return keys;
    };
    auto count_pair = [&](const std::string& original, const std::string& observed) {
      uint32_t count = 0;
      for (const std::string& o : with_lemmas(lex.Find(original), original)) {
        for (const std::string& v : with_lemmas(lex.Find(observed), observed)) {
          count = std::max(count, listed ? learned->ListedCount(o, v) : learned->Count(o, v));
        }
      }
      return count;
    };
    const std::string original(lex.Key(c.original));
    uint32_t count = count_pair(original, JoinedWords(first_word, end_word));
    if (count > 0 || !listed || end_word - first_word < 2) return count;
    const std::vector<std::string> parts = Split(original, ' ');
    if (parts.size() != end_word - first_word) return 0;
    uint32_t weakest = UINT32_MAX;
    for (size_t k = 0; k < parts.size(); ++k) {
      if (parts[k] == words[first_word + k].lower) continue;
      weakest = std::min(weakest, count_pair(parts[k], words[first_word + k].lower));
    }
    return weakest == UINT32_MAX ? 0 : weakest;
  }

  // Decoder::BestOriginals for the words [i, end) of the text ReadWords
  // read last.
  std::string BestOriginal(std::string_view text, size_t i, size_t end) {
    for (size_t j = i; j < end; ++j) {
      if (!words[j].swappable || (j > i && !words[j].joins_previous)) return {};
    }
    size_t first = i, last = end;
    while (first > 0 && !words[first].sentence_start) --first;
    while (last < words.size() && !words[last].sentence_start) ++last;
    const LanguageModel& lm = model.lm();
    LmState before = lm.BeginSentence();
    for (size_t j = first; j < i; ++j) ScoreWord(words[j].lm, &before);
    phrase.clear();
    for (size_t j = i; j < end; ++j) phrase.push_back(words[j].lower);
    key = Join(phrase, ' ');
    sentence_candidates.clear();
    std::span<const Candidate> list;
    bool extends = false;
    CandidatesFor(&list, &extends);
    const size_t right = std::min(last, end + static_cast<size_t>(lm.order() - 1));
    const Candidate* best = nullptr;
    double best_score = kNegInf;
    for (const Candidate& c : list) {
      LmState state = before;
      double score = c.weight;
      for (uint32_t id : c.lm) score += ScoreWord(id, &state);
      for (size_t j = end; j < right; ++j) score += ScoreWord(words[j].lm, &state);
      if (right == last) score += lm.Score(state, lm.eos(), &state) * kLn10;
      if (score > best_score) best_score = score, best = &c;
    }
    if (best == nullptr) return {};
    const Word& tail = words[end - 1];
    return CaseLike(i, end, best->text) + std::string(text.substr(tail.end - tail.suffix, tail.suffix));
  }

  static bool StartsWithVowelSound(std::string_view w) {
    if (w.empty()) return false;
    for (std::string_view silent_h : {"hour", "honest", "honor", "honour", "heir"}) {
      if (w.starts_with(silent_h)) return true;
    }
    for (std::string_view consonant_sound : {"uni", "use", "usu", "uti", "eu", "one", "once", "ure"}) {
      if (w.starts_with(consonant_sound)) return false;
    }
    return std::string_view("aeiou").find(w[0]) != std::string_view::npos;
  }
};

Decoder::Decoder(const Model& model) : model_(model), impl_(std::make_unique<Impl>(model)) {
  set_channel(model.channel());
}
Decoder::~Decoder() = default;

const ChannelParams& Decoder::channel() const { return channel_; }

const ChannelParams& Decoder::ScoringChannel(const DecodeResult& r) const {
  return routing_ && !r.routed ? plain_channel_ : impl_->channel;
}

void Decoder::set_routing(bool on) {
  routing_allowed_ = on;
  set_channel(ChannelParams(channel_));
}

void Decoder::set_channel(const ChannelParams& channel) {
  channel_ = channel;
  // Routing holds for the model's learned pairs; a channel with other
  // pairs (adapted, or thesaurus only) is used as it is.
  const ChannelParams* plain = model_.plain_channel();
  const bool learned_pairs = plain != nullptr && (channel.filter.sources & MaskOf(Source::kLearned)) != 0 &&
                             channel.pair_log_q == model_.channel().pair_log_q &&
                             channel.keep_log == model_.channel().keep_log;
  routing_ = learned_pairs && routing_allowed_;
  // Documents decoded with the learned pairs are scored by the routed
  // scores, fitted on such documents.
  ChannelParams learned = channel;
  if (learned_pairs && channel.has_routed_scores) {
    learned.calibration = channel.routed_calibration;
    learned.span_model = channel.routed_span_model;
  }
  impl_->SetChannel(learned);
  if (!routing_) {
    plain_.reset();
    return;
  }
  plain_channel_ = model_.PlainChannelFor(channel);
  if (plain_ != nullptr) plain_->SetChannel(plain_channel_);
}

void Decoder::set_flag_threshold(double threshold) {
  channel_.flag_threshold = threshold;
  plain_channel_.flag_threshold = threshold;
  impl_->channel.flag_threshold = threshold;
  if (plain_ != nullptr) plain_->channel.flag_threshold = threshold;
}

int Decoder::SampleEvery(size_t bytes) const {
  const ScreenOptions& o = screen_options_;
  return o.sample_above_bytes > 0 && bytes > o.sample_above_bytes ? std::max(o.sample_every, 1) : 1;
}

void Decoder::set_screen_options(const ScreenOptions& options) {
  screen_options_ = options;
  screen_options_.candidates = std::clamp(options.candidates, 1, kMaxScreenCandidates);
  impl_->screen = screen_options_;
  if (plain_ != nullptr) plain_->screen = screen_options_;
}

void Decoder::set_keep_candidates(bool keep) {
  keep_candidates_ = keep;
  impl_->keep_candidates = keep;
  if (plain_ != nullptr) plain_->keep_candidates = keep;
}

Decoder::Impl& Decoder::Route(std::string_view text, ProfileGuess* guess) {
  *guess = ProfileGuess();
  if (!routing_) return *impl_;
  *guess = model_.router()->Guess(text);
  if (guess->probability >= kRouteThreshold) return *impl_;
  if (plain_ == nullptr) {
    plain_ = std::make_unique<Impl>(model_);
    plain_->SetChannel(plain_channel_);
    plain_->keep_candidates = keep_candidates_;
    plain_->screen = screen_options_;
  }
  return *plain_;
}

void Decoder::SetProfile(const ProfileGuess& guess, bool routed, DecodeResult* out) {
  out->profile = guess.profile;
  out->profile_probability = guess.probability;
  out->routed = routed;
}

void Decoder::Screen(std::string_view text, ScreenResult* out) {
  ScreenDocument(text, out, std::numeric_limits<size_t>::max());
}

void Decoder::ScreenDocument(std::string_view text, ScreenResult* out, size_t window_bytes) {
  *out = ScreenResult();
  ProfileGuess guess;
  Impl& d = Route(text, &guess);
  d.sample_every = SampleEvery(text.size());
  ScreenResult part;
  for (size_t offset = 0; offset < text.size();) {
    const std::string_view rest = text.substr(offset);
    const size_t cut = ChooseCut(rest, window_bytes);
    part = ScreenResult();
    d.ScreenWindow(rest.substr(0, cut), &part);
    AddScreenFigures(part, out);
    offset += cut;
  }
  out->profile = guess.profile;
  out->profile_probability = guess.probability;
  out->routed = &d == impl_.get() && routing_;
  ScoreScreen(d.channel, screen_options_, out);
}

void Decoder::Decode(std::string_view text, DecodeResult* out, std::vector<SwapEvidence>* swaps) {
  ProfileGuess guess;
  Impl& d = Route(text, &guess);
  DecodeWith(d, text, out, swaps);
  SetProfile(guess, &d == impl_.get() && routing_, out);
}

void Decoder::DecodeWith(Impl& d, std::string_view text, DecodeResult* out, std::vector<SwapEvidence>* swaps) {
  d.ReadWords(text);
  // Quoted mentions are decoded apart (below), after the document: they
  // say nothing of how it was written.
  std::vector<std::pair<size_t, float>> mentions;  // word, its keep weight
  for (size_t k = 0; k < d.words.size(); ++k) {
    Word& w = d.words[k];
    if (!w.quoted || !w.swappable) continue;
    mentions.emplace_back(k, w.keep);
    w.swappable = false;
    w.keep = 0;
  }
  uint64_t eligible = 0;
  for (const Word& w : d.words) eligible += w.keep < 0;
  auto for_each_sentence = [&](auto&& decode) {
    for (size_t first = 0; first < d.words.size();) {
      size_t last = first + 1;
      while (last < d.words.size() && !d.words[last].sentence_start && last - first < kMaxSentenceWords) ++last;
      decode(first, last);
      first = last;
    }
  };
  auto decode_all = [&](std::vector<SwapEvidence>* evidence) {
    *out = DecodeResult();
    for_each_sentence([&](size_t first, size_t last) { d.DecodeSentence(text, first, last, out, evidence); });
  };
  // The document's own swap rate, by EM: a clean document's expected swaps
  // are few, a heavily spun one's many. The channel's rate is a prior worth
  // rate_prior_words words.
  const int iterations = eligible > 0 ? d.channel.rate_iterations : 0;
  d.rho_shift = 0;
  decode_all(iterations > 0 ? nullptr : swaps);
  for (int it = 0; it < iterations; ++it) {
    const double a = d.channel.rate_prior_words;
    const double rho = std::clamp((out->expected_swaps + a * d.channel.swap_rate) / (static_cast<double>(eligible) + a),
                                  0.005, 0.6);
    d.rho_shift = std::log(rho) - d.log_rho;
    const float keep = static_cast<float>(std::log1p(-rho));
    for (Word& w : d.words) {
      if (w.keep < 0) w.keep = keep;
    }
    decode_all(it + 1 == iterations ? swaps : nullptr);
  }
  out->words = d.words.size();
  out->eligible_words = eligible;
  // The span model turns each candidate span's lattice figures into
  // P(swapped | spun); their sum is the document's expected swaps.
  for (RestoredSpan& span : out->spans) {
    const double p = d.channel.span_model.Probability(span.features);
    span.original_confidence *= p;  // held the original's share until now
    span.confidence = p;
    out->span_mass += p;
  }
  // The listed phrases among the spans that count.
  std::vector<Impl::ListedHit> listed;
  std::vector<std::string> restored_words;
  for (const Word& w : d.words) restored_words.push_back(w.lower);
  std::vector<std::pair<const RestoredSpan*, std::pair<size_t, size_t>>> counted;
  for (const RestoredSpan& span : out->spans) {
    if (span.confidence < kListedPhraseMinProbability) continue;
    const std::pair<size_t, size_t> range = d.WordRange(span.begin, span.end);
    if (range.second <= range.first) continue;
    counted.emplace_back(&span, range);
    std::vector<std::string> parts = d.OriginalWords(range, span.original);
    const size_t n = range.second - range.first;
    if (parts.size() != n) parts = {Join(parts, ' ')};
    for (size_t k = 0; k < n; ++k) restored_words[range.first + k] = k < parts.size() ? parts[k] : std::string();
  }
  for (const auto& [span, range] : counted) {
    if (span->listed_count > 0) {
      listed.push_back({range.first, range.second, false});
    } else if (auto term = d.ListedTermAround(range, span->original, restored_words)) {
      listed.push_back({term->first, term->second, true});
    }
  }
  d.FindListedPhrases(&listed);
  std::tie(out->listed_phrases, out->listed_by_term) = d.DistinctPhrases(&listed);
  if (d.keep_candidates) out->candidate_spans = out->spans;
  out->log_odds = out->LogOdds(d.channel.calibration);
  out->probability = 1.0 / (1.0 + std::exp(-out->log_odds));
  out->spun = out->probability >= d.channel.spun_threshold;
  // A span's confidence is P(swapped | spun) * P(spun): swaps the lattice
  // finds in a document that reads as clean are the language model's
  // preference for other words, not a spinner's work.
  // Listed phrases vouch for themselves, not for the other spans: those
  // are gated by the document's probability without them.
  const double unlisted_probability =
      1.0 / (1.0 + std::exp(-(out->log_odds - ListedPhraseEvidence(out->listed_phrases, out->listed_by_term, out->words))));
  std::vector<Edit> edits;
  std::erase_if(out->spans, [&](RestoredSpan& span) {
    const double gate = span.listed_count > 0 ? out->probability : unlisted_probability;
    span.confidence *= gate;
    span.original_confidence *= gate;
    return span.confidence < d.channel.flag_threshold;
  });
  for (const RestoredSpan& span : out->spans) {
    edits.push_back({static_cast<uint32_t>(span.begin), static_cast<uint32_t>(span.end), span.original});
  }
  out->restored = ApplyEdits(text, edits);
  if (!mentions.empty()) {
    // The sentences with mentions again, their quoted words free: what a
    // mention's words stand for is reported, marked quoted, by the span
    // model alone (the document's P(spun) is no evidence about a quotation).
    for (const auto& [k, keep] : mentions) {
      d.words[k].swappable = true;
      d.words[k].keep = keep;
    }
    DecodeResult with_mentions;
    for_each_sentence([&](size_t first, size_t last) {
      for (size_t k = first; k < last; ++k) {
        if (!d.words[k].quoted) continue;
        d.DecodeSentence(text, first, last, &with_mentions, nullptr);
        return;
      }
    });
    auto quoted = [&](const RestoredSpan& span) {
      const auto [first, end] = d.WordRange(span.begin, span.end);
      for (size_t k = first; k < end; ++k) {
        if (!d.words[k].quoted) return false;
      }
      return true;
    };
    const size_t before = out->spans.size();
    // Only a mention a phrase list knows (whole or word by word) is worth
    // marking: the other quoted phrases of clean prose ("abandoned
    // property") are the writer's, not a spinner's.
    const LearnedPairs* learned = d.UsedLearned();
    auto listed_mention = [&](const RestoredSpan& span) {
      if (span.listed_count > 0) return true;
      const auto [first, end] = d.WordRange(span.begin, span.end);
      return learned != nullptr && learned->IsListedPhrase(d.JoinedWords(first, end));
    };
    for (RestoredSpan& span : with_mentions.spans) {
      if (!quoted(span) || !listed_mention(span)) continue;
      const double p = d.channel.span_model.Probability(span.features);
      if (p < d.channel.flag_threshold) continue;
      span.original_confidence *= p;
      span.confidence = p;
      span.quoted = true;
      out->spans.push_back(std::move(span));
    }
    std::inplace_merge(out->spans.begin(), out->spans.begin() + static_cast<std::ptrdiff_t>(before), out->spans.end(),
                       [](const RestoredSpan& a, const RestoredSpan& b) { return a.begin < b.begin; });
  }
  out->span_count = out->spans.size();
}

void Decoder::BestOriginals(std::string_view text, std::span<const std::pair<uint64_t, uint64_t>> ranges,
                            std::vector<std::string>* originals) {
  ProfileGuess guess;
  Impl& d = Route(text, &guess);
  d.TrimCaches();
  d.ReadWords(text);
  originals->clear();
  for (const auto& [begin, end] : ranges) {
    auto from = std::lower_bound(d.words.begin(), d.words.end(), begin,
                                 [](const Word& w, uint64_t b) { return w.begin < b; });
    auto to = from;
    while (to != d.words.end() && to->end <= end) ++to;
    originals->push_back(from == to ? std::string()
                                    : d.BestOriginal(text, static_cast<size_t>(from - d.words.begin()),
                                                     static_cast<size_t>(to - d.words.begin())));
  }
  d.sentence_candidates.clear();
}

void Decoder::DecodeDocument(std::string_view text, DecodeResult* out, size_t window_bytes,
                             std::vector<SwapEvidence>* swaps) {
  if (text.size() <= window_bytes) return Decode(text, out, swaps);
  DecodeWindows(text, std::chrono::steady_clock::time_point::max(), out, window_bytes, swaps);
}

bool Decoder::DecodeDocumentUntil(std::string_view text, std::chrono::steady_clock::time_point deadline,
                                  DecodeResult* out, size_t window_bytes) {
  if (text.size() <= window_bytes) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    Decode(text, out);
    return true;
  }
  return DecodeWindows(text, deadline, out, window_bytes, nullptr);
}

bool Decoder::DecodeWindows(std::string_view text, std::chrono::steady_clock::time_point deadline,
                            DecodeResult* out, size_t window_bytes, std::vector<SwapEvidence>* swaps) {
  *out = DecodeResult();
  // The whole document is routed once: its windows share one spinner.
  ProfileGuess guess;
  Impl& d = Route(text, &guess);
  SetProfile(guess, &d == impl_.get() && routing_, out);
  DecodeResult part;
  for (size_t offset = 0; offset < text.size();) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    const std::string_view rest = text.substr(offset);
    const size_t cut = ChooseCut(rest, window_bytes);
    DecodeWith(d, rest.substr(0, cut), &part, swaps);
    AddDocumentFigures(part, d.channel, out);
    for (RestoredSpan& s : part.spans) {
      s.begin += offset;
      s.end += offset;
      out->spans.push_back(std::move(s));
    }
    out->restored += part.restored;
    offset += cut;
  }
  return true;
}

double ListedPhraseEvidence(uint64_t listed_phrases, uint64_t by_term, uint64_t words) {
  if (listed_phrases == 0) return 0;
  by_term = std::min(by_term, listed_phrases);
  const double listed = static_cast<double>(listed_phrases - by_term), term = static_cast<double>(by_term);
  const double llr = listed * std::log(kListedPhrasesPerWordSpun / kListedPhrasesPerWordClean) +
                     term * std::log(kListedPhrasesPerWordSpun / kTermPhrasesPerWordClean) -
                     (kListedPhrasesPerWordSpun - kListedPhrasesPerWordClean - kTermPhrasesPerWordClean) *
                         static_cast<double>(words) +
                     kListedPhrasePriorLogOdds;
  return std::max(0.0, llr);
}

void AddDocumentFigures(const DecodeResult& part, const ChannelParams& channel, DecodeResult* total) {
  total->words += part.words;
  total->eligible_words += part.eligible_words;
  total->span_count += part.span_count;
  total->listed_phrases += part.listed_phrases;
  total->listed_by_term += part.listed_by_term;
  total->span_mass += part.span_mass;
  total->best_log_likelihood += part.best_log_likelihood;
  total->plain_log_likelihood += part.plain_log_likelihood;
  total->lm_log_likelihood += part.lm_log_likelihood;
  total->expected_swaps += part.expected_swaps;
  total->log_odds = total->LogOdds(channel.calibration);
  total->probability = 1.0 / (1.0 + std::exp(-total->log_odds));
  total->spun = total->probability >= channel.spun_threshold;
}

}  // namespace unspin
