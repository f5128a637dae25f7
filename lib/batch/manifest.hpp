#pragma once
// A batch manifest: one job a line, each the arguments that follow `geostrip run`.
#include <string>
#include <string_view>
#include <vector>

namespace geostrip {

struct ManifestLine {
  int number = 0;  // 1-based line number in the file
  std::string text;
};

// The job lines: blank lines and lines starting with '#' (after blanks) are left out.
std::vector<ManifestLine> job_lines(std::string_view manifest);

// Splits a job line into arguments as a POSIX shell would: quotes, backslashes
// and $VARIABLES, but no command substitution. Throws UsageError.
std::vector<std::string> split_arguments(const std::string& line);

}  // namespace geostrip
