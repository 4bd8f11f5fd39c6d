#include "lexicon/sources.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "util/file_io.h"
#include "util/strings.h"

namespace unspin {

namespace {

Status MissingPackage(const std::string& path, const std::string& package) {
  return NotFoundError(path + " not found: install the Debian package " + package +
                       " (apt-get install " + package + ")");
}

Status Malformed(const std::string& path, size_t line, const std::string& what) {
  return DataLossError(path + ":" + std::to_string(line) + ": " + what);
}

std::optional<Pos> ParseMythesPos(const std::string& s) {
  if (s == "(noun)") return Pos::kNoun;
  if (s == "(verb)") return Pos::kVerb;
  if (s == "(adj)") return Pos::kAdj;
  if (s == "(adv)") return Pos::kAdv;
  return std::nullopt;
}

}  // namespace

Status ReadMythes(const std::string& path, std::vector<RawSense>* out) {
  std::ifstream in(path);
  if (!in) return MissingPackage(path, "mythes-en-us");
  std::string line;
  size_t line_no = 1;
  if (!std::getline(in, line)) return Malformed(path, 1, "empty file");
  if (line != "UTF-8") return Malformed(path, 1, "expected encoding line \"UTF-8\", got \"" + line + "\"");
  while (std::getline(in, line)) {
    ++line_no;
    size_t bar = line.rfind('|');
    if (bar == std::string::npos) return Malformed(path, line_no, "expected \"word|count\"");
    std::string head = line.substr(0, bar);
    int count = 0;
    try {
      count = std::stoi(line.substr(bar + 1));
    } catch (...) {
      return Malformed(path, line_no, "bad sense count");
    }
    for (int i = 0; i < count; ++i) {
      if (!std::getline(in, line)) return Malformed(path, line_no, "file ends inside an entry");
      ++line_no;
      std::vector<std::string> fields = Split(line, '|');
      auto pos = ParseMythesPos(fields[0]);
      if (!pos) return Malformed(path, line_no, "unknown part of speech \"" + fields[0] + "\"");
      RawSense sense;
      sense.pos = *pos;
      sense.source = Source::kMythes;
      sense.head = head;
      for (size_t f = 1; f < fields.size(); ++f) {
        std::string term = fields[f];
        Relation rel = Relation::kSynonym;
        auto strip = [&](const char* tag, Relation r) {
          std::string suffix = std::string(" (") + tag + ")";
          if (term.size() > suffix.size() && term.ends_with(suffix)) {
            term.resize(term.size() - suffix.size());
            rel = r;
            return true;
          }
          return false;
        };
        if (strip("antonym", Relation::kSynonym)) continue;  // never a substitute
        strip("similar term", Relation::kSimilar) || strip("related term", Relation::kRelated) ||
            strip("generic term", Relation::kBroader);
        if (!term.empty()) sense.members.emplace_back(term, rel);
      }
      if (!sense.members.empty()) out->push_back(std::move(sense));
    }
  }
  return OkStatus();
}

Status ReadWordNetSynsets(const std::string& dir, std::vector<RawSense>* out) {
  const std::pair<const char*, Pos> kFiles[] = {
      {"data.noun", Pos::kNoun}, {"data.verb", Pos::kVerb},
      {"data.adj", Pos::kAdj}, {"data.adv", Pos::kAdv}};
  for (auto [name, pos] : kFiles) {
    std::string path = dir + "/" + name;
    std::ifstream in(path);
    if (!in) return MissingPackage(path, "wordnet-base");
    std::string line;
    size_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty() || line[0] == ' ') continue;  // licence header
      std::istringstream fields(line);
      std::string offset, lex_file, type, count_hex;
      if (!(fields >> offset >> lex_file >> type >> count_hex)) {
        return Malformed(path, line_no, "short synset line");
      }
      unsigned long count = 0;
      try {
        count = std::stoul(count_hex, nullptr, 16);
      } catch (...) {
        return Malformed(path, line_no, "bad word count");
      }
      RawSense sense;
      sense.pos = pos;
      sense.source = Source::kWordNet;
      for (unsigned long i = 0; i < count; ++i) {
        std::string word, lex_id;
        if (!(fields >> word >> lex_id)) return Malformed(path, line_no, "synset ends early");
        // Adjective position markers: "galore(ip)".
        if (size_t paren = word.find('('); paren != std::string::npos) word.resize(paren);
        for (char& c : word) {
          if (c == '_') c = ' ';
        }
        sense.members.emplace_back(word, Relation::kSynonym);
      }
      if (sense.members.size() >= 2) out->push_back(std::move(sense));
    }
  }
  return OkStatus();
}

Status ReadAiksaurus(const std::string& dir, std::vector<RawSense>* out) {
  std::string words_path = dir + "/words.dat", meanings_path = dir + "/meanings.dat";
  auto words_data = ReadFileToString(words_path);
  if (!words_data.ok()) return MissingPackage(words_path, "libaiksaurus-1.2-data");
  auto meanings_data = ReadFileToString(meanings_path);
  if (!meanings_data.ok()) return MissingPackage(meanings_path, "libaiksaurus-1.2-data");
  // words.dat: records of a NUL-terminated word (':' for space) followed by
  // big-endian 16-bit meaning ids ending in 0xFFFF. Only the words are used:
  // meanings.dat lists each meaning's members itself.
  std::vector<std::string> words;
  const std::string& w = *words_data;
  size_t i = 0;
  while (i < w.size()) {
    size_t nul = w.find('\0', i);
    if (nul == std::string::npos) return DataLossError(words_path + ": truncated word record");
    std::string word = w.substr(i, nul - i);
    for (char& c : word) {
      if (c == ':') c = ' ';
    }
    words.push_back(std::move(word));
    i = nul + 1;
    for (;;) {
      if (i + 2 > w.size()) return DataLossError(words_path + ": truncated meaning list");
      bool end = static_cast<unsigned char>(w[i]) == 0xFF && static_cast<unsigned char>(w[i + 1]) == 0xFF;
      i += 2;
      if (end) break;
    }
  }
  // meanings.dat: per meaning, two title word ids then the member word ids,
  // all big-endian 16-bit, ending in 0xFFFF. The titles are members too.
  const std::string& m = *meanings_data;
  size_t j = 0;
  while (j + 4 <= m.size()) {
    RawSense sense;
    sense.pos = Pos::kOther;
    sense.source = Source::kMoby;
    j += 4;
    for (;;) {
      if (j + 2 > m.size()) return DataLossError(meanings_path + ": truncated meaning");
      unsigned id = static_cast<unsigned>(static_cast<unsigned char>(m[j])) << 8 |
                    static_cast<unsigned char>(m[j + 1]);
      j += 2;
      if (id == 0xFFFF) break;
      if (id >= words.size()) return DataLossError(meanings_path + ": word id out of range");
      sense.members.emplace_back(words[id], Relation::kSynonym);
    }
    if (sense.members.size() >= 2) out->push_back(std::move(sense));
  }
  return OkStatus();
}

Status ReadRewriteTable(const std::string& path, std::vector<RawSense>* out) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": rewrite table not found");
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos) return Malformed(path, line_no, "expected original<TAB>substitutes");
    RawSense sense;
    sense.pos = Pos::kOther;
    sense.source = Source::kTable;
    sense.head = line.substr(0, tab);
    for (const std::string& s : Split(line.substr(tab + 1), '|')) {
      if (!s.empty()) sense.members.emplace_back(s, Relation::kSynonym);
    }
    if (sense.members.empty()) return Malformed(path, line_no, "no substitutes");
    out->push_back(std::move(sense));
  }
  return OkStatus();
}

Status ReadLearnedPairs(const std::string& path, std::vector<RawSense>* out) {
  auto pairs = LearnedPairs::Load(path);
  if (!pairs.ok()) return pairs.status();
  LearnedSenses(*pairs, out);
  return OkStatus();
}

void LearnedSenses(const LearnedPairs& pairs, std::vector<RawSense>* out) {
  // pairs() is sorted by profile first; group by original across profiles.
  std::map<std::string, std::vector<std::string>> substitutes;
  for (const LearnedPair& p : pairs.pairs()) {
    std::vector<std::string>& list = substitutes[p.original];
    if (std::find(list.begin(), list.end(), p.substitute) == list.end()) list.push_back(p.substitute);
  }
  for (auto& [original, list] : substitutes) {
    RawSense sense;
    sense.pos = Pos::kOther;
    sense.source = Source::kLearned;
    sense.head = original;
    for (std::string& s : list) sense.members.emplace_back(std::move(s), Relation::kSynonym);
    out->push_back(std::move(sense));
  }
}

}  // namespace unspin
