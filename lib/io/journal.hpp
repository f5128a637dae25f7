#pragma once
// The journal beside OUTPUT.partial: which rows of the output are on disk and
// what their tiles' bytes are, so that an interrupted run resumes instead of
// starting over, and resumes only from bytes that are still as written.
//
//   geostrip-journal 2 FINGERPRINT                  the job (engine/fingerprint.hpp)
//   header BYTES CRC                                the header GDAL created, tile index as zeros
//   rows N CRC                                      rows [previous N, N) are on disk: tile_checksum()
//   ...                                             of their tiles (io/tile_file.hpp)
//
// Every line ends in the CRC-32 of the rest of it. A record is appended and
// synced only after the tiles it names are synced, so after a crash only the
// last line can be torn (no newline yet): it is dropped, which only means
// resuming a little earlier. Anything else that does not read exactly so is
// not trusted at all.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/unique_fd.hpp"

namespace geostrip {

struct JournalRecord {
  std::int64_t rows = 0;  // rows [0, rows) are on disk
  std::uint32_t tiles_crc = 0;  // of the tiles of the rows since the previous record
  friend bool operator==(const JournalRecord&, const JournalRecord&) = default;
};

// What a journal says, read strictly against the output it is for.
struct JournalContents {
  std::uint64_t header_bytes = 0;
  std::uint32_t header_crc = 0;
  std::vector<JournalRecord> records;  // rows strictly increasing
  std::size_t intact_bytes = 0;        // the text up to the end of its last whole line
};

struct JournalReading {
  std::optional<JournalContents> contents;  // when the journal can be resumed from
  // Why not, when it says something that does not fit (another job, a line
  // that does not parse or check); empty when it merely ends before its header.
  std::string rejected;
};

class Journal {
 public:
  // OUTPUT.journal
  static std::string path_for(const std::string& output);

  // Reads `text` as the journal of the job `identity`, for an output of
  // `rows` rows in tile rows of `tile_rows`: every record ends on a tile row
  // (or the last row) within the output. Pure: never throws on any text.
  static JournalReading read(std::string_view text, const std::string& identity, std::int64_t rows,
                             std::int64_t tile_rows);

  // A new journal at `path`, where nothing may be (O_EXCL, O_NOFOLLOW).
  // Throws Error.
  static Journal create(std::string path, const std::string& identity, std::uint64_t header_bytes,
                        std::uint32_t header_crc);
  // Continues the journal open as `file`, keeping its first `intact_bytes`.
  static Journal resume(std::string path, UniqueFd file, std::size_t intact_bytes);

  Journal(Journal&&) noexcept = default;

  // The rows up to `record.rows` are synced to disk.
  void record(const JournalRecord& record);

  // The output is complete: the journal goes.
  void remove();

 private:
  Journal(std::string path, UniqueFd file) : path_(std::move(path)), fd_(std::move(file)) {}
  void append(const std::string& lines);

  std::string path_;
  UniqueFd fd_;
};

}  // namespace geostrip
