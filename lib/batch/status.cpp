#include "batch/status.hpp"

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

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
  file_.reset(std::fopen(path.c_str(), "w"));
  if (!file_) throw Error(path + ": cannot write the status file: " + std::strerror(errno));
}

void StatusLog::write(const JobRecord& record) {
  if (!file_) return;
  const std::string line = to_json_line(record) + '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_.get()) != line.size() || std::fflush(file_.get()) != 0)
    throw Error(path_ + ": cannot write the status file: " + std::strerror(errno));
}

}  // namespace geostrip
