#pragma once
// Progress of countable work (blocks or jobs) on rank 0: a live bar on a
// terminal, a log line every few seconds otherwise (Slurm output files).
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace geostrip {

enum class ProgressMode { Auto, Bar, Log, None };
ProgressMode parse_progress_mode(std::string_view text);  // throws UsageError

class Progress {
 public:
  // `unit` names what is counted ("jobs"); Auto picks Bar when `out` is a terminal.
  Progress(std::string unit, std::size_t total, ProgressMode mode, std::FILE* out = stderr,
           std::chrono::duration<double> log_interval = std::chrono::seconds(5));

  // `done` of `total` finished, `failed` of them failed; prints when due.
  void update(std::size_t done, std::size_t failed);
  // A line of its own (a failure, a warning), kept clear of the bar.
  void note(const std::string& line);
  // The final state, always printed (unless None).
  void finish();

 private:
  std::string status() const;
  void print();

  std::string unit_;
  std::size_t total_;
  ProgressMode mode_;
  std::FILE* out_;
  std::chrono::duration<double> log_interval_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_print_ = start_;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  bool bar_drawn_ = false;
};

}  // namespace geostrip
