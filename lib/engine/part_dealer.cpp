#include "engine/part_dealer.hpp"

#include <algorithm>
#include <utility>

namespace geostrip {

PartDealer::PartDealer(const std::vector<std::size_t>& parts, int threads,
                       std::function<int(std::size_t block, std::size_t part)> owner)
    : owner_(std::move(owner)), own_(static_cast<std::size_t>(std::max(1, threads))) {
  for (const std::size_t count : parts) blocks_.push_back({.parts = count});
}

void PartDealer::open_locked(std::size_t end) {
  for (; opened_ < std::min(end, blocks_.size()); ++opened_)
    for (std::size_t p = 0; p < blocks_[opened_].parts; ++p)
      own_[static_cast<std::size_t>(owner_(opened_, p)) % own_.size()].push_back({.block = opened_, .part = p});
  allowed_ = std::max(allowed_, opened_);
}

void PartDealer::open(std::size_t end) {
  changed([&] { open_locked(end); });
}

void PartDealer::allow(std::size_t end) {
  changed([&] { allowed_ = std::max(allowed_, end); });
}

std::optional<PartDealer::Part> PartDealer::next_locked(int thread) {
  Queue& mine = own_[static_cast<std::size_t>(thread) % own_.size()];
  const auto from_front = [](Queue& queue) {
    const Part part = queue.front();
    queue.pop_front();
    return part;
  };
  if (!mine.empty()) return from_front(mine);
  if (!finishing_.empty()) return from_front(finishing_);
  // Its own parts of the next round before another thread's of this one:
  // their tiles are in its own GDAL handle's cache.
  if (opened_ < allowed_) {
    open_locked(allowed_);
    if (!mine.empty()) return from_front(mine);
  }
  const auto longest = std::max_element(own_.begin(), own_.end(),
                                        [](const Queue& a, const Queue& b) { return a.size() < b.size(); });
  if (longest->empty()) return std::nullopt;
  const Part part = longest->back();
  longest->pop_back();
  return part;
}

std::optional<PartDealer::Part> PartDealer::take(int thread, bool wait) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopped_) return std::nullopt;
    if (std::optional<Part> part = next_locked(thread)) {
      Block& block = blocks_[part->block];
      if (!block.begun) {
        block.begun = true;
        part->begins = true;
        return part;
      }
      changed_.wait(lock, [&] { return block.started || stopped_; });
      if (stopped_) return std::nullopt;
      return part;
    }
    if (!wait || std::all_of(blocks_.begin(), blocks_.end(), [](const Block& b) { return b.done; }))
      return std::nullopt;
    changed_.wait(lock);  // for a block to gain parts, be allowed or be done
  }
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
  changed([&] {
    Block& b = blocks_[block];
    for (std::size_t p = 0; p < count; ++p) finishing_.push_back({.block = block, .part = b.parts + p});
    b.parts += count;
  });
}

void PartDealer::done(std::size_t block) {
  changed([&] { blocks_[block].done = true; });
}

void PartDealer::stop() {
  changed([&] { stopped_ = true; });
}

}  // namespace geostrip
