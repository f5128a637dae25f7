#include "parallel/stall_watch.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace geostrip {

namespace {

constexpr int kHeartbeatTag = 0x4842;  // "HB": apart from the batch's tags
constexpr int kExitStalled = 1;

// Every rank makes its watches in the same order: the n-th watch of each
// rank is the same one, and its heartbeats carry n.
std::uint64_t next_epoch() {
  static std::uint64_t epoch = 0;
  return ++epoch;
}

}  // namespace

std::vector<int> stalled_ranks(std::span<const RankPulse> pulses, double now, double timeout) {
  std::vector<int> stalled;
  for (std::size_t r = 0; r < pulses.size(); ++r) {
    const RankPulse& p = pulses[r];
    if ((!p.done && now - p.heard > timeout) || (p.owing && now - p.progressed > timeout))
      stalled.push_back(static_cast<int>(r));
  }
  return stalled;
}

StallWatch::StallWatch(const Communicator& comm, std::vector<std::string> hosts, std::chrono::duration<double> timeout)
    : comm_(comm), hosts_(std::move(hosts)), timeout_(timeout.count()),
      interval_(std::min(1.0, timeout.count() / 5)), epoch_(next_epoch()), postbox_(comm),
      pulses_(static_cast<std::size_t>(comm.size())) {}

StallWatch::~StallWatch() {
  if (timeout_ <= 0 || comm_.size() == 1) return;
  owing_ = false;
  done_ = true;
  beat();
}

double StallWatch::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void StallWatch::beat() {
  const std::string pulse = fmt::format("{} {} {:d} {:d}", epoch_, work_.load(std::memory_order_relaxed), owing_, done_);
  if (comm_.rank() != 0)
    postbox_.post(0, kHeartbeatTag, pulse);
  else
    for (int r = 1; r < comm_.size(); ++r) postbox_.post(r, kHeartbeatTag, pulse);
}

void StallWatch::poll() {
  if (timeout_ <= 0) return;
  const double t = now();
  const auto update = [&](RankPulse& p, std::uint64_t work, bool owing, bool done) {
    const double progressed = work != p.work || owing != p.owing ? t : p.progressed;
    p = {t, progressed, work, owing, done};
  };
  update(pulses_[static_cast<std::size_t>(comm_.rank())], work_.load(std::memory_order_relaxed), owing_, done_);
  if (comm_.size() > 1) {
    if (t - last_beat_ >= interval_) {
      beat();
      last_beat_ = t;
    }
    while (const auto message = comm_.try_receive(Communicator::kAnySource, kHeartbeatTag)) {
      std::uint64_t epoch = 0, work = 0;
      int owing = 0, done = 0;
      std::istringstream(message->text) >> epoch >> work >> owing >> done;
      if (epoch == epoch_) update(pulses_[static_cast<std::size_t>(message->source)], work, owing != 0, done != 0);
    }
  }
  if (comm_.rank() == 0) {
    if (const auto stalled = stalled_ranks(pulses_, t, timeout_); !stalled.empty()) end_job(stalled);
  } else if (!pulses_[0].done && t - pulses_[0].heard > timeout_) {
    end_job({0});
  }
}

void StallWatch::end_job(const std::vector<int>& ranks) {
  std::string named;
  for (const int r : ranks)
    named += fmt::format("{}rank {} on {}", named.empty() ? "" : ", ", r, hosts_[static_cast<std::size_t>(r)]);
  fmt::print(stderr,
             "geostrip: error (rank {} on {}): {} made no progress for {:.0f} s (a frozen node or a hung filesystem?); "
             "ending the job (--stall-timeout)\n",
             comm_.rank(), hosts_[static_cast<std::size_t>(comm_.rank())], named, timeout_);
  std::fflush(stderr);
  comm_.abort(kExitStalled);
}

}  // namespace geostrip
