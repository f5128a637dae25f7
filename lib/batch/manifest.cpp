#include "batch/manifest.hpp"

#include <wordexp.h>

#include "core/error.hpp"

namespace geostrip {

std::vector<ManifestLine> job_lines(std::string_view manifest) {
  std::vector<ManifestLine> lines;
  int number = 0;
  while (!manifest.empty()) {
    const auto end = manifest.find('\n');
    std::string_view line = manifest.substr(0, end);
    manifest = end == std::string_view::npos ? std::string_view() : manifest.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    lines.push_back({number, std::string(line)});
  }
  return lines;
}

std::vector<std::string> split_arguments(const std::string& line) {
  wordexp_t words{};
  const int status = wordexp(line.c_str(), &words, WRDE_NOCMD | WRDE_UNDEF);
  if (status != 0) {
    if (status == WRDE_NOSPACE) wordfree(&words);
    switch (status) {
      case WRDE_BADCHAR:
        throw UsageError("an unquoted | & ; < > ( ) { } or newline; quote such arguments as in a shell");
      case WRDE_BADVAL: throw UsageError("an undefined $VARIABLE");
      case WRDE_CMDSUB: throw UsageError("command substitution is not allowed");
      case WRDE_SYNTAX: throw UsageError("unbalanced quotes");
      default: throw UsageError("cannot split into arguments");
    }
  }
  std::vector<std::string> arguments(words.we_wordv, words.we_wordv + words.we_wordc);
  wordfree(&words);
  return arguments;
}

}  // namespace geostrip
