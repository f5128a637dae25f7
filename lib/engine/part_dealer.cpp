#include "engine/part_dealer.hpp"

namespace geostrip {

PartDealer::PartDealer(std::vector<std::size_t> parts) {
  for (const std::size_t count : parts) blocks_.push_back({.front = 0, .back = count, .made = 0, .parts = count});
}

std::optional<PartDealer::Part> PartDealer::take(std::optional<std::size_t>& own) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopped_) return std::nullopt;
    if (auto part = take_locked(own)) return part;
    // Parts may still come from a block whose taker is starting it.
    bool starting = false;
    for (const Block& block : blocks_) starting = starting || (block.begun && !block.started && block.front < block.back);
    if (!starting) return std::nullopt;
    changed_.wait(lock);
  }
}

std::optional<PartDealer::Part> PartDealer::take_locked(std::optional<std::size_t>& own) {
  if (own && blocks_[*own].front < blocks_[*own].back) return Part{.block = *own, .part = blocks_[*own].front++};
  if (next_block_ < blocks_.size()) {
    own = next_block_++;
    blocks_[*own].begun = true;
    return Part{.block = *own, .part = blocks_[*own].front++, .begins = true};
  }
  std::optional<std::size_t> most;
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    const Block& block = blocks_[b];
    if (block.started && block.front < block.back &&
        (!most || block.back - block.front > blocks_[*most].back - blocks_[*most].front))
      most = b;
  }
  if (!most) return std::nullopt;
  return Part{.block = *most, .part = --blocks_[*most].back};  // `own` stays: the next take steals again
}

void PartDealer::started(std::size_t block) {
  {
    const std::lock_guard lock(mutex_);
    blocks_[block].started = true;
  }
  changed_.notify_all();
}

bool PartDealer::made(std::size_t block) {
  const std::lock_guard lock(mutex_);
  return ++blocks_[block].made == blocks_[block].parts;
}

void PartDealer::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  changed_.notify_all();
}

}  // namespace geostrip
