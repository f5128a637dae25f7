#pragma once
// `geostrip batch`: many runs, dealt to ranks as they become free. Each rank
// runs its job alone, on all its threads, and writes that job's output itself.
#include <functional>
#include <string>
#include <vector>

#include "engine/run.hpp"
#include "report/progress.hpp"

namespace geostrip {

// Turns a manifest line's arguments into a run; throws UsageError when malformed.
using RunParser = std::function<RunRequest(const std::vector<std::string>& arguments)>;

struct BatchOptions {
  std::string status_path;  // --status; none when empty
  std::string report_path;  // --report, written by the caller: checked with the status file before any work
  int retries = 1;          // further attempts after a failed one
  bool verify = false;      // --verify: an output is skipped only when its tiles' checksum still matches
  ProgressMode progress = ProgressMode::Auto;
};

struct RankLoad {
  int rank = 0;
  std::string host;
  int jobs = 0;
  double busy_seconds = 0;
};

struct BatchSummary {
  int total = 0;
  int done = 0;
  int skipped = 0;
  int failed = 0;
  int not_started = 0;  // left when a signal stopped the dealing
  int interrupted = 0;  // that signal, or 0
  double seconds = 0;
  std::vector<RankLoad> ranks;  // indexed by rank
  double jobs_per_minute() const { return seconds > 0 ? total / seconds * 60 : 0; }
};

// Collective over the team's ranks. A job whose output exists with this job's
// fingerprint and is whole (output_damage()) is skipped; a failed job is
// tried `retries` more times, then recorded as failed while the rest go on.
// Two lines whose outputs are one file, by any path, are both refused, and so
// are --status and --report files that are an input, an output or the
// manifest. A signal stops the dealing: jobs in
// flight stop at their next round (resumable) or finish. The summary is
// complete on rank 0; every rank knows `failed` and `interrupted`.
BatchSummary run_batch(const std::string& manifest_path, const BatchOptions& options, const RunParser& parse,
                       const Team& team);

// The summary as the --report JSON.
std::string batch_report(const BatchSummary& summary, const std::string& command);

}  // namespace geostrip
