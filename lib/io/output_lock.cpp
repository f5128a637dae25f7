#include "io/output_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/chrono.h>
#include <fmt/core.h>

#include "core/error.hpp"
#include "core/host.hpp"
#include "io/safe_files.hpp"

namespace geostrip {

namespace {

// Who holds a lock, as its holder wrote it ("" when it has not yet).
std::string holder_of(int fd) {
  char text[512] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string holder(text, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
  return holder;
}

}  // namespace

std::string OutputLock::path_for(const std::string& output) { return output + ".lock"; }

OutputLock::OutputLock(const std::string& output) : path_(path_for(output)) {
  // A holder that finishes removes the file and then lets go: a lock taken on
  // a file that is no longer at the path is taken again on the one that is.
  for (int attempt = 0; attempt < 100; ++attempt) {
    UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0666));
    if (!fd && errno == ELOOP) throw Error(path_ + ": is a symbolic link; geostrip writes only regular files");
    if (!fd) throw Error(path_ + ": cannot create the output's lock: " + std::strerror(errno));
    struct stat mine {};
    if (::fstat(fd.get(), &mine) != 0 || !S_ISREG(mine.st_mode))
      throw Error(path_ + ": is not a regular file; geostrip writes only regular files");
    if (const int error = lock_whole_file(fd.get(), F_WRLCK, false)) {
      if (error != EAGAIN) throw Error(path_ + ": cannot lock: " + std::strerror(error));
      const std::string holder = holder_of(fd.get());
      throw Error(fmt::format("{}: another run is writing it ({}); wait for it to end or write elsewhere", output,
                              holder.empty() ? "it is starting" : holder));
    }
    struct stat now {};
    if (::lstat(path_.c_str(), &now) != 0 || now.st_dev != mine.st_dev || now.st_ino != mine.st_ino) continue;
    const std::string holder = fmt::format("host {}, pid {}, since {:%Y-%m-%d %H:%M:%S %z}\n", host_name(), ::getpid(),
                                           fmt::localtime(std::chrono::system_clock::to_time_t(
                                               std::chrono::system_clock::now())));
    if (::ftruncate(fd.get(), 0) != 0 ||
        ::pwrite(fd.get(), holder.data(), holder.size(), 0) != static_cast<ssize_t>(holder.size()))
      throw Error(path_ + ": cannot write the output's lock: " + std::strerror(errno));
    fd_ = std::move(fd);
    return;
  }
  throw Error(path_ + ": cannot lock: the file keeps being replaced");
}

OutputLock::~OutputLock() {
  if (fd_) ::unlink(path_.c_str());  // before fd_ closes and the lock goes
}

}  // namespace geostrip
