#include "lexicon/learned_pairs.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <set>
#include <tuple>

#include "lexicon/lexicon.h"
#include "text/case.h"
#include "util/binary_file.h"
#include "util/file_io.h"
#include "util/strings.h"

namespace unspin {

namespace {

constexpr const char* kKindNames[] = {"swap", "phrase", "word", "em"};

std::string EntryKey(std::string_view profile, std::string_view original, std::string_view substitute,
                     LearnedKind kind) {
  std::string k;
  k.reserve(profile.size() + original.size() + substitute.size() + 8);
  k.append(profile).append(1, '\t').append(original).append(1, '\t').append(substitute).append(1, '\t');
  k.append(LearnedKindName(kind));
  return k;
}

std::string TotalKey(std::string_view original, std::string_view substitute) {
  std::string k(original);
  k.push_back('\t');
  k.append(substitute);
  return k;
}

std::string DataLine(const LearnedPair& p) {
  return "pair\t" + p.profile + '\t' + p.original + '\t' + p.substitute + '\t' + std::to_string(p.count) + '\t' +
         LearnedKindName(p.kind);
}

std::string RateLine(const LearnedRate& r) {
  return "rate\t" + r.profile + '\t' + r.word + '\t' + std::to_string(r.seen) + '\t' + std::to_string(r.swapped);
}

std::string FromLine(const LearnedFrom& f) { return "from\t" + f.unit + '\t' + Hex64(f.key_hash) + '\t' + f.label; }

std::string FromKey(std::string_view unit, uint64_t hash) { return std::string(unit) + '\t' + Hex64(hash); }

// A key as NormalizePhrase makes it, with apostrophes made plain, as the
// decoder compares words.
bool IsNormalKey(const std::string& text) {
  std::string key, display;
  int tokens = 0;
  if (!NormalizePhrase(text, &key, &display, &tokens)) return false;
  NormalizeApostrophes(&key);
  return key == text;
}

bool IsProfileName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

uint64_t LearnedFromKey(std::string_view unit, std::string_view key) {
  std::string k(unit);
  k.push_back('\0');
  k.append(key);
  return Checksum64(k.data(), k.size());
}

const char* LearnedKindName(LearnedKind kind) { return kKindNames[static_cast<int>(kind)]; }

std::optional<LearnedKind> ParseLearnedKind(std::string_view name) {
  for (int k = 0; k < 4; ++k) {
    if (name == kKindNames[k]) return static_cast<LearnedKind>(k);
  }
  return std::nullopt;
}

void LearnedPairs::Add(const std::string& profile, const std::string& original, const std::string& substitute,
                       uint32_t count, LearnedKind kind) {
  if (count == 0) return;
  LearnedPair& e = entries_[EntryKey(profile, original, substitute, kind)];
  if (e.count == 0) e = LearnedPair{profile, original, substitute, 0, kind};
  e.count += count;
  totals_[TotalKey(original, substitute)] += count;
  if (kind == LearnedKind::kPhrase || kind == LearnedKind::kWord) listed_totals_[TotalKey(original, substitute)] += count;
  if (kind == LearnedKind::kPhrase && substitute.find(' ') != std::string::npos) {
    uint8_t* flags = listed_runs_.Find(substitute, StringHash(substitute));
    if (flags == nullptr) flags = listed_runs_.Insert(substitute, 0);
    *flags |= kListedPhrase;
    for (size_t space = substitute.find(' '); space != std::string::npos; space = substitute.find(' ', space + 1)) {
      const std::string_view prefix = std::string_view(substitute).substr(0, space);
      uint8_t* prefix_flags = listed_runs_.Find(prefix, StringHash(prefix));
      if (prefix_flags == nullptr) prefix_flags = listed_runs_.Insert(prefix, 0);
      *prefix_flags |= kListedPrefix;
    }
  }
  if (kind == LearnedKind::kPhrase && original.find(' ') != std::string::npos) listed_terms_.insert(original);
}

void LearnedPairs::AddRate(const std::string& profile, const std::string& word, uint32_t seen, uint32_t swapped) {
  if (seen == 0) return;
  LearnedRate& r = rates_[profile + '\t' + word];
  if (r.seen == 0) r = LearnedRate{profile, word, 0, 0};
  r.seen += seen;
  r.swapped += swapped;
  auto& total = rate_totals_[word];
  total.first += seen;
  total.second += swapped;
}

std::vector<LearnedRate> LearnedPairs::rates() const {
  std::vector<LearnedRate> sorted;
  sorted.reserve(rates_.size());
  for (const auto& [key, r] : rates_) sorted.push_back(r);
  std::sort(sorted.begin(), sorted.end(),
            [](const LearnedRate& a, const LearnedRate& b) { return std::tie(a.profile, a.word) < std::tie(b.profile, b.word); });
  return sorted;
}

std::pair<uint32_t, uint32_t> LearnedPairs::Rate(std::string_view word) const {
  auto it = rate_totals_.find(std::string(word));
  return it == rate_totals_.end() ? std::pair<uint32_t, uint32_t>{0, 0} : it->second;
}

void LearnedPairs::AddFrom(LearnedFrom from) {
  for (char& c : from.label) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  if (!from_keys_.insert(FromKey(from.unit, from.key_hash)).second) return;
  auto at = std::lower_bound(from_.begin(), from_.end(), from, [](const LearnedFrom& a, const LearnedFrom& b) {
    return std::tie(a.unit, a.key_hash) < std::tie(b.unit, b.key_hash);
  });
  from_.insert(at, std::move(from));
}

bool LearnedPairs::LearnedFromUnit(std::string_view unit, uint64_t key_hash) const {
  return from_keys_.contains(FromKey(unit, key_hash));
}

void LearnedPairs::Merge(const LearnedPairs& other) {
  for (const auto& [key, p] : other.entries_) Add(p.profile, p.original, p.substitute, p.count, p.kind);
  for (const auto& [key, r] : other.rates_) AddRate(r.profile, r.word, r.seen, r.swapped);
  for (const LearnedFrom& f : other.from_) AddFrom(f);
}

LearnedPairs LearnedPairs::Select(const std::vector<std::string>& profiles) const {
  LearnedPairs out;
  for (const auto& [key, p] : entries_) {
    if (std::find(profiles.begin(), profiles.end(), p.profile) != profiles.end()) {
      out.Add(p.profile, p.original, p.substitute, p.count, p.kind);
    }
  }
  for (const auto& [key, r] : rates_) {
    if (std::find(profiles.begin(), profiles.end(), r.profile) != profiles.end()) {
      out.AddRate(r.profile, r.word, r.seen, r.swapped);
    }
  }
  for (const LearnedFrom& f : from_) out.AddFrom(f);
  return out;
}

std::vector<LearnedPair> LearnedPairs::pairs() const {
  std::vector<LearnedPair> sorted;
  sorted.reserve(entries_.size());
  for (const auto& [key, p] : entries_) sorted.push_back(p);
  std::sort(sorted.begin(), sorted.end(), [](const LearnedPair& a, const LearnedPair& b) {
    return std::tie(a.profile, a.original, a.substitute, a.kind) <
           std::tie(b.profile, b.original, b.substitute, b.kind);
  });
  return sorted;
}

uint32_t LearnedPairs::Count(std::string_view original, std::string_view substitute) const {
  auto it = totals_.find(TotalKey(original, substitute));
  return it == totals_.end() ? 0 : it->second;
}

uint32_t LearnedPairs::ListedCount(std::string_view original, std::string_view substitute) const {
  auto it = listed_totals_.find(TotalKey(original, substitute));
  return it == listed_totals_.end() ? 0 : it->second;
}

std::vector<std::string> LearnedPairs::Profiles() const {
  std::set<std::string> names;
  for (const auto& [key, p] : entries_) names.insert(p.profile);
  return {names.begin(), names.end()};
}

namespace {
std::string DataLines(const LearnedPairs& table) {
  std::string data;
  for (const LearnedPair& p : table.pairs()) data += DataLine(p) + '\n';
  for (const LearnedRate& r : table.rates()) data += RateLine(r) + '\n';
  for (const LearnedFrom& f : table.from()) data += FromLine(f) + '\n';
  return data;
}
}  // namespace

uint64_t LearnedPairs::Checksum() const {
  const std::string data = DataLines(*this);
  return Checksum64(data.data(), data.size());
}

std::string LearnedPairs::Serialize(const std::vector<std::string>& comments) const {
  std::string out = std::string(kFormat) + '\t' + std::to_string(kVersion) + '\n';
  out += "#checksum\t" + Hex64(Checksum()) + '\n';
  for (const std::string& c : comments) {
    for (const std::string& line : Split(c, '\n')) out += "# " + line + '\n';
  }
  out += "# pair<TAB>profile<TAB>original<TAB>substitute<TAB>count<TAB>kind\n";
  out += "# rate<TAB>profile<TAB>word<TAB>seen<TAB>swapped\n";
  out += "# from<TAB>doc|phrase<TAB>split key hash<TAB>label\n";
  out += DataLines(*this);
  return out;
}

Status LearnedPairs::Save(const std::string& path, const std::vector<std::string>& comments) const {
  return WriteFileAtomically(path, Serialize(comments));
}

Result<LearnedPairs> LearnedPairs::Load(const std::string& path) {
  auto text = ReadFileToString(path, uint64_t{256} << 20);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return NotFoundError(path + ": learned pair table not found");
    return text.status();
  }
  return Parse(*text, path);
}

Result<LearnedPairs> LearnedPairs::Parse(std::string_view text, const std::string& path) {
  auto bad = [&](size_t line, const std::string& what) {
    return DataLossError(path + ":" + std::to_string(line) + ": " + what);
  };
  std::vector<std::string> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return bad(1, "empty file; a learned pair table starts with \"" + std::string(kFormat) + "\"");
  const std::vector<std::string> head = Split(lines[0], '\t');
  if (head[0] != kFormat || head.size() != 2) {
    return bad(1, "not a learned pair table (expected \"" + std::string(kFormat) + "<TAB>version\")");
  }
  if (head[1] != std::to_string(kVersion)) {
    return VersionMismatchError(path + ": learned pair table version " + head[1] + ", this unspin reads version " +
                                std::to_string(kVersion) + "; make it again with: unspin learn");
  }
  if (lines.size() < 2 || !lines[1].starts_with("#checksum\t")) return bad(2, "expected \"#checksum<TAB>hex\"");
  const std::string stored_checksum = lines[1].substr(10);

  LearnedPairs table;
  std::string data;
  std::set<std::tuple<std::string, std::string, std::string, int>> seen;
  for (size_t i = 2; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const size_t line_no = i + 1;
    if (line.empty() || line[0] == '#') continue;
    data += line + '\n';
    std::vector<std::string> f = Split(line, '\t');
    if (f[0] == "from") {
      if (f.size() != 4 || (f[1] != "doc" && f[1] != "phrase") || f[2].size() != 16 ||
          f[2].find_first_not_of("0123456789abcdef") != std::string::npos) {
        return bad(line_no, "expected from<TAB>doc|phrase<TAB>16 hex digits<TAB>label");
      }
      table.AddFrom({f[1], std::strtoull(f[2].c_str(), nullptr, 16), f[3]});
      continue;
    }
    if (f[0] == "rate") {
      uint32_t times_seen = 0, swapped = 0;
      auto number = [](const std::string& t, uint32_t* v) {
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), *v);
        return ec == std::errc() && end == t.data() + t.size();
      };
      if (f.size() != 5 || !IsProfileName(f[1]) || !IsNormalKey(f[2]) || !number(f[3], &times_seen) ||
          !number(f[4], &swapped) || times_seen == 0 || swapped > times_seen) {
        return bad(line_no, "expected rate<TAB>profile<TAB>word<TAB>seen (1 or more)<TAB>swapped (at most seen)");
      }
      if (table.rates_.contains(f[1] + '\t' + f[2])) return bad(line_no, "a second rate line for " + f[1] + " " + f[2]);
      table.AddRate(f[1], f[2], times_seen, swapped);
      continue;
    }
    if (f[0] != "pair") {
      return bad(line_no, "a line starts with \"pair\", \"rate\" or \"from\", not \"" + f[0] + "\"");
    }
    f.erase(f.begin());
    if (f.size() != 5) {
      return bad(line_no, "expected pair<TAB>profile<TAB>original<TAB>substitute<TAB>count<TAB>kind, got " +
                              std::to_string(f.size() + 1) + " fields");
    }
    if (!IsProfileName(f[0])) return bad(line_no, "profile \"" + f[0] + "\" is not a name of [a-z0-9._-]");
    for (int c : {1, 2}) {
      if (!IsNormalKey(f[static_cast<size_t>(c)])) {
        return bad(line_no, "\"" + f[static_cast<size_t>(c)] +
                                "\" is not a phrase of 1-4 lower-case words joined by single spaces");
      }
    }
    if (f[1] == f[2]) return bad(line_no, "original and substitute are the same");
    uint32_t count = 0;
    auto [end, ec] = std::from_chars(f[3].data(), f[3].data() + f[3].size(), count);
    if (ec != std::errc() || end != f[3].data() + f[3].size() || count == 0) {
      return bad(line_no, "count \"" + f[3] + "\" is not a whole number from 1 to 4294967295");
    }
    auto kind = ParseLearnedKind(f[4]);
    if (!kind) return bad(line_no, "kind \"" + f[4] + "\" is not one of swap, phrase, word, em");
    if (!seen.emplace(f[0], f[1], f[2], static_cast<int>(*kind)).second) {
      return bad(line_no, "a second line for " + f[0] + " " + f[1] + " -> " + f[2] + " (" + f[4] + ")");
    }
    table.Add(f[0], f[1], f[2], count, *kind);
  }
  // The data lines as written must be what Serialize writes: sorted, so
  // that the checksum is of one spelling only.
  if (stored_checksum != Hex64(Checksum64(data.data(), data.size())) || DataLines(table) != data) {
    return DataLossError(path + ": learned pair table is damaged: checksum mismatch (make it again with: unspin "
                         "learn)");
  }
  return table;
}

}  // namespace unspin
