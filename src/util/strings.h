// Splitting and joining on one separator, the way lexicon keys ("in
// accordance with") and the source files ("syn|syn|syn") are laid out; and
// the one spelling of a 64-bit checksum in JSON.
#ifndef UNSPIN_UTIL_STRINGS_H_
#define UNSPIN_UTIL_STRINGS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace unspin {

// Every part between separators, empty parts included: Split("a||b", '|')
// is {"a", "", "b"}; Split("", '|') is {""}.
std::vector<std::string> Split(std::string_view text, char separator);

std::string Join(const std::vector<std::string>& parts, char separator);

// 16 lower-case hex digits, as build facts record XXH3 checksums.
std::string Hex64(uint64_t value);

}  // namespace unspin

#endif  // UNSPIN_UTIL_STRINGS_H_
