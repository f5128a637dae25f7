#include "batch/batch.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "batch/dispatch.hpp"
#include "batch/manifest.hpp"
#include "batch/status.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "engine/fingerprint.hpp"
#include "io/geotiff_writer.hpp"
#include "io/output_formats.hpp"
#include "io/safe_files.hpp"
#include "parallel/collective.hpp"
#include "parallel/interrupt.hpp"

namespace geostrip {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string read_manifest(const std::string& path) {
  const auto cannot = [&](int error) { return Error(path + ": cannot read the manifest: " + std::strerror(error)); };
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat status {};
  if (!fd || ::fstat(fd.get(), &status) != 0) throw cannot(errno);
  if (S_ISDIR(status.st_mode)) throw cannot(EISDIR);
  std::string text;
  if (const int error = read_all(fd.get(), text)) throw cannot(error);
  return text;
}

// What names an output file whatever path spells it: its identity, or, where
// not even its directory exists yet, its absolute path.
std::string output_key(const std::string& output) {
  if (const auto identity = file_identity(output))
    return fmt::format("{}:{}/{}", identity->device, identity->inode, identity->name);
  return std::filesystem::absolute(output).lexically_normal().string();
}

// The jobs rank 0 deals (each its line number and arguments), the lines
// that are no job at all, already recorded as failed, and every file the
// jobs read and write, which the batch's own files must not be.
struct Plan {
  std::vector<std::string> jobs;
  std::vector<JobRecord> malformed;
  std::vector<RoleOfFile> files;
};

Plan plan_jobs(const std::string& manifest_path, const RunParser& parse, const RankFacts& me) {
  Plan plan;
  plan.files.push_back({"the manifest", manifest_path});
  std::map<std::string, std::pair<int, std::string>> output_of_line;  // by output_key(): line, output
  for (const ManifestLine& line : job_lines(read_manifest(manifest_path))) {
    JobRecord record{.job = line.number, .status = JobStatus::Failed, .rank = me.rank, .host = me.host};
    try {
      const std::vector<std::string> arguments = split_arguments(line.text);
      const RunRequest request = parse(arguments);
      record.output = request.output;
      const auto [earlier, first] = output_of_line.emplace(output_key(record.output), std::pair{line.number, record.output});
      if (!first)
        throw UsageError(fmt::format("{} is {} the output of line {}", record.output,
                                     earlier->second.second == record.output ? "also" : "the same file as " +
                                                                                             earlier->second.second + ",",
                                     earlier->second.first));
      for (RoleOfFile& file : files_of_run(request))
        plan.files.push_back({fmt::format("{} of line {}", file.role, line.number), std::move(file.path)});
      plan.jobs.push_back(json{{"line", line.number}, {"arguments", arguments}}.dump());
    } catch (const Error& e) {
      record.error = e.what();
      plan.malformed.push_back(std::move(record));
    }
  }
  return plan;
}

// True when the output exists, this very job made it and it is still whole
// (with `verify`, its tiles' checksum too). Another job's output, or one no
// longer as written, is an error unless --overwrite. A GeoTIFF holds its
// fingerprint and tile record; an output converted into another format (a
// Zarr directory, say) has its receipt.
bool already_done(const RunRequest& request, bool verify) {
  const bool converted = !request.engine.convert_to.empty();
  const auto there = what_is_at(request.output);
  if (!there || (!converted && !there->empty())) return false;  // nothing there, or what run() refuses
  const bool overwrite = request.engine.write.overwrite;
  const auto stored = converted ? receipt_fingerprint(request.output) : stored_fingerprint(request.output);
  if (stored != job_fingerprint(request)) {
    if (overwrite) return false;
    throw Error(request.output +
                ": exists and was made by another job (operation, options or inputs differ); pass --overwrite to "
                "replace it");
  }
  const auto damage =
      converted ? receipt_damage(request.output, verify) : output_damage(request.output, verify);
  if (!damage) return true;
  if (overwrite) return false;
  throw Error(request.output + ": exists but is no longer as this job wrote it (" + *damage +
              "); pass --overwrite to write it again");
}

// Runs one dealt job on this rank alone, trying again after a failure.
JobRecord run_job(const std::string& payload, const RunParser& parse, const BatchOptions& options, const Team& alone,
                  const RankFacts& me) {
  const auto start = Clock::now();
  const json job = json::parse(payload);
  JobRecord record{.job = job.at("line"), .status = JobStatus::Failed, .rank = me.rank, .host = me.host};
  try {
    const RunRequest request = parse(job.at("arguments").get<std::vector<std::string>>());
    record.output = request.output;
    for (int attempt = 1; attempt <= 1 + options.retries; ++attempt) {
      try {
        if (already_done(request, options.verify)) {
          record.status = JobStatus::Skipped;
          break;
        }
        record.attempts = attempt;
        run(request, alone);
        record.status = JobStatus::Done;
        record.error.clear();
        break;
      } catch (const UsageError&) {
        throw;  // wrong the same way every time
      } catch (const Interrupted& e) {
        record.error = e.what();
        record.interrupted = e.signal();
        break;
      } catch (const std::exception& e) {
        record.error = e.what();
      }
    }
  } catch (const std::exception& e) {
    record.error = e.what();
  }
  record.seconds = seconds_since(start);
  return record;
}

// This rank as a job of its own: batch jobs gather nothing.
Topology alone(const Topology& topology) {
  RankFacts me = topology.me();
  me.rank = 0;
  return {{me}, 1, 0};
}

}  // namespace

BatchSummary run_batch(const std::string& manifest_path, const BatchOptions& options, const RunParser& parse,
                       const Team& team) {
  const RankFacts& me = team.topology.me();
  const bool root = team.comm.rank() == 0;
  Plan plan;
  std::optional<StatusLog> status;
  collectively(team.comm, me.host, [&] {
    if (!root) return;
    plan = plan_jobs(manifest_path, parse, me);
    if (!options.status_path.empty()) {
      auto taken = plan.files;
      if (!options.report_path.empty()) taken.push_back({"the report", options.report_path});
      check_side_file(options.status_path, "status file", taken);
    }
    if (!options.report_path.empty()) check_side_file(options.report_path, "report", plan.files);
    status.emplace(options.status_path);
  });

  const auto start = Clock::now();
  BatchSummary summary;
  summary.total = static_cast<int>(plan.jobs.size() + plan.malformed.size());
  for (const RankFacts& r : team.topology.ranks) summary.ranks.push_back({.rank = r.rank, .host = r.host});
  Progress progress("jobs", static_cast<std::size_t>(summary.total), root ? options.progress : ProgressMode::None);
  const auto record = [&](const JobRecord& r) {
    status->write(r);
    (r.status == JobStatus::Done ? summary.done : r.status == JobStatus::Skipped ? summary.skipped : summary.failed)++;
    if (r.status == JobStatus::Failed)
      progress.note(fmt::format("geostrip: line {} failed (rank {} on {}, {} attempt(s)): {}", r.job, r.rank, r.host,
                                r.attempts, r.error));
    progress.update(static_cast<std::size_t>(summary.done + summary.skipped + summary.failed),
                    static_cast<std::size_t>(summary.failed));
  };
  for (const JobRecord& r : plan.malformed) record(r);

  const Communicator self = Communicator::self();
  const Topology topology = alone(team.topology);
  const Team alone_team{self, topology, team.stall_timeout};
  // A signal on rank 0, or a job a signal stopped on any rank, ends the dealing.
  std::atomic<int> interrupted{0};
  const std::size_t dealt = deal_jobs(
      team.comm, plan.jobs,
      [&](const std::string& payload) {
        return to_json_line(run_job(payload, parse, options, alone_team, me));
      },
      [&](const std::string& result) {
        const JobRecord r = record_from_json(result);
        RankLoad& load = summary.ranks[static_cast<std::size_t>(r.rank)];
        ++load.jobs;
        load.busy_seconds += r.seconds;
        if (r.interrupted) interrupted = r.interrupted;
        record(r);
      },
      [&] {
        if (const int signal = interrupt_signal()) interrupted = signal;
        return interrupted != 0;
      });
  summary.seconds = seconds_since(start);
  summary.not_started = static_cast<int>(plan.jobs.size() - dealt);
  progress.finish();
  summary.failed = static_cast<int>(team.comm.broadcast(summary.failed, 0));
  summary.interrupted = static_cast<int>(team.comm.broadcast(interrupted, 0));
  return summary;
}

std::string batch_report(const BatchSummary& summary, const std::string& command) {
  json ranks = json::array();
  for (const RankLoad& r : summary.ranks)
    ranks.push_back({{"rank", r.rank},
                     {"host", r.host},
                     {"jobs", r.jobs},
                     {"busy_seconds", r.busy_seconds},
                     {"busy_fraction", summary.seconds > 0 ? r.busy_seconds / summary.seconds : 0.0}});
  return json{{"command", command},
              {"version", GEOSTRIP_VERSION},
              {"jobs",
               {{"total", summary.total},
                {"done", summary.done},
                {"skipped", summary.skipped},
                {"failed", summary.failed}}},
              {"not_started", summary.not_started},
              {"interrupted_by", summary.interrupted ? json(signal_name(summary.interrupted)) : json(nullptr)},
              {"seconds", summary.seconds},
              {"jobs_per_minute", summary.jobs_per_minute()},
              {"ranks", ranks}}
             .dump(2) +
         '\n';
}

}  // namespace geostrip
