#include "io/input_spec.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "core/error.hpp"
#include "core/text.hpp"

namespace geostrip {

namespace {
bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}
bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool ends_with_hdf5_extension(const std::string& file) {
  const std::string lower = lowercase(file);
  for (const char* ext : {".h5", ".hdf5", ".he5"})
    if (lower.size() > std::string(ext).size() && lower.ends_with(ext)) return true;
  return false;
}

// The lines of a list file that say something: trimmed, without blank lines
// and # comments, each with its line number.
std::vector<std::pair<int, std::string>> meaningful_lines(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw UsageError(what + " " + path + ": cannot be read");
  std::vector<std::pair<int, std::string>> lines;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number)
    if (const std::string_view text = trimmed(line); !text.empty() && text.front() != '#')
      lines.emplace_back(number, std::string(text));
  return lines;
}

// PATH[@BAND]; `usage` makes the error for a bad one.
template <typename Usage>
FileSpec parse_file_spec(std::string path, const Usage& usage) {
  int band = 1;
  if (const auto at = path.rfind('@'); at != std::string::npos && is_digits(path.substr(at + 1))) {
    const auto digits = path.substr(at + 1);
    if (digits.size() > 6 || std::stoi(digits) < 1) throw usage("BAND must be 1 or more");
    band = std::stoi(digits);
    path.resize(at);
  }
  if (path.empty()) throw usage("empty PATH");
  return FileSpec(path, band);
}
}  // namespace

std::optional<Hdf5Path> split_hdf5_path(const std::string& path) {
  for (std::size_t colon = path.find(':'); colon != std::string::npos; colon = path.find(':', colon + 1)) {
    const std::string file = path.substr(0, colon);
    if (colon + 1 < path.size() && path[colon + 1] == '/' && ends_with_hdf5_extension(file))
      return Hdf5Path{file, path.substr(colon + 1)};
  }
  return std::nullopt;
}

InputSpec parse_input_spec(std::string_view text) {
  const auto usage = [&](const std::string& why) {
    return UsageError("-i " + std::string(text) + ": " + why +
                      " (expected NAME=PATH[@BAND], several separated by commas, or NAME=@LISTFILE)");
  };
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) throw usage("missing '='");
  const std::string name(text.substr(0, eq));
  const std::string_view source = text.substr(eq + 1);
  if (!is_identifier(name)) throw usage("NAME must be a letter or '_' followed by letters, digits or '_'");
  std::vector<FileSpec> files;
  if (source.starts_with('@')) {
    const std::string list(source.substr(1));
    for (const auto& [number, line] : meaningful_lines(list, "-i " + name + "=@LISTFILE:")) {
      const auto line_usage = [&, at = list + ":" + std::to_string(number) + ": "](const std::string& why) {
        return UsageError(at + why + " (expected PATH[@BAND])");
      };
      files.push_back(parse_file_spec(line, line_usage));
    }
    if (files.empty()) throw usage(list + " lists no file");
  } else {
    for (std::size_t begin = 0; begin <= source.size();) {
      const std::size_t comma = std::min(source.find(',', begin), source.size());
      files.push_back(parse_file_spec(std::string(source.substr(begin, comma - begin)), usage));
      begin = comma + 1;
    }
  }
  return InputSpec(name, std::move(files));
}

std::vector<InputSpec> read_inputs_file(const std::string& path) {
  std::vector<InputSpec> inputs;
  for (const auto& [number, line] : meaningful_lines(path, "--inputs")) {
    try {
      inputs.push_back(parse_input_spec(line));
    } catch (const UsageError& e) {
      throw UsageError("--inputs " + path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  return inputs;
}

}  // namespace geostrip
