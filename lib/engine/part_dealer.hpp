#pragma once
// Which part of which block a thread makes next, within one round of a
// rank's blocks. A thread begins the next block and takes its parts in
// order, which keeps the block's halo rows in that thread's cache. A thread
// that finds no block left to begin takes parts from the end of the begun
// block with the most parts left, so that a round's last blocks are shared
// by all its threads instead of leaving some of them idle.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

namespace geostrip {

class PartDealer {
 public:
  struct Part {
    std::size_t block = 0;
    std::size_t part = 0;
    bool begins = false;  // the block's first part: its taker calls started(block) once its outputs are ready
  };
  // `parts[i]`: how many parts block i has (at least one).
  explicit PartDealer(std::vector<std::size_t> parts);

  // The next part for a thread whose last part was of block `own` (updated).
  // Waits while only blocks still being started have parts left; nullopt
  // when no part is left or after stop().
  std::optional<Part> take(std::optional<std::size_t>& own);
  // Block `block`'s outputs are ready: other threads may take its parts.
  void started(std::size_t block);
  // A part of `block` is made; true when it was the block's last.
  bool made(std::size_t block);
  // No part is dealt any more (a thread failed).
  void stop();

 private:
  struct Block {
    std::size_t front = 0, back = 0;  // parts [front, back) are not taken yet
    std::size_t made = 0, parts = 0;
    bool begun = false, started = false;
  };
  std::optional<Part> take_locked(std::optional<std::size_t>& own);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Block> blocks_;
  std::size_t next_block_ = 0;
  bool stopped_ = false;
};

}  // namespace geostrip
