#include "io/journal.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.hpp"

namespace geostrip {

namespace {

constexpr std::string_view kHeader = "geostrip-journal 1 ";
constexpr std::string_view kRows = "rows ";

std::uint32_t checksum(std::string_view payload) {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
}

// The payload of an intact "PAYLOAD CRC" line, or nullopt.
std::optional<std::string_view> intact(std::string_view line) {
  const auto space = line.rfind(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view payload = line.substr(0, space);
  return fmt::format("{:08x}", checksum(payload)) == line.substr(space + 1) ? std::optional(payload) : std::nullopt;
}

}  // namespace

std::string Journal::path_for(const std::string& output) { return output + ".journal"; }

std::optional<std::int64_t> Journal::rows_written(const std::string& path, const std::string& identity) {
  std::ifstream file(path);
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  const auto header = intact(line);
  if (!header || *header != std::string(kHeader) + identity) return std::nullopt;
  std::int64_t rows = 0;
  // Stop at the first torn record: nothing after it was synced before it.
  while (std::getline(file, line) && !file.eof()) {
    const auto record = intact(line);
    if (!record || !record->starts_with(kRows)) break;
    rows = std::stoll(std::string(record->substr(kRows.size())));
  }
  return rows;
}

Journal::Journal(std::string path, const std::string& identity, std::int64_t rows_written) : path_(std::move(path)) {
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd_) throw Error(path_ + ": cannot create the journal: " + std::strerror(errno));
  append(std::string(kHeader) + identity);
  if (rows_written > 0) record(rows_written);
}

void Journal::record(std::int64_t rows_written) { append(std::string(kRows) + std::to_string(rows_written)); }

void Journal::append(const std::string& payload) {
  const std::string line = fmt::format("{} {:08x}\n", payload, checksum(payload));
  if (::write(fd_.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fdatasync(fd_.get()) != 0)
    throw Error(path_ + ": cannot write the journal: " + std::strerror(errno));
}

void Journal::remove() {
  fd_.reset();
  ::unlink(path_.c_str());
}

}  // namespace geostrip
