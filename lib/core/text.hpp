#pragma once
// Small text helpers the command line, list files and options share.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace geostrip {

// `s` without the white space at either end.
inline std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// `text` in lower case (ASCII).
inline std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace geostrip
