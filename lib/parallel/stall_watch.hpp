#pragma once
// Ends a job one of whose ranks has stopped making progress: a frozen node
// (SIGSTOP, a machine that hangs but keeps its connections), or a hung
// filesystem that holds a rank's threads in a read or a write. Without it
// the other ranks would wait in the next gather forever.
//
// While a rank's threads compute, or it waits for the others, its main
// thread (the only one that calls MPI) sends a heartbeat every second or so:
// how much work it has done, and whether it owes work now (computing its
// blocks, writing a round) or waits for the others. The other ranks send
// theirs to rank 0, and rank 0 sends its own to every rank. Rank 0 names
// each rank that has sent nothing, or has owed work without doing any, for
// the timeout (itself included: a hung filesystem on rank 0); another rank
// names rank 0 when it has heard nothing from it for as long. Either prints
// one line with the ranks and their hosts and ends the job through MPI_Abort.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "parallel/mpi.hpp"

namespace geostrip {

// What a rank last told of itself, and when (seconds on the watching rank's clock).
struct RankPulse {
  double heard = 0;       // its last heartbeat arrived
  double progressed = 0;  // its work done, or whether it owes work, last changed
  std::uint64_t work = 0;
  bool owing = false;  // it has work to do now, rather than waiting for the others
  bool done = false;   // it has left the rounds
};

// The ranks stalled at `now`: not done and silent for longer than `timeout`,
// or owing work and doing none for longer than `timeout`.
std::vector<int> stalled_ranks(std::span<const RankPulse> pulses, double now, double timeout);

class StallWatch {
 public:
  // `hosts` by rank; a zero timeout watches nothing.
  StallWatch(const Communicator& comm, std::vector<std::string> hosts, std::chrono::duration<double> timeout);
  StallWatch(const StallWatch&) = delete;
  StallWatch& operator=(const StallWatch&) = delete;
  // Tells the others that this rank is done with every round.
  ~StallWatch();

  // Work done on this rank (a block computed, a round written): any thread.
  void worked() { work_.fetch_add(1, std::memory_order_relaxed); }
  // Whether this rank owes work now (main thread): its blocks, or rank 0's
  // writing; not while it waits for the other ranks.
  void owing(bool owing) { owing_ = owing; }
  // On the main thread while it waits: sends the heartbeat when due, takes
  // the others', and ends the job when a rank is stalled.
  void poll();

 private:
  double now() const;
  void beat();
  [[noreturn]] void end_job(const std::vector<int>& ranks);

  const Communicator& comm_;
  std::vector<std::string> hosts_;
  double timeout_;
  double interval_;
  std::uint64_t epoch_;  // which watch: messages of an earlier one are ignored
  Postbox postbox_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double last_beat_ = -1e9;
  std::vector<RankPulse> pulses_;  // by rank: all on rank 0, rank 0's elsewhere
  std::atomic<std::uint64_t> work_{0};
  bool owing_ = false;
  bool done_ = false;
};

}  // namespace geostrip
