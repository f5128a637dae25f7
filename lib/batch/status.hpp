#pragma once
// What became of each batch job, and the --status file that records it: one
// JSON line per job, flushed as soon as the job finishes, so a crash loses
// nothing already finished.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

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

// The --status file, truncated when opened; without a path, writes nowhere.
class StatusLog {
 public:
  explicit StatusLog(const std::string& path);  // throws Error naming the path
  void write(const JobRecord& record);

 private:
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::string path_;
  std::unique_ptr<std::FILE, Closer> file_;
};

}  // namespace geostrip
