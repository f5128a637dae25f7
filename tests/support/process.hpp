#pragma once
// Starting a command in the background and signalling it (or the ranks it
// started), as Slurm and users do.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/test_support.hpp"

namespace geostrip::test {

// Runs `command` through sh with stdout and stderr to `log`; returns its pid.
inline pid_t spawn(const std::string& command, const std::string& log) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const std::string line = "exec " + command + " > '" + log + "' 2>&1";
    execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// The exit code of `pid` (128 + signal when a signal ended it).
inline int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Polls `ready` every 10 ms; false after `timeout`.
inline bool wait_until(const std::function<bool()>& ready, std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// The pid of each MPI rank whose command line contains `marker`, by rank
// (read from Open MPI's OMPI_COMM_WORLD_RANK in the process environment).
inline std::map<int, pid_t> mpi_ranks(const std::string& marker) {
  std::map<int, pid_t> ranks;
  const std::string key = "OMPI_COMM_WORLD_RANK=";
  for (const auto& process : std::filesystem::directory_iterator("/proc")) {
    const std::string name = process.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (file_text(process.path() / "cmdline").find(marker) == std::string::npos) continue;
    const std::string environment = '\0' + file_text(process.path() / "environ");
    const auto at = environment.find('\0' + key);
    if (at != std::string::npos) ranks[std::stoi(environment.substr(at + 1 + key.size()))] = std::stoi(name);
  }
  return ranks;
}

}  // namespace geostrip::test
