#include "engine/block_driver.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "parallel/bounded_queue.hpp"

namespace geostrip {

namespace {

using Round = std::vector<std::vector<BlockBuffer>>;

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
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
};

}  // namespace

void run_blocks(std::span<const RowBlock> blocks, int threads, const BlockProducer& produce,
                       const BlockSink& sink) {
  FirstError error;
  // Two rounds may wait for the writer while a third computes: that bounds memory.
  BoundedQueue<Round> queue(2);
  std::thread writer([&] {
    while (auto round = queue.pop()) {
      if (error.failed()) continue;  // drain without writing
      try {
        for (auto& outputs : *round) sink(std::move(outputs));
      } catch (...) {
        error.capture();
      }
    }
  });

  // Two blocks a thread per round keeps threads busy when block costs differ.
  const auto round_size = 2 * static_cast<std::size_t>(threads);
  for (std::size_t first = 0; first < blocks.size() && !error.failed(); first += round_size) {
    const std::size_t count = std::min(round_size, blocks.size() - first);
    Round round(count);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (std::size_t i = 0; i < count; ++i) {
      if (error.failed()) continue;
      try {
        round[i] = produce(blocks[first + i], omp_get_thread_num());
      } catch (...) {
        error.capture();
      }
    }
    if (!error.failed()) queue.push(std::move(round));
  }

  queue.close();
  writer.join();
  error.rethrow();
}

}  // namespace geostrip
