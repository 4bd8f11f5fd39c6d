#include "lexicon/morphology.h"

#include <fstream>
#include <sstream>

namespace unspin {

const char* PosName(Pos pos) {
  switch (pos) {
    case Pos::kNoun: return "noun";
    case Pos::kVerb: return "verb";
    case Pos::kAdj: return "adj";
    case Pos::kAdv: return "adv";
    case Pos::kOther: return "other";
  }
  return "?";
}

const char* SourceName(Source source) {
  switch (source) {
    case Source::kMythes: return "mythes";
    case Source::kWordNet: return "wordnet";
    case Source::kMoby: return "moby";
    case Source::kTable: return "table";
    case Source::kLearned: return "learned";
  }
  return "?";
}

std::optional<Source> ParseSource(std::string_view name) {
  for (int i = 0; i < kSourceCount; ++i) {
    if (name == SourceName(static_cast<Source>(i))) return static_cast<Source>(i);
  }
  return std::nullopt;
}

const char* RelationName(Relation relation) {
  switch (relation) {
    case Relation::kSynonym: return "synonym";
    case Relation::kSimilar: return "similar";
    case Relation::kRelated: return "related";
    case Relation::kBroader: return "broader";
  }
  return "?";
}

const char* InflectionName(Inflection inflection) {
  static const char* const kNames[] = {"base", "plural", "3sg", "past",
                                       "participle", "gerund", "comparative", "superlative"};
  return kNames[static_cast<int>(inflection)];
}

Pos PosOfInflection(Inflection inflection) {
  switch (inflection) {
    case Inflection::kBase: return Pos::kOther;
    case Inflection::kPlural: return Pos::kNoun;
    case Inflection::kComparative:
    case Inflection::kSuperlative: return Pos::kAdj;
    default: return Pos::kVerb;
  }
}

namespace {

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool IsConsonant(char c) { return c >= 'a' && c <= 'z' && !IsVowel(c); }
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
int VowelGroups(std::string_view w) {
  int groups = 0;
  bool in_vowel = false;
  for (char c : w) {
    bool v = IsVowel(c) || c == 'y';
    if (v && !in_vowel) ++groups;
    in_vowel = v;
  }
  return groups;
}
// consonant-vowel-consonant ending whose last consonant may double (stop).
bool EndsCvc(std::string_view w) {
  size_t n = w.size();
  if (n < 3) return false;
  char a = w[n - 3], b = w[n - 2], c = w[n - 1];
  return IsConsonant(a) && IsVowel(b) && IsConsonant(c) && c != 'w' && c != 'x' && c != 'y';
}
std::string SibilantPlural(std::string_view w) {
  std::string s(w);
  if (EndsWith(w, "s") || EndsWith(w, "x") || EndsWith(w, "z") || EndsWith(w, "ch") ||
      EndsWith(w, "sh")) {
    return s + "es";
  }
  return s + "s";
}
// Rule candidates for adding a vowel-initial suffix ("ed", "ing", "er",
// "est"), doubling-first when the word is a monosyllable ending in CVC.
std::vector<std::string> VowelSuffix(std::string_view w, std::string_view suffix) {
  std::string s(w);
  std::vector<std::string> out;
  size_t n = w.size();
  if (suffix == "ing") {
    if (EndsWith(w, "ie")) return {s.substr(0, n - 2) + "ying"};
    if (EndsWith(w, "e") && !EndsWith(w, "ee") && !EndsWith(w, "oe") && !EndsWith(w, "ye") && n > 2) {
      return {s.substr(0, n - 1) + "ing", s + "ing"};
    }
  } else if (EndsWith(w, "e")) {
    return {s + std::string(suffix.substr(1))};
  }
  if (suffix != "ing" && n >= 2 && w[n - 1] == 'y' && IsConsonant(w[n - 2])) {
    return {s.substr(0, n - 1) + "i" + std::string(suffix)};
  }
  std::string plain = s + std::string(suffix);
  if (EndsWith(w, "c")) return {plain, s + "k" + std::string(suffix)};
  if (EndsCvc(w)) {
    std::string doubled = s + w.back() + std::string(suffix);
    if (VowelGroups(w) == 1) return {doubled, plain};
    return {plain, doubled};
  }
  return {plain};
}

}  // namespace

std::vector<std::string> RuleInflections(std::string_view lemma, Inflection tag) {
  std::string w(lemma);
  size_t n = w.size();
  if (n == 0) return {};
  switch (tag) {
    case Inflection::kBase: return {};
    case Inflection::kPlural:
    case Inflection::kThirdPerson:
      if (n >= 2 && w[n - 1] == 'y' && IsConsonant(w[n - 2])) return {w.substr(0, n - 1) + "ies"};
      // woman -> women, but human -> humans: attestation decides.
      if (tag == Inflection::kPlural && EndsWith(w, "man")) return {w.substr(0, n - 2) + "en", w + "s"};
      if (n >= 2 && w[n - 1] == 'o' && IsConsonant(w[n - 2])) {
        return tag == Inflection::kThirdPerson ? std::vector<std::string>{w + "es", w + "s"}
                                               : std::vector<std::string>{w + "s", w + "es"};
      }
      return {SibilantPlural(w)};
    case Inflection::kPast:
    case Inflection::kPastParticiple: return VowelSuffix(w, "ed");
    case Inflection::kGerund: return VowelSuffix(w, "ing");
    case Inflection::kComparative: return VowelSuffix(w, "er");
    case Inflection::kSuperlative: return VowelSuffix(w, "est");
  }
  return {};
}

namespace {
Status OpenOrNotFound(const std::string& path, const std::string& package, std::ifstream* in) {
  in->open(path);
  if (!*in) {
    return NotFoundError(path + " not found: install the Debian package " + package +
                         " (apt-get install " + package + ")");
  }
  return OkStatus();
}
}  // namespace

Status MorphologyBuilder::LoadWordNet(const std::string& dir) {
  struct ExcFile {
    const char* name;
    std::unordered_map<std::string, std::vector<std::string>>* map;
  };
  for (ExcFile f : {ExcFile{"noun.exc", &noun_exc_}, ExcFile{"verb.exc", &verb_exc_},
                    ExcFile{"adj.exc", &adj_exc_}}) {
    std::ifstream in;
    RETURN_IF_ERROR(OpenOrNotFound(dir + "/" + f.name, "wordnet-base", &in));
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string form, lemma;
      if (!(fields >> form >> lemma)) continue;
      if (form.find('_') != std::string::npos || lemma.find('_') != std::string::npos) continue;
      // A lemma may have several exception forms (bases: base, basis).
      do {
        (*f.map)[lemma].push_back(form);
      } while (fields >> lemma);
    }
  }
  const std::pair<const char*, Pos> kIndexes[] = {
      {"index.noun", Pos::kNoun}, {"index.verb", Pos::kVerb},
      {"index.adj", Pos::kAdj}, {"index.adv", Pos::kAdv}};
  for (auto [name, pos] : kIndexes) {
    std::ifstream in;
    RETURN_IF_ERROR(OpenOrNotFound(dir + "/" + name, "wordnet-base", &in));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == ' ') continue;
      std::string lemma = line.substr(0, line.find(' '));
      if (lemma.find('_') != std::string::npos) continue;
      wordnet_pos_[lemma] |= PosBit(pos);
    }
  }
  return OkStatus();
}

Status MorphologyBuilder::LoadIrregularVerbs(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": irregular verb table not found");
  std::string line;
  int line_no = 0;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string part;
    while (std::getline(ss, part, '/')) out.push_back(part);
    return out;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string base, past, participle;
    if (!(fields >> base >> past >> participle)) {
      return DataLossError(path + ":" + std::to_string(line_no) +
                           ": expected \"base past participle\"");
    }
    irregular_[base] = Irregular{split(past), split(participle)};
  }
  return OkStatus();
}

Status MorphologyBuilder::LoadWordList(const std::string& path, bool common) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": word list not found");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    words_.insert(line);
    if (common) common_.insert(line);
  }
  return OkStatus();
}

PosMask MorphologyBuilder::WordNetPos(const std::string& lemma) const {
  auto it = wordnet_pos_.find(lemma);
  return it == wordnet_pos_.end() ? 0 : it->second;
}

std::string MorphologyBuilder::Choose(const std::vector<std::string>& candidates,
                                      bool require_attested) const {
  for (const std::string& c : candidates) {
    if (Attested(c)) return c;
  }
  if (require_attested || candidates.empty()) return "";
  return candidates.front();
}

std::array<std::string, kInflectionCount> MorphologyBuilder::Inflect(const std::string& lemma,
                                                                     PosMask pos) const {
  std::array<std::string, kInflectionCount> forms;
  forms[static_cast<int>(Inflection::kBase)] = lemma;
  auto set = [&](Inflection tag, std::string form) { forms[static_cast<int>(tag)] = std::move(form); };
  auto rule = [&](Inflection tag, bool require_attested) {
    return Choose(RuleInflections(lemma, tag), require_attested);
  };
  // Words of unknown part of speech (Moby's) get only attested forms.
  bool known = pos != 0;
  if (!known) pos = PosBit(Pos::kNoun) | PosBit(Pos::kVerb) | PosBit(Pos::kAdj);

  if (pos & PosBit(Pos::kNoun)) {
    auto it = noun_exc_.find(lemma);
    if (it != noun_exc_.end()) {
      set(Inflection::kPlural, Choose(it->second, false));
    } else {
      set(Inflection::kPlural, rule(Inflection::kPlural, !known));
    }
  }
  if (pos & PosBit(Pos::kVerb)) {
    set(Inflection::kThirdPerson, rule(Inflection::kThirdPerson, !known));
    set(Inflection::kPast, rule(Inflection::kPast, !known));
    set(Inflection::kPastParticiple, forms[static_cast<int>(Inflection::kPast)]);
    set(Inflection::kGerund, rule(Inflection::kGerund, !known));
    if (auto it = verb_exc_.find(lemma); it != verb_exc_.end()) {
      for (const std::string& f : it->second) {
        if (EndsWith(f, "ing")) set(Inflection::kGerund, f);
        else if (EndsWith(f, "ed") && !irregular_.count(lemma)) {
          set(Inflection::kPast, f);
          set(Inflection::kPastParticiple, f);
        }
      }
    }
    if (auto it = irregular_.find(lemma); it != irregular_.end()) {
      set(Inflection::kPast, Choose(it->second.past, false));
      set(Inflection::kPastParticiple, Choose(it->second.participle, false));
    }
    if (lemma == "be") {
      set(Inflection::kThirdPerson, "is");
    } else if (lemma == "have") {
      set(Inflection::kThirdPerson, "has");
    }
  }
  if (pos & (PosBit(Pos::kAdj) | PosBit(Pos::kAdv))) {
    auto it = adj_exc_.find(lemma);
    if (it != adj_exc_.end()) {
      for (const std::string& f : it->second) {
        set(EndsWith(f, "st") ? Inflection::kSuperlative : Inflection::kComparative, f);
      }
    } else {
      // Only attested: "beautifuler" must not be made; callers use "more".
      set(Inflection::kComparative, rule(Inflection::kComparative, true));
      set(Inflection::kSuperlative, rule(Inflection::kSuperlative, true));
    }
  }
  for (auto& f : forms) {
    if (f.find_first_of(" _") != std::string::npos) f.clear();
  }
  return forms;
}

}  // namespace unspin
