#pragma once
// Reading what a batch left behind: its --status file and its outputs' identity.
#include <sys/stat.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "batch/status.hpp"

namespace geostrip::test {

// The --status file's records, by manifest line.
inline std::map<int, JobRecord> read_status(const std::string& path) {
  std::ifstream file(path);
  std::map<int, JobRecord> records;
  for (std::string line; std::getline(file, line);) {
    const JobRecord record = record_from_json(line);
    records[record.job] = record;
  }
  return records;
}

// A file's inode and modification time: unchanged when its job is skipped.
inline std::pair<ino_t, std::int64_t> file_identity(const std::string& path) {
  struct stat s {};
  if (stat(path.c_str(), &s) != 0) throw std::runtime_error("cannot stat " + path);
  return {s.st_ino, static_cast<std::int64_t>(s.st_mtim.tv_sec) * 1'000'000'000 + s.st_mtim.tv_nsec};
}

}  // namespace geostrip::test
