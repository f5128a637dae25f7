// Which part of which block a thread makes: a thread keeps to its block's
// parts in order, and threads with no block left share the last ones.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "engine/part_dealer.hpp"

using geostrip::PartDealer;

TEST_CASE("a lone thread makes every block's parts in order, block after block", "[engine]") {
  PartDealer dealer({3, 1, 2});
  std::optional<std::size_t> own;
  std::vector<std::pair<std::size_t, std::size_t>> taken;
  while (const auto part = dealer.take(own)) {
    if (part->begins) dealer.started(part->block);
    taken.emplace_back(part->block, part->part);
    const bool last = dealer.made(part->block);
    CHECK(last == (part->part + 1 == std::vector<std::size_t>{3, 1, 2}[part->block]));
    if (last) dealer.done(part->block);
  }
  CHECK(taken == std::vector<std::pair<std::size_t, std::size_t>>{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {2, 0}, {2, 1}});
}

TEST_CASE("a thread with no block left takes parts from the end of the block with the most left", "[engine]") {
  PartDealer dealer({2, 6});
  std::optional<std::size_t> first, second;
  const auto a = dealer.take(first);  // block 0 begins
  const auto b = dealer.take(second);  // block 1 begins
  REQUIRE((a && b && a->begins && b->begins));
  dealer.started(0);
  dealer.started(1);
  CHECK(dealer.take(first)->part == 1);  // its own block's next part
  const auto stolen = dealer.take(first);  // block 0 is all taken: from block 1's end
  REQUIRE(stolen);
  CHECK(stolen->block == 1);
  CHECK(stolen->part == 5);
  CHECK_FALSE(stolen->begins);
  CHECK(dealer.take(second)->part == 1);  // the owner goes on from the front
  CHECK(dealer.take(first)->part == 4);
}

TEST_CASE("a block's finishing parts follow its parts, numbered on, and threads wait for them", "[engine]") {
  PartDealer dealer({3});
  std::optional<std::size_t> owner, helper;
  REQUIRE(dealer.take(owner)->begins);
  dealer.started(0);
  CHECK(dealer.take(helper)->part == 2);  // stolen from the end
  CHECK(dealer.take(owner)->part == 1);
  CHECK_FALSE(dealer.made(0));
  CHECK_FALSE(dealer.made(0));
  std::optional<PartDealer::Part> helped;
  std::thread other([&] { helped = dealer.take(helper); });  // nothing left, but the block is not done: waits
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(dealer.made(0));  // its three parts are made
  dealer.add_parts(0, 2);
  other.join();
  REQUIRE(helped);
  CHECK(helped->part == 4);  // the end of the finishing parts 3 and 4
  CHECK(dealer.take(owner)->part == 3);
  CHECK_FALSE(dealer.made(0));
  CHECK(dealer.made(0));
  dealer.done(0);
  CHECK_FALSE(dealer.take(owner));  // every block is done
}

TEST_CASE("threads wait for a block being started, and stop() ends the dealing", "[engine]") {
  PartDealer dealer({4});
  std::optional<std::size_t> owner, helper;
  const auto first = dealer.take(owner);
  REQUIRE(first->begins);
  std::optional<PartDealer::Part> helped;
  std::thread other([&] { helped = dealer.take(helper); });  // waits: the block is not started yet
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  dealer.started(0);
  other.join();
  REQUIRE(helped);
  CHECK(helped->part == 3);
  dealer.stop();
  CHECK_FALSE(dealer.take(owner));
}

TEST_CASE("every part of every block is made exactly once by many threads, and each block's last is reported once",
          "[engine]") {
  const std::vector<std::size_t> parts{5, 1, 7, 3, 9, 2};
  PartDealer dealer(parts);
  std::mutex mutex;
  std::set<std::pair<std::size_t, std::size_t>> made;
  std::vector<int> lasts(parts.size(), 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      std::optional<std::size_t> own;
      while (const auto part = dealer.take(own)) {
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
