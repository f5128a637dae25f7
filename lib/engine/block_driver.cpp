#include "engine/block_driver.hpp"

#include <pthread.h>

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "parallel/bounded_queue.hpp"
#include "parallel/interrupt.hpp"

namespace geostrip {

namespace {

// Remembers the first failure among threads and tells the others to stop.
class FirstError {
 public:
  void capture() {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::current_exception();
    failed_ = true;
  }
  bool failed() const { return failed_; }
  void rethrow() const {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  mutable std::mutex mutex_;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
};

// The writer thread of rank 0: writes rounds while the main thread computes.
class Writer {
 public:
  Writer(const BlockSink& sink, FirstError& error)
      : queue_(2), thread_([this, &sink, &error] {
          pthread_setname_np(pthread_self(), "geostrip-write");  // as top -H and perf show it
          while (auto round = queue_.pop()) {
            if (error.failed()) continue;  // drain without writing
            const auto start = std::chrono::steady_clock::now();
            try {
              for (auto& outputs : *round) sink(std::move(outputs));
            } catch (...) {
              error.capture();
            }
            seconds_ += seconds_since(start);
          }
        }) {}
  ~Writer() { finish(); }
  void push(BlockOutputs round) { queue_.push(std::move(round)); }
  // Waits for the queued rounds; returns the seconds spent writing.
  double finish() {
    queue_.close();
    if (thread_.joinable()) thread_.join();
    return seconds_;
  }

 private:
  BoundedQueue<BlockOutputs> queue_;
  double seconds_ = 0;  // the writer thread's own until finish() joins it
  std::thread thread_;
};

}  // namespace

DriverResult run_blocks(const RowBlocks& blocks, const Communicator& comm, const DriverOptions& options,
                        const BlockProducer& produce, const BlockSink& sink) {
  const auto ranks = static_cast<std::size_t>(comm.size());
  const auto rank = static_cast<std::size_t>(comm.rank());
  const std::size_t round_size = ranks * static_cast<std::size_t>(options.blocks_per_rank);
  FirstError error;
  std::optional<Writer> writer;
  if (rank == 0) writer.emplace(sink, error);

  DriverResult result;
  for (std::size_t first = 0; first < blocks.size(); first += round_size) {
    result.signal = static_cast<int>(comm.max(interrupt_signal()));
    if (result.signal != 0) break;
    // This rank's blocks of the round: every ranks-th, starting at its rank.
    std::vector<RowBlock> mine;
    for (std::size_t i = first + rank; i < std::min(blocks.size(), first + round_size); i += ranks)
      mine.push_back(blocks[i]);
    BlockOutputs round(mine.size());
#pragma omp parallel for num_threads(options.threads) schedule(dynamic, 1)
    for (std::size_t i = 0; i < mine.size(); ++i) {
      if (error.failed()) continue;
      try {
        round[i] = produce(mine[i], omp_get_thread_num());
      } catch (...) {
        error.capture();
      }
    }
    if (error.failed()) break;
    if (ranks > 1) {
      const auto start = std::chrono::steady_clock::now();
      const GatheredBytes gathered = comm.gather(pack(round), 0, options.max_message);
      round.clear();
      if (rank == 0)
        for (int r = 0; r < comm.size(); ++r)
          for (auto& outputs : unpack(gathered.of_rank(r))) round.push_back(std::move(outputs));
      result.gather_seconds += seconds_since(start);
    }
    if (writer) writer->push(std::move(round));
  }
  if (writer) result.write_seconds = writer->finish();
  error.rethrow();
  return result;
}

}  // namespace geostrip
