#include "io/journal.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <span>
#include <cstring>

#include "core/error.hpp"
#include "io/checksum.hpp"
#include "io/safe_files.hpp"

namespace geostrip {

namespace {

constexpr std::string_view kHeader = "geostrip-journal 2 ";

std::string line(std::string_view payload) { return fmt::format("{} {:08x}\n", payload, crc32_of(payload)); }

// The payload of an intact "PAYLOAD CRC" line, or nullopt.
std::optional<std::string_view> intact(std::string_view line) {
  const auto space = line.rfind(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view payload = line.substr(0, space);
  return fmt::format("{:08x}", crc32_of(payload)) == line.substr(space + 1) ? std::optional(payload) : std::nullopt;
}

// Decimal digits only, at most 18 of them (no sign, no blanks, no overflow).
std::optional<std::int64_t> decimal(std::string_view text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// Exactly eight lowercase hexadecimal digits.
std::optional<std::uint32_t> hex8(std::string_view text) {
  if (text.size() != 8 || text.find_first_not_of("0123456789abcdef") != std::string_view::npos) return std::nullopt;
  std::uint32_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value, 16);
  return value;
}

// "WORD NUMBER CRC": the number and the CRC.
std::optional<std::pair<std::int64_t, std::uint32_t>> number_and_crc(std::string_view payload, std::string_view word) {
  if (!payload.starts_with(word) || payload.size() <= word.size() || payload[word.size()] != ' ') return std::nullopt;
  payload.remove_prefix(word.size() + 1);
  const auto space = payload.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto number = decimal(payload.substr(0, space));
  const auto crc = hex8(payload.substr(space + 1));
  if (!number || !crc) return std::nullopt;
  return std::pair{*number, *crc};
}

}  // namespace

std::string Journal::path_for(const std::string& output) { return output + ".journal"; }

JournalReading Journal::read(std::string_view text, const std::string& identity, std::int64_t rows,
                             std::int64_t tile_rows) {
  JournalReading reading;
  JournalContents contents;
  std::size_t position = 0;
  int number = 0;
  // Whole lines only: what follows the last newline is a record torn by a crash.
  for (std::size_t newline; (newline = text.find('\n', position)) != std::string_view::npos; position = newline + 1) {
    ++number;
    const auto reject = [&](const std::string& why) {
      reading.rejected = fmt::format("line {} {}", number, why);
      return reading;
    };
    const auto payload = intact(text.substr(position, newline - position));
    if (!payload) return reject("is damaged (its checksum does not match)");
    if (number == 1) {
      if (payload->substr(0, std::min(payload->size(), kHeader.size())) != kHeader ||
          payload->substr(kHeader.size()) != identity) {
        reading.rejected = "it belongs to another job (other inputs or options, or another geostrip version)";
        return reading;
      }
      continue;
    }
    if (number == 2) {
      const auto header = number_and_crc(*payload, "header");
      if (!header) return reject("is not the header's record");
      contents.header_bytes = static_cast<std::uint64_t>(header->first);
      contents.header_crc = header->second;
      continue;
    }
    const auto record = number_and_crc(*payload, "rows");
    if (!record) return reject("is not a record of rows");
    const std::int64_t previous = contents.records.empty() ? 0 : contents.records.back().rows;
    const std::int64_t written = record->first;
    if (written <= previous || written > rows || (written % tile_rows != 0 && written != rows))
      return reject(fmt::format("says rows 0-{} are written, which cannot follow rows 0-{} of {} in tile rows of {}",
                                written - 1, previous - 1, rows, tile_rows));
    contents.records.push_back({written, record->second});
  }
  if (number < 2) return reading;  // a run that stopped as it began
  contents.intact_bytes = position;
  reading.contents = std::move(contents);
  return reading;
}

Journal Journal::create(std::string path, const std::string& identity, std::uint64_t header_bytes,
                        std::uint32_t header_crc) {
  UniqueFd file = create_new_file(path);
  Journal journal(std::move(path), std::move(file));
  journal.append(line(std::string(kHeader) + identity) + line(fmt::format("header {} {:08x}", header_bytes, header_crc)));
  return journal;
}

Journal Journal::resume(std::string path, UniqueFd file, std::size_t intact_bytes) {
  if (::ftruncate(file.get(), static_cast<off_t>(intact_bytes)) != 0 || ::lseek(file.get(), 0, SEEK_END) < 0)
    throw Error(path + ": cannot write the journal: " + std::strerror(errno));
  return Journal(std::move(path), std::move(file));
}

void Journal::record(const JournalRecord& record) {
  append(line(fmt::format("rows {} {:08x}", record.rows, record.tiles_crc)));
}

void Journal::append(const std::string& lines) {
  int error = write_all(fd_.get(), std::as_bytes(std::span(lines.data(), lines.size())));
  if (error == 0 && ::fdatasync(fd_.get()) != 0) error = errno;
  if (error != 0) throw Error(path_ + ": cannot write the journal: " + std::strerror(error));
}

void Journal::remove() {
  fd_.reset();
  ::unlink(path_.c_str());
}

}  // namespace geostrip
