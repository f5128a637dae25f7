#pragma once
// The journal beside OUTPUT.partial: how many rows of the output are on disk,
// so that an interrupted run resumes instead of starting over. One record a
// line, each ending in its CRC-32, appended and synced only after the rows it
// names are synced; a torn last record fails its checksum and is dropped,
// which only means resuming a little earlier.
#include <cstdint>
#include <optional>
#include <string>

#include "io/unique_fd.hpp"

namespace geostrip {

class Journal {
 public:
  // OUTPUT.journal
  static std::string path_for(const std::string& output);

  // Rows [0, n) that a run of the job `identity` wrote; nullopt when there is
  // no journal, or it belongs to another job or has no intact header.
  static std::optional<std::int64_t> rows_written(const std::string& path, const std::string& identity);

  // A new journal for `identity` that already holds `rows_written` rows. Throws Error.
  Journal(std::string path, const std::string& identity, std::int64_t rows_written);
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Rows [0, rows_written) are synced to disk.
  void record(std::int64_t rows_written);

  // The output is complete: the journal goes.
  void remove();

 private:
  void append(const std::string& payload);

  std::string path_;
  UniqueFd fd_;
};

}  // namespace geostrip
