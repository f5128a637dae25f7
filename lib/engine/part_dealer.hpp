#pragma once
// Which part of which block a thread makes next, among a rank's blocks.
// Blocks are opened for dealing in order, a round at a time; the next
// round's open as soon as a thread has none of its own left, so no thread
// waits for a round's end, and no more is begun than that needs. Every
// part has an owner thread (run.cpp: the thread whose
// column strip it lies in), and each thread makes its own parts in order,
// block after block, row chunk after row chunk: a strip's halo rows and
// columns then lie in tiles its own GDAL handle has decoded. A thread with
// none of its own left makes a block's finishing parts (a COG's overview
// tile rows, which a block gains once its parts are made), or else its own
// of the next round if that may open, or else takes parts from the end of
// the thread with the most left, so the rounds end with every thread busy.
// A block is over when its maker says it is done.
#include <condition_variable>
#include <cstddef>
#include <deque>
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
    bool begins = false;  // the first part taken of its block: its taker calls started(block) once its outputs are ready
  };
  // `parts[i]`: how many parts block i has at first (at least one);
  // `owner(i, p)`: the thread (0..threads-1) whose part p of block i is.
  // No block is open yet.
  PartDealer(const std::vector<std::size_t>& parts, int threads,
             std::function<int(std::size_t block, std::size_t part)> owner);

  // Blocks up to `end` (exclusive) may be dealt.
  void open(std::size_t end);
  // Blocks up to `end` (exclusive) open once a thread has no part of its
  // own left (nor a finishing part) among the open ones.
  void allow(std::size_t end);
  // The next part for `thread`. With `wait`, waits while no part is left to
  // take but some block is not done (an open block may gain finishing parts,
  // a closed one be opened), and while the part's block is being started by
  // another thread; nullopt once every block is done, after stop(), or,
  // without `wait`, when no part is left to take now.
  std::optional<Part> take(int thread, bool wait = true);
  // Block `block`'s outputs are ready: other threads may make its parts.
  void started(std::size_t block);
  // A part of `block` is made; true when every part it has so far is made.
  bool made(std::size_t block);
  // Gives `block` `count` more parts, numbered on from those it has, for any thread.
  void add_parts(std::size_t block, std::size_t count);
  // Block `block` is over: it gets no more parts.
  void done(std::size_t block);
  // No part is dealt any more (a thread failed).
  void stop();

 private:
  struct Block {
    std::size_t parts = 0, made = 0;
    bool begun = false, started = false, done = false;
  };
  using Queue = std::deque<Part>;
  std::optional<Part> next_locked(int thread);
  void open_locked(std::size_t end);
  void changed(const std::function<void()>& change);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::function<int(std::size_t block, std::size_t part)> owner_;
  std::vector<Block> blocks_;
  std::size_t opened_ = 0;   // blocks
  std::size_t allowed_ = 0;  // blocks, at least opened_
  std::vector<Queue> own_;  // by thread
  Queue finishing_;         // anyone's
  bool stopped_ = false;
};

}  // namespace geostrip
