#pragma once
// What became of each batch job, and the --status file that records it: one
// JSON line per job, appended and synced as soon as the job finishes, so a
// crash loses nothing already finished, and a rerun adds to the record.
#include <string>
#include <string_view>

#include "io/unique_fd.hpp"

namespace geostrip {

enum class JobStatus { Done, Skipped, Failed };
std::string_view status_name(JobStatus status);

struct JobRecord {
  int job = 0;  // the manifest line number
  std::string output;
  JobStatus status = JobStatus::Failed;
  int attempts = 0;
  double seconds = 0;
  std::string error;
  int rank = 0;
  std::string host;
  int interrupted = 0;  // the signal that stopped the job (failed, and resumable), or 0
};

// One JSON object on one line: job, output, status, attempts, seconds, error, rank, host, interrupted.
std::string to_json_line(const JobRecord& record);
JobRecord record_from_json(std::string_view line);

// The --status file, opened for appending (O_APPEND, never truncated, never
// through a symbolic link); without a path, writes nowhere. Batches that
// share the file each add whole lines: a record is one write() made under
// the file's lock (lock_whole_file()), which also holds across NFS clients,
// whose appends are not atomic otherwise.
class StatusLog {
 public:
  explicit StatusLog(const std::string& path);  // throws Error naming the path
  void write(const JobRecord& record);

 private:
  std::string path_;
  UniqueFd fd_;
};

}  // namespace geostrip
