#pragma once
// A blocking queue of bounded capacity: the producer waits when it is full,
// which is what bounds the memory of work in flight.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace geostrip {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  // Returns false, dropping the item, once the queue is closed.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // As push(), waiting at most `patience` for room: false, with `item` left
  // as it was, when there was none.
  bool push_within(T& item, std::chrono::milliseconds patience) {
    std::unique_lock lock(mutex_);
    if (!not_full_.wait_for(lock, patience, [&] { return closed_ || items_.size() < capacity_; })) return false;
    if (!closed_) {
      items_.push_back(std::move(item));
      not_empty_.notify_one();
    }
    return true;
  }

  // Waits for an item; empty once the queue is closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace geostrip
