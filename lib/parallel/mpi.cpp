#include "parallel/mpi.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fmt/core.h>

#include "core/error.hpp"
#include "core/host.hpp"

namespace geostrip {

namespace {

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(std::string(call) + " failed: " + text);
}

int as_int(std::size_t n) { return static_cast<int>(n); }

// Waits for a nonblocking collective by polling it every millisecond. A
// blocking one spins a core at full speed until the slowest rank arrives,
// stealing that core from this rank's own threads (the writer on rank 0)
// and, where ranks share a machine, from the ranks still computing.
void wait_idle(MPI_Request& request, const char* call, const WhileWaiting& while_waiting) {
  for (int done = 0;;) {
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), call);
    if (done) return;
    if (while_waiting) while_waiting();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// The start of this host's session directories' names: geostrip-mpi-HOST-PID-XXXXXX.
std::string session_prefix() { return "geostrip-mpi-" + host_name() + "-"; }

// A run that was killed (SIGKILL, a second ^C) leaves its session directory
// behind: the next plain run on the host removes those of processes that are
// gone.
void remove_abandoned_sessions(const std::string& parent) {
  const std::string prefix = session_prefix();
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(parent, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    struct stat owner {};
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH &&
        ::lstat(entry.path().c_str(), &owner) == 0 && S_ISDIR(owner.st_mode) && owner.st_uid == ::geteuid())
      std::filesystem::remove_all(entry.path(), error);
  }
}

// A process that no launcher started (no mpirun, no srun step with PMIx or
// PMI) is a singleton: telling Open MPI spares it a helper daemon and the
// probing of networks for peers it cannot have, 0.3 s of every plain run.
// Isolated singletons all use the same session directory, though
// (TMPDIR/ompi.HOST.UID/jf.0), and one that finishes removes it under the
// others: of four plain runs started together in a loop, one in a hundred
// failed in MPI_Init. So each gets a directory of its own, which the
// session removes. Returns it ("" when launched, or the user chose).
// Settings the user made win.
std::string declare_singleton() {
  for (const char* launched : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(launched)) return {};
  ::setenv("OMPI_MCA_ess_singleton_isolated", "1", 0);
  ::setenv("OMPI_MCA_pml", "ob1", 0);
  ::setenv("OMPI_MCA_btl", "self", 0);
  if (std::getenv("OMPI_MCA_orte_tmpdir_base")) return {};
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string parent = tmpdir && *tmpdir ? tmpdir : "/tmp";
  remove_abandoned_sessions(parent);
  std::string base = fmt::format("{}/{}{}-XXXXXX", parent, session_prefix(), ::getpid());
  if (!::mkdtemp(base.data())) return {};  // Open MPI's own default, then
  ::setenv("OMPI_MCA_orte_tmpdir_base", base.c_str(), 1);
  return base;
}

}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = 0;
  session_directory_ = declare_singleton();
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw Error("this MPI library does not provide MPI_THREAD_FUNNELED");
  }
}

MpiSession::~MpiSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
  if (!session_directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(session_directory_, ignored);
  }
}

Communicator::Communicator(std::shared_ptr<MPI_Comm> comm) : comm_(std::move(comm)) {
  MPI_Comm_set_errhandler(*comm_, MPI_ERRORS_RETURN);
  check(MPI_Comm_rank(*comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(*comm_, &size_), "MPI_Comm_size");
}

Communicator Communicator::world() { return Communicator(std::make_shared<MPI_Comm>(MPI_COMM_WORLD)); }

Communicator Communicator::self() { return Communicator(std::make_shared<MPI_Comm>(MPI_COMM_SELF)); }

namespace {
std::shared_ptr<MPI_Comm> owned(MPI_Comm comm) {
  return std::shared_ptr<MPI_Comm>(new MPI_Comm(comm), [](MPI_Comm* c) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized && *c != MPI_COMM_NULL) MPI_Comm_free(c);
    delete c;
  });
}
}  // namespace

Communicator Communicator::split_by_node() const {
  MPI_Comm node = MPI_COMM_NULL;
  check(MPI_Comm_split_type(*comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
  return Communicator(owned(node));
}

Communicator Communicator::split(int color, int key) const {
  MPI_Comm part = MPI_COMM_NULL;
  check(MPI_Comm_split(*comm_, color, key, &part), "MPI_Comm_split");
  return Communicator(owned(part));
}

std::vector<std::string> Communicator::allgather(const std::string& mine) const {
  if (size_ == 1) return {mine};
  const int length = as_int(mine.size());
  std::vector<int> lengths(static_cast<std::size_t>(size_));
  check(MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, *comm_), "MPI_Allgather");
  std::vector<int> displacements(lengths.size(), 0);
  int total = 0;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    displacements[r] = total;
    total += lengths[r];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  check(MPI_Allgatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), displacements.data(), MPI_CHAR,
                       *comm_),
        "MPI_Allgatherv");
  std::vector<std::string> out;
  for (std::size_t r = 0; r < lengths.size(); ++r)
    out.push_back(all.substr(static_cast<std::size_t>(displacements[r]), static_cast<std::size_t>(lengths[r])));
  return out;
}

std::int64_t Communicator::max(std::int64_t mine, const WhileWaiting& while_waiting) const {
  if (size_ == 1) return mine;
  std::int64_t result = 0;
  MPI_Request request = MPI_REQUEST_NULL;
  check(MPI_Iallreduce(&mine, &result, 1, MPI_INT64_T, MPI_MAX, *comm_, &request), "MPI_Iallreduce");
  wait_idle(request, "MPI_Iallreduce", while_waiting);
  return result;
}

std::int64_t Communicator::broadcast(std::int64_t value, int root) const {
  if (size_ == 1) return value;
  check(MPI_Bcast(&value, 1, MPI_INT64_T, root, *comm_), "MPI_Bcast");
  return value;
}

std::vector<std::uint64_t> Communicator::broadcast(std::vector<std::uint64_t> values, int root,
                                                  const WhileWaiting& while_waiting) const {
  if (size_ == 1) return values;
  auto count = static_cast<std::uint64_t>(values.size());
  MPI_Request request = MPI_REQUEST_NULL;
  check(MPI_Ibcast(&count, 1, MPI_UINT64_T, root, *comm_, &request), "MPI_Ibcast");
  wait_idle(request, "MPI_Ibcast", while_waiting);
  if (count > static_cast<std::uint64_t>(INT_MAX))
    throw Error("MPI_Ibcast: " + std::to_string(count) + " values are too many");
  values.resize(static_cast<std::size_t>(count));
  check(MPI_Ibcast(values.data(), static_cast<int>(count), MPI_UINT64_T, root, *comm_, &request), "MPI_Ibcast");
  wait_idle(request, "MPI_Ibcast", while_waiting);
  return values;
}

GatheredBytes Communicator::gather(std::span<const std::byte> mine, int root, std::size_t max_message,
                                   const WhileWaiting& while_waiting) const {
  if (size_ == 1) return {{mine.begin(), mine.end()}, {0, mine.size()}};
  const auto ranks = static_cast<std::size_t>(size_);
  const auto my_size = static_cast<std::int64_t>(mine.size());
  std::vector<std::int64_t> sizes(ranks);
  MPI_Request request = MPI_REQUEST_NULL;
  check(MPI_Igather(&my_size, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, root, *comm_, &request), "MPI_Igather");
  wait_idle(request, "MPI_Igather", while_waiting);  // where ranks that finished early wait for the others
  const auto largest = static_cast<std::size_t>(max(my_size, while_waiting));

  GatheredBytes out;
  if (rank_ == root) {
    out.offsets.assign(ranks + 1, 0);
    for (std::size_t r = 0; r < ranks; ++r) out.offsets[r + 1] = out.offsets[r] + static_cast<std::size_t>(sizes[r]);
    out.bytes.resize(out.offsets.back());
  }
  // Each call moves at most `chunk` bytes per rank, and at most INT_MAX in all,
  // so every count and displacement fits MPI's int.
  const std::size_t chunk = std::max<std::size_t>(1, std::min(max_message, static_cast<std::size_t>(INT_MAX) / ranks));
  const std::size_t calls = (largest + chunk - 1) / chunk;
  const bool direct = calls == 1 && out.bytes.size() <= static_cast<std::size_t>(INT_MAX);
  std::vector<int> counts(ranks), displacements(ranks);
  std::vector<std::byte> staging;
  for (std::size_t call = 0; call < calls; ++call) {
    const auto part = [&](std::size_t total) {
      const std::size_t begin = std::min(total, call * chunk);
      return std::pair{begin, std::min(total, begin + chunk) - begin};
    };
    const auto [my_begin, my_count] = part(mine.size());
    std::byte* receive = nullptr;
    if (rank_ == root) {
      int next = 0;
      for (std::size_t r = 0; r < ranks; ++r) {
        counts[r] = as_int(part(static_cast<std::size_t>(sizes[r])).second);
        displacements[r] = direct ? as_int(out.offsets[r]) : next;
        next += counts[r];
      }
      if (direct) {
        receive = out.bytes.data();
      } else {
        staging.resize(static_cast<std::size_t>(next));
        receive = staging.data();
      }
    }
    check(MPI_Igatherv(mine.data() + my_begin, as_int(my_count), MPI_BYTE, receive, counts.data(),
                       displacements.data(), MPI_BYTE, root, *comm_, &request),
          "MPI_Igatherv");
    wait_idle(request, "MPI_Igatherv", while_waiting);
    if (rank_ == root && !direct)
      for (std::size_t r = 0; r < ranks; ++r)
        if (counts[r] > 0)
          std::memcpy(out.bytes.data() + out.offsets[r] + call * chunk,
                    staging.data() + displacements[r], static_cast<std::size_t>(counts[r]));
  }
  return out;
}

void Communicator::send(int destination, int tag, const std::string& text) const {
  check(MPI_Send(text.data(), as_int(text.size()), MPI_CHAR, destination, tag, *comm_), "MPI_Send");
}

std::optional<Message> Communicator::try_receive(int source, int tag) const {
  int waiting = 0;
  MPI_Status status;
  check(MPI_Iprobe(source, tag, *comm_, &waiting, &status), "MPI_Iprobe");
  if (!waiting) return std::nullopt;
  int length = 0;
  check(MPI_Get_count(&status, MPI_CHAR, &length), "MPI_Get_count");
  Message message{status.MPI_SOURCE, status.MPI_TAG, std::string(static_cast<std::size_t>(length), '\0')};
  check(MPI_Recv(message.text.data(), length, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, *comm_, MPI_STATUS_IGNORE),
        "MPI_Recv");
  return message;
}

void Communicator::abort(int code) const {
  MPI_Abort(*comm_, code);
  std::_Exit(code);
}

Postbox::~Postbox() {
  for (Pending& p : pending_) MPI_Request_free(&p.request);  // the sends complete, or die with the job
}

void Postbox::post(int destination, int tag, const std::string& text) {
  constexpr std::size_t kMostPendingPerRank = 4;
  std::erase_if(pending_, [](Pending& p) {
    int done = 0;
    MPI_Test(&p.request, &done, MPI_STATUS_IGNORE);
    return done != 0;
  });
  if (std::count_if(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.destination == destination; }) >=
      static_cast<std::ptrdiff_t>(kMostPendingPerRank))
    return;
  Pending sent{destination, MPI_REQUEST_NULL, std::make_unique<std::string>(text)};
  check(MPI_Isend(sent.text->data(), as_int(sent.text->size()), MPI_CHAR, destination, tag, *comm_, &sent.request),
        "MPI_Isend");
  pending_.push_back(std::move(sent));
}

std::size_t max_message_bytes() {
  if (const char* env = std::getenv("GEOSTRIP_MAX_MESSAGE")) {
    const long long value = std::atoll(env);
    if (value > 0) return static_cast<std::size_t>(value);
  }
  return static_cast<std::size_t>(INT_MAX);
}

}  // namespace geostrip
