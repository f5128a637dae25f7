#pragma once
// Which part of which block a thread makes next, within one round of a
// rank's blocks. A thread begins the next block and takes its parts in
// order, which keeps the block's halo rows in that thread's cache. A thread
// that finds no block left to begin takes parts from the end of the begun
// block with the most parts left, so that a round's last blocks are shared
// by all its threads instead of leaving some of them idle. A block may gain
// parts once those it has are made (its finishing parts: a COG's overview
// tile rows), and is over when its maker says it is done.
#include <condition_variable>
#include <cstddef>
#include <functional>
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
  // `parts[i]`: how many parts block i has at first (at least one).
  explicit PartDealer(std::vector<std::size_t> parts);

  // The next part for a thread whose last part was of block `own` (updated).
  // Waits while no part is left to take but some block is not done yet;
  // nullopt once every block is done, or after stop().
  std::optional<Part> take(std::optional<std::size_t>& own);
  // Block `block`'s outputs are ready: other threads may take its parts.
  void started(std::size_t block);
  // A part of `block` is made; true when every part it has so far is made.
  bool made(std::size_t block);
  // Gives `block` `count` more parts, numbered on from those it has.
  void add_parts(std::size_t block, std::size_t count);
  // Block `block` is over: it gets no more parts.
  void done(std::size_t block);
  // No part is dealt any more (a thread failed).
  void stop();

 private:
  struct Block {
    std::size_t front = 0, back = 0;  // parts [front, back) are not taken yet
    std::size_t parts = 0, made = 0;
    bool begun = false, started = false, done = false;
  };
  std::optional<Part> take_locked(std::optional<std::size_t>& own);
  void changed(const std::function<void()>& change);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Block> blocks_;
  std::size_t next_block_ = 0;
  bool stopped_ = false;
};

}  // namespace geostrip
