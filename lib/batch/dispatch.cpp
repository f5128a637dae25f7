#include "batch/dispatch.hpp"

#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace geostrip {

namespace {

constexpr int kResultTag = 1;  // worker -> 0: its previous job's result ("" before its first job)
constexpr int kJobTag = 2;     // 0 -> worker: a job
constexpr int kStopTag = 3;    // 0 -> worker: every job has finished
constexpr auto kPollInterval = std::chrono::milliseconds(1);

void work_for_root(const Communicator& comm, const JobWork& work) {
  std::string result;
  for (;;) {
    comm.send(0, kResultTag, result);
    std::optional<Message> message;
    while (!(message = comm.try_receive(0))) std::this_thread::sleep_for(kPollInterval);
    if (message->tag == kStopTag) return;
    result = work(message->text);
  }
}

// The queue of jobs on rank 0, taken by its main thread (for other ranks) and
// by its job thread.
class Dealer {
 public:
  Dealer(const std::vector<std::string>& jobs, const StopDealing& stop) : jobs_(jobs), stop_(stop) {}
  // The next job, or nullptr when all are dealt or dealing has stopped.
  const std::string* take() {
    std::lock_guard lock(mutex_);
    stopped_ = stopped_ || stop_();
    return !stopped_ && next_ < jobs_.size() ? &jobs_[next_++] : nullptr;
  }
  bool exhausted() const {
    std::lock_guard lock(mutex_);
    return stopped_ || next_ == jobs_.size();
  }
  std::size_t dealt() const {
    std::lock_guard lock(mutex_);
    return next_;
  }

 private:
  const std::vector<std::string>& jobs_;
  const StopDealing& stop_;
  mutable std::mutex mutex_;
  std::size_t next_ = 0;
  bool stopped_ = false;
};

// Rank 0's own jobs, run on a thread of their own; results wait for the main thread.
class LocalWorker {
 public:
  template <class Take>
  LocalWorker(const JobWork& work, Take take)
      : thread_([this, &work, take](std::stop_token stop) {
          try {
            while (!stop.stop_requested()) {
              const std::string* job = take();
              if (!job) break;
              std::string result = work(*job);
              std::lock_guard lock(mutex_);
              results_.push_back(std::move(result));
            }
          } catch (...) {
            std::lock_guard lock(mutex_);
            error_ = std::current_exception();
          }
        }) {}

  // Results finished since the last call; rethrows a failure of the thread.
  std::vector<std::string> collect() {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
    return std::exchange(results_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> results_;
  std::exception_ptr error_;
  std::jthread thread_;  // last: joined before the members it uses are destroyed
};

}  // namespace

std::size_t deal_jobs(const Communicator& comm, const std::vector<std::string>& jobs, const JobWork& work,
                      const JobDone& done, const StopDealing& stop) {
  if (comm.rank() != 0) {
    work_for_root(comm, work);
    return 0;
  }
  Dealer dealer(jobs, stop);
  const auto workers = static_cast<std::size_t>(comm.size() - 1);
  std::vector<int> idle;  // workers that asked for a job when none was left
  std::size_t finished = 0;
  LocalWorker local(work, [&] { return dealer.take(); });
  while (!dealer.exhausted() || finished < dealer.dealt() || idle.size() < workers) {
    bool busy = false;
    for (const std::string& result : local.collect()) {
      done(result);
      ++finished;
      busy = true;
    }
    if (const auto message = comm.try_receive(Communicator::kAnySource)) {
      if (!message->text.empty()) {
        done(message->text);
        ++finished;
      }
      if (const std::string* job = dealer.take())
        comm.send(message->source, kJobTag, *job);
      else
        idle.push_back(message->source);
      busy = true;
    }
    if (!busy) std::this_thread::sleep_for(kPollInterval);
  }
  for (const int worker : idle) comm.send(worker, kStopTag, "");
  return dealer.dealt();
}

}  // namespace geostrip
