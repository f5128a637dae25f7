#include "batch/status.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "io/safe_files.hpp"

namespace geostrip {

using nlohmann::json;

std::string_view status_name(JobStatus status) {
  switch (status) {
    case JobStatus::Done: return "done";
    case JobStatus::Skipped: return "skipped";
    case JobStatus::Failed: return "failed";
  }
  return "failed";
}

std::string to_json_line(const JobRecord& r) {
  return json{{"job", r.job},         {"output", r.output}, {"status", status_name(r.status)},
              {"attempts", r.attempts}, {"seconds", r.seconds}, {"error", r.error},
              {"rank", r.rank},       {"host", r.host},         {"interrupted", r.interrupted}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

JobRecord record_from_json(std::string_view line) {
  const json j = json::parse(line);
  JobRecord r;
  r.job = j.at("job");
  r.output = j.at("output");
  const std::string status = j.at("status");
  r.status = status == "done" ? JobStatus::Done : status == "skipped" ? JobStatus::Skipped : JobStatus::Failed;
  r.attempts = j.at("attempts");
  r.seconds = j.at("seconds");
  r.error = j.at("error");
  r.rank = j.at("rank");
  r.host = j.at("host");
  r.interrupted = j.at("interrupted");
  return r;
}

StatusLog::StatusLog(const std::string& path) : path_(path) {
  if (path.empty()) return;
  auto existing = open_regular_file(path, O_WRONLY | O_APPEND);
  if (existing) {
    fd_ = std::move(*existing);
    return;
  }
  // O_EXCL: what appeared at the name meanwhile, a link included, is not opened.
  fd_.reset(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (!fd_ && errno == EEXIST)
    if (auto appeared = open_regular_file(path, O_WRONLY | O_APPEND)) fd_ = std::move(*appeared);
  if (!fd_) throw Error(path + ": cannot write the status file: " + std::strerror(errno));
}

void StatusLog::write(const JobRecord& record) {
  if (!fd_) return;
  const std::string line = to_json_line(record) + '\n';
  int error = lock_whole_file(fd_.get(), F_WRLCK, true);
  if (error == 0) {
    const ssize_t written = ::write(fd_.get(), line.data(), line.size());
    error = written == static_cast<ssize_t>(line.size()) ? 0 : written < 0 ? errno : ENOSPC;
    if (error == 0 && ::fdatasync(fd_.get()) != 0) error = errno;
    lock_whole_file(fd_.get(), F_UNLCK, false);
  }
  if (error != 0) throw Error(path_ + ": cannot write the status file: " + std::strerror(error));
}

}  // namespace geostrip
