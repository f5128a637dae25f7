#pragma once
// Deals jobs to ranks as they become free. Job sizes differ wildly, so a
// fixed split would leave ranks idle: rank 0 keeps the queue, and every rank,
// rank 0 included, runs jobs.
#include <functional>
#include <string>
#include <vector>

#include "parallel/mpi.hpp"

namespace geostrip {

// Runs one job (a payload made by rank 0) and returns its result.
using JobWork = std::function<std::string(const std::string& job)>;
// Receives one job's result on rank 0.
using JobDone = std::function<void(const std::string& result)>;
// Asked on rank 0 before each job is dealt: true stops the dealing.
using StopDealing = std::function<bool()>;

// Collective over `comm`; returns on every rank once every job has finished.
// `jobs` matters on rank 0 only. `work` runs each job on the rank it was dealt
// to; on rank 0 it runs on a second thread, so that the main thread (the only
// one that calls MPI) keeps dealing. `done` gets every result on rank 0's main
// thread, in the order the jobs finish. Once `stop` returns true no job is
// dealt any more; jobs in flight finish. Waiting ranks sleep between polls
// rather than spin a core in a blocking receive. Returns the jobs dealt.
std::size_t deal_jobs(const Communicator& comm, const std::vector<std::string>& jobs, const JobWork& work,
                      const JobDone& done, const StopDealing& stop);

}  // namespace geostrip
