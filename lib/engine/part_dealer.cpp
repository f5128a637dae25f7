#include "engine/part_dealer.hpp"

namespace geostrip {

PartDealer::PartDealer(std::vector<std::size_t> parts) {
  for (const std::size_t count : parts) blocks_.push_back({.front = 0, .back = count, .parts = count});
}

std::optional<PartDealer::Part> PartDealer::take(std::optional<std::size_t>& own) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopped_) return std::nullopt;
    if (auto part = take_locked(own)) return part;
    bool open = false;
    for (const Block& block : blocks_) open = open || !block.done;
    if (!open) return std::nullopt;
    changed_.wait(lock);  // for a block to start, gain parts or be done
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

void PartDealer::changed(const std::function<void()>& change) {
  {
    const std::lock_guard lock(mutex_);
    change();
  }
  changed_.notify_all();
}

void PartDealer::started(std::size_t block) {
  changed([&] { blocks_[block].started = true; });
}

bool PartDealer::made(std::size_t block) {
  const std::lock_guard lock(mutex_);
  Block& b = blocks_[block];
  return ++b.made == b.parts;
}

void PartDealer::add_parts(std::size_t block, std::size_t count) {
  // Every part it had is made, so taken: the new ones are all that is left.
  changed([&] {
    Block& b = blocks_[block];
    b.front = b.parts;
    b.parts += count;
    b.back = b.parts;
  });
}

void PartDealer::done(std::size_t block) {
  changed([&] { blocks_[block].done = true; });
}

void PartDealer::stop() {
  changed([&] { stopped_ = true; });
}

}  // namespace geostrip
