#pragma once
// One exception type for every failure geostrip reports: the message already
// names the file or option it concerns; the CLI adds rank and host.
#include <stdexcept>
#include <string>

namespace geostrip {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Wrong command-line usage: exit code 2 instead of 1.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A failure every rank of the job knows about (agreed through a collective):
// rank 0 reports it once, naming the rank and host where it happened, and all
// ranks exit together without MPI_Abort.
class JobError : public Error {
 public:
  JobError(const std::string& message, int rank, std::string host)
      : Error(message), rank_(rank), host_(std::move(host)) {}
  int rank() const { return rank_; }
  const std::string& host() const { return host_; }

 private:
  int rank_;
  std::string host_;
};

// A run stopped by SIGTERM, SIGINT or SIGUSR1 after finishing the blocks in
// flight: exit 75, and the same command resumes. Every rank agrees on it.
class Interrupted : public Error {
 public:
  Interrupted(const std::string& message, int signal) : Error(message), signal_(signal) {}
  int signal() const { return signal_; }

 private:
  int signal_;
};

}  // namespace geostrip
