#pragma once
// The only MPI code in geostrip: a session, and a communicator with the few
// collectives and messages the engine and the batch need. Calls are made from
// the main thread (MPI_THREAD_FUNNELED), except on a one-rank communicator,
// whose collectives return at once without calling MPI. MPI failures become
// geostrip::Error.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace geostrip {

// Initializes MPI for the process (a plain launch is a singleton of one rank)
// and finalizes it when destroyed.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

 private:
  std::string session_directory_;  // Open MPI's, this process's own when it is a singleton
};

// Every rank's bytes, concatenated in rank order, on the root.
struct GatheredBytes {
  std::vector<std::byte> bytes;
  std::vector<std::size_t> offsets;  // size()+1 entries; rank r has [offsets[r], offsets[r+1])
  std::span<const std::byte> of_rank(int rank) const {
    return {bytes.data() + offsets[static_cast<std::size_t>(rank)],
            offsets[static_cast<std::size_t>(rank) + 1] - offsets[static_cast<std::size_t>(rank)]};
  }
};

// Called, every millisecond or so, on the main thread while it waits for the
// other ranks in a collective (to send and take heartbeats: stall_watch.hpp).
using WhileWaiting = std::function<void()>;

// A point-to-point message: its sender, tag and bytes.
struct Message {
  int source = 0;
  int tag = 0;
  std::string text;
};

class Communicator {
 public:
  static Communicator world();
  // This process alone (MPI_COMM_SELF): its collectives need no other rank and
  // no MPI call, so any thread may use them.
  static Communicator self();

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Ranks that share a node's memory (MPI_Comm_split_type with MPI_COMM_TYPE_SHARED).
  Communicator split_by_node() const;
  // Ranks with the same color, ordered by key (MPI_Comm_split).
  Communicator split(int color, int key) const;

  std::vector<std::string> allgather(const std::string& mine) const;
  std::int64_t max(std::int64_t mine, const WhileWaiting& while_waiting = {}) const;
  std::int64_t broadcast(std::int64_t value, int root) const;
  // `values` from `root` to every rank (theirs are ignored), calling
  // `while_waiting` as the ranks arrive.
  std::vector<std::uint64_t> broadcast(std::vector<std::uint64_t> values, int root,
                                       const WhileWaiting& while_waiting) const;

  // Gathers every rank's bytes on `root` through MPI_Gatherv, splitting any
  // message over `max_message` bytes (MPI counts are int: 2 GiB at most).
  GatheredBytes gather(std::span<const std::byte> mine, int root, std::size_t max_message,
                       const WhileWaiting& while_waiting = {}) const;

  // Point to point, not collective. `try_receive` takes a waiting message from
  // `source` (or any rank, `kAnySource`) with `tag` (or any, `kAnyTag`) if
  // there is one, without blocking.
  static constexpr int kAnySource = MPI_ANY_SOURCE;
  static constexpr int kAnyTag = MPI_ANY_TAG;
  void send(int destination, int tag, const std::string& text) const;
  std::optional<Message> try_receive(int source, int tag = kAnyTag) const;

  // Ends every rank of the job with `code`.
  [[noreturn]] void abort(int code) const;

 private:
  friend class Postbox;
  explicit Communicator(std::shared_ptr<MPI_Comm> comm);
  std::shared_ptr<MPI_Comm> comm_;
  int rank_ = 0;
  int size_ = 1;
};

// Small messages sent without waiting for the receiver (heartbeats). A send
// still pending completes in the background; while a destination has
// several pending (it is not receiving), further messages to it are dropped.
class Postbox {
 public:
  explicit Postbox(const Communicator& comm) : comm_(comm.comm_) {}
  Postbox(const Postbox&) = delete;
  Postbox& operator=(const Postbox&) = delete;
  ~Postbox();
  void post(int destination, int tag, const std::string& text);

 private:
  struct Pending {
    int destination = 0;
    MPI_Request request = MPI_REQUEST_NULL;
    std::unique_ptr<std::string> text;  // where MPI reads it from until the send completes
  };
  std::shared_ptr<MPI_Comm> comm_;
  std::vector<Pending> pending_;
};

// The largest message geostrip sends: $GEOSTRIP_MAX_MESSAGE bytes when set
// (to test splitting, or for fabrics that dislike large messages), else 2 GiB - 1.
std::size_t max_message_bytes();

}  // namespace geostrip
