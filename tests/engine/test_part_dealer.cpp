// Which part of which block a thread makes: each thread its own parts in
// order, the finishing parts any thread, and idle threads the others' last.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "engine/part_dealer.hpp"

using geostrip::PartDealer;
using Taken = std::vector<std::pair<std::size_t, std::size_t>>;

namespace {

// Takes, makes and finishes parts on `thread` until none is left for it to take now.
Taken drain(PartDealer& dealer, int thread, std::size_t count) {
  Taken taken;
  while (taken.size() < count) {
    const auto part = dealer.take(thread);
    REQUIRE(part);
    if (part->begins) dealer.started(part->block);
    taken.emplace_back(part->block, part->part);
  }
  return taken;
}

}  // namespace

TEST_CASE("a lone thread makes every block's parts in order, block after block", "[engine]") {
  PartDealer dealer({3, 1, 2}, 1, [](std::size_t, std::size_t) { return 0; });
  dealer.open(std::numeric_limits<std::size_t>::max());
  Taken taken;
  while (const auto part = dealer.take(0)) {
    if (part->begins) dealer.started(part->block);
    taken.emplace_back(part->block, part->part);
    const bool last = dealer.made(part->block);
    CHECK(last == (part->part + 1 == std::vector<std::size_t>{3, 1, 2}[part->block]));
    if (last) dealer.done(part->block);
  }
  CHECK(taken == Taken{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {2, 0}, {2, 1}});
}

TEST_CASE("each thread makes its own parts in order: its column strip, row chunk after row chunk", "[engine]") {
  // Two blocks of two row chunks, three column chunks: the first two are thread 0's strip.
  PartDealer dealer({6, 6}, 2, [](std::size_t, std::size_t part) { return part % 3 < 2 ? 0 : 1; });
  dealer.open(std::numeric_limits<std::size_t>::max());
  CHECK(drain(dealer, 0, 8) == Taken{{0, 0}, {0, 1}, {0, 3}, {0, 4}, {1, 0}, {1, 1}, {1, 3}, {1, 4}});
  CHECK(drain(dealer, 1, 4) == Taken{{0, 2}, {0, 5}, {1, 2}, {1, 5}});
}

TEST_CASE("a thread with none of its own left takes the last parts of the thread with the most left", "[engine]") {
  PartDealer dealer({4, 4}, 3, [](std::size_t block, std::size_t) { return static_cast<int>(block); });
  dealer.open(std::numeric_limits<std::size_t>::max());
  CHECK(drain(dealer, 0, 1) == Taken{{0, 0}});
  CHECK(drain(dealer, 2, 1) == Taken{{1, 3}});  // thread 2 has none: the end of thread 1's, the most
  CHECK(drain(dealer, 2, 1) == Taken{{0, 3}});  // three each: the first such thread's
  CHECK(drain(dealer, 2, 1) == Taken{{1, 2}});
  CHECK(drain(dealer, 1, 2) == Taken{{1, 0}, {1, 1}});
  CHECK(drain(dealer, 0, 2) == Taken{{0, 1}, {0, 2}});
}

TEST_CASE("a block's finishing parts follow its parts, numbered on, for any thread, which waits for them",
          "[engine]") {
  PartDealer dealer({2}, 2, [](std::size_t, std::size_t part) { return static_cast<int>(part); });
  dealer.open(std::numeric_limits<std::size_t>::max());
  CHECK(drain(dealer, 0, 1) == Taken{{0, 0}});
  CHECK(drain(dealer, 1, 1) == Taken{{0, 1}});
  CHECK_FALSE(dealer.made(0));
  std::optional<PartDealer::Part> helped;
  std::thread other([&] { helped = dealer.take(1); });  // nothing left, but the block is not done: waits
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(dealer.made(0));  // both parts are made
  dealer.add_parts(0, 2);
  other.join();
  REQUIRE(helped);
  CHECK(helped->part == 2);
  CHECK(dealer.take(0)->part == 3);
  CHECK_FALSE(dealer.made(0));
  CHECK(dealer.made(0));
  dealer.done(0);
  CHECK_FALSE(dealer.take(0));  // every block is done
}

TEST_CASE("a thread waits for a block another thread is starting, and stop() ends the dealing", "[engine]") {
  PartDealer dealer({2}, 2, [](std::size_t, std::size_t part) { return static_cast<int>(part); });
  dealer.open(std::numeric_limits<std::size_t>::max());
  const auto first = dealer.take(0);
  REQUIRE(first->begins);
  std::optional<PartDealer::Part> second;
  std::thread other([&] { second = dealer.take(1); });  // its part's block is not started yet
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(second);
  dealer.started(0);
  other.join();
  REQUIRE(second);
  CHECK_FALSE(second->begins);
  dealer.stop();
  CHECK_FALSE(dealer.take(0));
}

TEST_CASE("every part of every block is made exactly once by many threads, and each block's last is reported once",
          "[engine]") {
  const std::vector<std::size_t> parts{5, 1, 7, 3, 9, 2};
  PartDealer dealer(parts, 4, [](std::size_t block, std::size_t part) { return static_cast<int>(block + part); });
  dealer.open(std::numeric_limits<std::size_t>::max());
  std::mutex mutex;
  std::set<std::pair<std::size_t, std::size_t>> made;
  std::vector<int> lasts(parts.size(), 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      while (const auto part = dealer.take(t)) {
        if (part->begins) dealer.started(part->block);
        const bool last = dealer.made(part->block);
        if (last) dealer.done(part->block);
        const std::lock_guard lock(mutex);
        CHECK(made.emplace(part->block, part->part).second);
        lasts[part->block] += last;
      }
    });
  for (std::thread& thread : threads) thread.join();
  std::size_t total = 0;
  for (const std::size_t count : parts) total += count;
  CHECK(made.size() == total);
  CHECK(std::all_of(lasts.begin(), lasts.end(), [](int count) { return count == 1; }));
}

TEST_CASE("blocks not yet open are not dealt: a thread takes the next round's once it opens, and waits for it", "[engine]") {
  PartDealer dealer({2, 2, 2}, 2, [](std::size_t, std::size_t part) { return static_cast<int>(part); });
  dealer.open(1);
  const auto first = dealer.take(0, false);
  REQUIRE(first);
  CHECK(first->block == 0);
  dealer.started(0);
  CHECK(dealer.take(1, false)->block == 0);
  CHECK_FALSE(dealer.take(0, false));  // block 1 is not open
  std::optional<PartDealer::Part> next;
  std::thread waiter([&] { next = dealer.take(1); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(next);  // still waiting: block 0 is not done and block 1 not open
  dealer.open(2);
  waiter.join();
  REQUIRE(next);
  CHECK(next->block == 1);
  CHECK(next->part == 1);  // its own
}

TEST_CASE("an allowed block opens once a thread has none of its own left, and its own parts come first", "[engine]") {
  PartDealer dealer({2, 2}, 2, [](std::size_t, std::size_t part) { return static_cast<int>(part); });
  dealer.open(1);
  dealer.allow(2);
  const Taken first = drain(dealer, 0, 2);  // its own of block 0, then of block 1, not thread 1's of block 0
  CHECK(first == Taken{{0, 0}, {1, 0}});
  CHECK(drain(dealer, 1, 2) == Taken{{0, 1}, {1, 1}});
}
