#pragma once
// A job long enough to catch between tile rows, for the interrupt, resume and
// output-integrity tests: median 9x9 of 3000 rows of a synthetic scene in
// 64-row blocks (47 of them, rounds of 2 on 2 threads) and 256-row tiles, so
// the journal grows every tile row; and its uninterrupted result.
#include <signal.h>

#include <string>

#include "io/journal.hpp"
#include "support/process.hpp"
#include "support/test_support.hpp"

namespace geostrip::test {

struct MedianJob {
  TempDir dir;
  std::string source = dir / "s/B04.tif";
  std::string reference = dir / "reference.tif";
  std::string extra;  // more options of the run, e.g. an output format

  explicit MedianJob(std::string options = "") : extra(std::move(options)) {
    REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 3000x1500 --tile 256").exit_code == 0);
    REQUIRE(run_geostrip(arguments(reference)).exit_code == 0);
  }
  // The job as a batch manifest line (the batch gives the threads), and as a run; `src` replaces the source.
  std::string line(const std::string& output, const std::string& src = "") const {
    return "median -i src=" + (src.empty() ? source : src) + " --window 9x9 -o " + output +
           " --tile 256 --block-rows 64" + (extra.empty() ? "" : " " + extra);
  }
  std::string arguments(const std::string& output, const std::string& src = "") const {
    return "run " + line(output, src) + " --threads 2 --progress none";
  }
  // Starts the run; once rows 0-1535 are on disk, sends it `signal` (SIGSTOP: frozen, for the caller to go on with).
  pid_t start_until_half(const std::string& output, int signal, const std::string& src = "") const {
    const pid_t pid = spawn(std::string(GEOSTRIP_BINARY) + " " + arguments(output, src), output + ".log");
    REQUIRE(wait_until(
        [&] { return file_text(Journal::path_for(output)).find("\nrows 1536 ") != std::string::npos; }));
    kill(pid, signal);
    return pid;
  }
  // Interrupts the run with `signal` at half-time: its exit code and output.
  CommandResult interrupt(const std::string& output, int signal, const std::string& src = "") const {
    const pid_t pid = start_until_half(output, signal, src);
    return {wait_exit(pid), file_text(output + ".log")};
  }
};

}  // namespace geostrip::test
