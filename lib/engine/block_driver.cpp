#include "engine/block_driver.hpp"

#include <pthread.h>

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "core/clock.hpp"
#include "engine/part_dealer.hpp"
#include "parallel/bounded_queue.hpp"
#include "parallel/interrupt.hpp"
#include "parallel/stall_watch.hpp"

namespace geostrip {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(1);
// How often the main thread looks at the stall watch while blocks compute.
constexpr auto kWatchInterval = std::chrono::milliseconds(100);

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
  Writer(const BlockSink& sink, FirstError& error, StallWatch& watch)
      : queue_(2), thread_([this, &sink, &error, &watch] {
          pthread_setname_np(pthread_self(), "geostrip-write");  // as top -H and perf show it
          while (auto round = queue_.pop()) {
            if (error.failed()) continue;  // drain without writing
            const auto start = std::chrono::steady_clock::now();
            try {
              for (auto& outputs : *round) {
                sink(std::move(outputs));
                watch.worked();
              }
            } catch (...) {
              error.capture();
            }
            seconds_ += seconds_since(start);
          }
        }) {}
  ~Writer() { finish(); }
  // Queues a round, waiting while two are queued already; false, with `round`
  // kept, after `patience` without room.
  bool push(BlockOutputs& round, std::chrono::milliseconds patience) { return queue_.push_within(round, patience); }
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

// --write direct for one round: every block's rows and tile sizes go to rank
// 0, which reserves their room in row order; every rank learns where its
// tile rows start, writes them and syncs. Its blocks then hold no tile bytes.
void write_directly(BlockOutputs& round, const Communicator& comm, const DriverOptions& options,
                    const WhileWaiting& poll, DriverResult& result) {
  std::vector<std::uint64_t> described;  // a block: its first row, its end, its tiles, their sizes
  for (const auto& outputs : round) {
    const EncodedRows& block = outputs.front();
    described.insert(described.end(), {static_cast<std::uint64_t>(block.rows.begin),
                                       static_cast<std::uint64_t>(block.rows.end), block.pieces.size()});
    for (const auto& tile : block.pieces) described.push_back(tile.size());
  }
  const std::span<const std::byte> message = std::as_bytes(std::span(described));
  if (comm.rank() != 0) result.bytes_sent += message.size();
  const GatheredBytes gathered = comm.gather(message, 0, options.max_message, poll);

  std::vector<std::uint64_t> starts;  // a block: its first row, its tile rows, where each starts
  if (comm.rank() == 0) {
    std::vector<std::pair<RowBlock, std::vector<std::uint64_t>>> blocks;
    for (int r = 0; r < comm.size(); ++r) {
      const std::span<const std::byte> bytes = gathered.of_rank(r);
      std::vector<std::uint64_t> values(bytes.size() / sizeof(std::uint64_t));
      std::memcpy(values.data(), bytes.data(), values.size() * sizeof(std::uint64_t));
      for (std::size_t i = 0; i < values.size(); i += 3 + values[i + 2]) {
        const auto first = values.begin() + static_cast<std::ptrdiff_t>(i + 3);
        blocks.emplace_back(RowBlock{static_cast<std::int64_t>(values[i]), static_cast<std::int64_t>(values[i + 1])},
                            std::vector<std::uint64_t>(first, first + static_cast<std::ptrdiff_t>(values[i + 2])));
      }
    }
    std::sort(blocks.begin(), blocks.end(), [](const auto& a, const auto& b) { return a.first.begin < b.first.begin; });
    for (const auto& [rows, sizes] : blocks) {
      const std::vector<std::uint64_t> block_starts = options.direct->reserve(rows, sizes);
      starts.insert(starts.end(), {static_cast<std::uint64_t>(rows.begin), block_starts.size()});
      starts.insert(starts.end(), block_starts.begin(), block_starts.end());
    }
  }
  starts = comm.broadcast(std::move(starts), 0, poll);
  for (auto& outputs : round) {
    EncodedRows& block = outputs.front();
    for (std::size_t i = 0; i < starts.size(); i += 2 + starts[i + 1])
      if (starts[i] == static_cast<std::uint64_t>(block.rows.begin)) {
        const auto first = starts.begin() + static_cast<std::ptrdiff_t>(i + 2);
        options.direct->write(block, {first, first + static_cast<std::ptrdiff_t>(starts[i + 1])});
      }
  }
  options.direct->sync();
}

}  // namespace

DriverResult run_blocks(const RowBlocks& blocks, const Communicator& comm, const DriverOptions& options,
                        const BlockMaker& maker, const BlockSink& sink) {
  const auto ranks = static_cast<std::size_t>(comm.size());
  const auto rank = static_cast<std::size_t>(comm.rank());
  const std::size_t round_size = ranks * static_cast<std::size_t>(options.blocks_per_rank);
  // This rank's blocks, round after round: of each round every ranks-th,
  // starting at its rank; round_ends[r]: where round r ends among them.
  std::vector<RowBlock> mine;
  std::vector<std::size_t> round_ends;
  for (std::size_t first = 0; first < blocks.size(); first += round_size) {
    for (std::size_t i = first + rank; i < std::min(blocks.size(), first + round_size); i += ranks)
      mine.push_back(blocks[i]);
    round_ends.push_back(mine.size());
  }
  const std::size_t rounds = round_ends.size();
  const auto round_begin = [&](std::size_t r) { return r == 0 ? 0 : round_ends[r - 1]; };
  std::vector<std::size_t> chunks;  // each block's first parts; its finishing parts follow
  for (const RowBlock& rows : mine) chunks.push_back(maker.parts(rows));
  PartDealer dealer(chunks, options.threads,
                    [&](std::size_t block, std::size_t part) { return maker.owner(mine[block], part); });
  BlockOutputs outputs(mine.size());
  std::vector<char> over(mine.size(), 0);     // blocks over; under round_mutex
  std::size_t opened = 0;                     // rounds allowed to open; under round_mutex
  std::mutex round_mutex;
  std::condition_variable block_done;
  const auto all_over = [&](std::size_t first, std::size_t end) {
    return std::all_of(over.begin() + static_cast<std::ptrdiff_t>(first), over.begin() + static_cast<std::ptrdiff_t>(end),
                       [](char o) { return o != 0; });
  };

  StallWatch watch(comm, options.hosts, options.stall_timeout);
  // The rank owes work while a round allowed to open is not over; not
  // while it waits for the others with its blocks made.
  const WhileWaiting poll = [&] {
    {
      const std::lock_guard lock(round_mutex);
      watch.owing(opened > 0 && !all_over(0, round_ends[opened - 1]));
    }
    watch.poll();
  };
  // Rounds up to `count`: the first opens now, the one after when the threads run out of parts.
  const auto open_rounds = [&](std::size_t count) {
    {
      const std::lock_guard lock(round_mutex);
      opened = std::min(count, rounds);
    }
    if (opened > 0) dealer.allow(round_ends[opened - 1]);
  };
  FirstError error;
  std::optional<Writer> writer;
  if (rank == 0) writer.emplace(sink, error, watch);

  // A part of a block, on any thread: its block's last part finishes it.
  const auto make = [&](const PartDealer::Part& part, int thread) {
    const std::size_t i = part.block;
    const bool chunk = part.part < chunks[i];
    bool block_over = false;
    try {
      if (part.begins) {
        outputs[i] = maker.start(mine[i]);
        dealer.started(i);
      }
      if (chunk)
        maker.make_part(mine[i], part.part, thread, outputs[i]);
      else
        maker.finish_part(mine[i], part.part - chunks[i], thread, outputs[i]);
      if (dealer.made(i)) {
        const std::size_t finishing = chunk ? maker.finish_parts(mine[i], outputs[i]) : 0;
        if (finishing > 0) dealer.add_parts(i, finishing);
        if ((block_over = finishing == 0)) {
          maker.finish(mine[i], thread, outputs[i]);
          dealer.done(i);
        }
      }
      watch.worked();
    } catch (...) {
      error.capture();
      dealer.stop();
    }
    if (!block_over && !error.failed()) return;
    const std::lock_guard lock(round_mutex);
    over[i] = block_over;
    block_done.notify_one();
  };

  // Blocks first to end (a round, or with one rank a block), all over, to
  // the file: written by each rank (--write direct) or gathered to rank 0
  // and queued for its writer thread.
  DriverResult result;
  const auto hand_off = [&](std::size_t first, std::size_t end) {
    BlockOutputs round;
    for (std::size_t i = first; i < end; ++i) round.push_back(std::move(outputs[i]));
    if (options.direct) write_directly(round, comm, options, poll, result);
    if (ranks > 1) {
      const auto start = std::chrono::steady_clock::now();
      const std::vector<std::byte> packed = pack(round);
      if (rank != 0) result.bytes_sent += packed.size();
      const GatheredBytes gathered = comm.gather(packed, 0, options.max_message, poll);
      round.clear();
      if (rank == 0)
        for (int other = 0; other < comm.size(); ++other)
          for (auto& block : unpack(gathered.of_rank(other))) round.push_back(std::move(block));
      result.gather_seconds += seconds_since(start);
    }
    if (writer)
      while (!writer->push(round, kPollInterval)) {
        watch.owing(true);  // the writer must make room
        watch.poll();
      }
  };

  // The ranks agree on interrupts before the first round and after each
  // one is handed off; after one, the round in flight is finished and handed
  // off too, and no more open.
  result.signal = static_cast<int>(comm.max(interrupt_signal(), poll));
  std::size_t last = result.signal != 0 ? 0 : rounds;  // rounds to hand off
  if (last > 0) dealer.open(round_ends[0]);
  open_rounds(std::min<std::size_t>(last, 2));
  // The main thread, OpenMP's thread 0 and the only one that calls MPI, hands
  // off round after round while the others make the next one's parts
  // (unless it is alone: then it makes them itself first).
#pragma omp parallel num_threads(options.threads + 1)
  {
    const int computing = omp_get_num_threads() - 1;
    if (omp_get_thread_num() == 0) {
      // With one rank and nothing to gather, each block goes to the writer
      // once it is over, so that no block waits for its round's others.
      const bool by_block = ranks == 1 && !options.direct;
      for (std::size_t r = 0; r < last; ++r) {
        if (computing == 0)
          while (const auto part = dealer.take(0, false)) make(*part, 0);
        try {
          // A round of no blocks of this rank is still handed off: the gather is collective.
          for (std::size_t first = round_begin(r); !error.failed();) {
            const std::size_t end = by_block ? std::min(first + 1, round_ends[r]) : round_ends[r];
            {
              std::unique_lock lock(round_mutex);
              while (!block_done.wait_for(lock, kWatchInterval, [&] { return all_over(first, end) || error.failed(); })) {
                lock.unlock();
                poll();
                lock.lock();
              }
            }
            if (!error.failed()) hand_off(first, end);
            if ((first = end) == round_ends[r]) break;
          }
          if (error.failed()) break;
          if (result.signal == 0 && r + 1 < last &&
              (result.signal = static_cast<int>(comm.max(interrupt_signal(), poll))) != 0)
            last = r + 2;  // the round in flight is the last
          if (result.signal == 0) open_rounds(r + 3);
        } catch (...) {
          error.capture();
          break;
        }
      }
      dealer.stop();  // rounds never opened are not made
    } else {
      const int thread = omp_get_thread_num() - 1;
      while (const auto part = dealer.take(thread)) make(*part, thread);
    }
  }
  watch.owing(false);
  if (writer) result.write_seconds = writer->finish();
  error.rethrow();
  return result;
}

}  // namespace geostrip
