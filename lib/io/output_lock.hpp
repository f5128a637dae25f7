#pragma once
// One writer per output. A run holds an exclusive lock on OUTPUT.lock for
// its whole life (lock_whole_file(): an fcntl lock, which the kernel drops
// when the process dies, however it dies, and which NFS and Lustre pass on
// to their servers). The file also says who holds it (host, pid, start
// time), so a second run for the same output can stop at once, naming the
// holder, before it touches anything.
#include <string>

#include "io/unique_fd.hpp"

namespace geostrip {

class OutputLock {
 public:
  // OUTPUT.lock
  static std::string path_for(const std::string& output);

  // Takes the lock of `output` for this process; throws Error naming the
  // holder when another run has it (or when a symbolic link stands at
  // OUTPUT.lock).
  explicit OutputLock(const std::string& output);
  OutputLock(OutputLock&&) noexcept = default;
  OutputLock& operator=(OutputLock&&) noexcept = default;
  // Removes OUTPUT.lock, then lets the lock go.
  ~OutputLock();

 private:
  std::string path_;
  UniqueFd fd_;
};

}  // namespace geostrip
