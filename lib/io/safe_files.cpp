#include "io/safe_files.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include <fmt/core.h>

#include "core/error.hpp"

namespace geostrip {

namespace {

std::string directory_of(const std::string& path) {
  const std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

std::string describe_mode(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "a device";
}

[[noreturn]] void refuse(const std::string& path, const std::string& what) {
  throw Error(path + ": is " + what + "; geostrip writes and replaces only regular files");
}

}  // namespace

std::optional<FileIdentity> file_identity(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) == 0) return FileIdentity{status.st_dev, status.st_ino, {}};
  if (::stat(directory_of(path).c_str(), &status) == 0)
    return FileIdentity{status.st_dev, status.st_ino, std::filesystem::path(path).filename().string()};
  return std::nullopt;
}

FileIdentity file_identity(int fd) {
  struct stat status {};
  ::fstat(fd, &status);
  return {status.st_dev, status.st_ino, {}};
}

bool names_file(const std::string& path, const FileIdentity& identity) {
  struct stat status {};
  return ::lstat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) && status.st_dev == identity.device &&
         status.st_ino == identity.inode;
}

std::optional<std::string> what_is_at(const std::string& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return std::nullopt;
  return describe_mode(status.st_mode);
}

void check_writable_target(const std::string& path, bool may_replace, const std::string& what) {
  if (const auto there = what_is_at(path)) {
    if (!there->empty()) refuse(path, *there);
    if (!may_replace) throw Error(path + ": exists; pass --overwrite to replace it");
  }
  const std::string directory = directory_of(path);
  if (::access(directory.c_str(), W_OK | X_OK) != 0)
    throw Error(path + ": cannot write the " + what + " in " + directory + ": " + std::strerror(errno));
}

void check_side_file(const std::string& path, const std::string& what, const std::vector<RoleOfFile>& taken) {
  const auto mine = file_identity(path);
  for (const RoleOfFile& file : taken)
    if (mine && file_identity(file.path) == mine)
      throw UsageError(path + ": the " + what + " would overwrite " + file.role + " (" + file.path +
                       "); write it elsewhere");
  check_writable_target(path, true, what);
}

UniqueFd create_new_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (!fd) throw Error(path + ": cannot create: " + std::strerror(errno));
  return fd;
}

std::optional<UniqueFd> open_regular_file(const std::string& path, int flags) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  UniqueFd fd(::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd) {
    const int error = errno;
    if (error == ENOENT) return std::nullopt;
    // A link (ELOOP), a FIFO nobody reads (ENXIO), a device...: say what is there.
    if (const auto there = what_is_at(path); there && !there->empty()) refuse(path, *there);
    throw Error(path + ": cannot open: " + std::strerror(error));
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(status.st_mode)) refuse(path, describe_mode(status.st_mode));
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  return fd;
}

int write_all(int fd, std::span<const std::byte> bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : ENOSPC;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

int read_through(int fd, const std::function<void(std::span<const std::byte>)>& take) {
  std::vector<std::byte> buffer(1 << 20);
  for (ssize_t n; (n = ::read(fd, buffer.data(), buffer.size())) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    take(std::span<const std::byte>(buffer.data(), static_cast<std::size_t>(n)));
  }
  return 0;
}

int read_all(int fd, std::string& into) {
  return read_through(fd, [&](std::span<const std::byte> part) {
    into.append(reinterpret_cast<const char*>(part.data()), part.size());
  });
}

void remove_leftover(const std::string& path) {
  const auto there = what_is_at(path);
  if (!there) return;
  if (!there->empty()) refuse(path, *there);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw Error(path + ": cannot remove the file an earlier run left: " + std::strerror(errno));
}

void remove_leftover_directory(const std::string& path) {
  const auto there = what_is_at(path);
  if (!there) return;
  if (*there != "a directory")
    throw Error(path + ": is " + (there->empty() ? "a regular file" : *there) +
                ", where geostrip makes a directory of its own; move it away");
  std::error_code error;
  std::filesystem::remove_all(path, error);  // removes links inside, never what they point to
  if (error) throw Error(path + ": cannot remove the directory an earlier run left: " + error.message());
}

void sync_tree(const std::string& path) {
  if (std::filesystem::is_directory(std::filesystem::symlink_status(path)))
    for (const std::filesystem::directory_entry& entry : std::filesystem::directory_iterator(path))
      if (!entry.is_symlink()) sync_tree(entry.path().string());
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) throw Error(path + ": cannot sync to disk: " + std::strerror(errno));
}

int lock_whole_file(int fd, short type, bool wait) {
  struct flock whole {};
  whole.l_type = type;
  whole.l_whence = SEEK_SET;
  int result = 0;
  while ((result = ::fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &whole)) != 0 && errno == EINTR) {
  }
  if (result != 0 && errno == EINVAL)  // no OFD locks on this filesystem
    while ((result = ::fcntl(fd, wait ? F_SETLKW : F_SETLK, &whole)) != 0 && errno == EINTR) {
    }
  return result == 0 ? 0 : errno == EACCES ? EAGAIN : errno;
}

void sync_parent_directory(const std::string& path) {
  const std::string directory = directory_of(path);
  const UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) throw Error(directory + ": cannot sync to disk: " + std::strerror(errno));
}

void rename_into_place(const std::string& from, const std::string& to, bool may_replace) {
  const auto cannot = [&] { return Error(to + ": cannot rename from " + from + ": " + std::strerror(errno)); };
  const auto exists = [&] { return Error(to + ": exists (it appeared during the run); pass --overwrite to replace it"); };
  if (may_replace) {
    if (const auto there = what_is_at(to); there && !there->empty()) refuse(to, *there);
    if (::rename(from.c_str(), to.c_str()) != 0) throw cannot();
  } else if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) throw exists();
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) throw cannot();
    // No RENAME_NOREPLACE here (NFS, some FUSE): link() refuses an existing name just the same.
    if (::link(from.c_str(), to.c_str()) != 0) throw errno == EEXIST ? exists() : cannot();
    ::unlink(from.c_str());
  }
  sync_parent_directory(to);
}

void replace_file_content(const std::string& path, std::span<const char> bytes, const std::string& what) {
  if (const auto there = what_is_at(path); there && !there->empty()) refuse(path, *there);
  // A name nobody can guess, created with O_EXCL (create_new_file), so the umask applies as to any file.
  std::random_device random;
  const std::string temporary = path + fmt::format(".tmp-{}-{:08x}", ::getpid(), random());
  UniqueFd fd = create_new_file(temporary);
  try {
    if (const int error = write_all(fd.get(), std::as_bytes(bytes)))
      throw Error(path + ": cannot write the " + what + ": " + std::strerror(error));
    if (::fdatasync(fd.get()) != 0 || !fd.close())
      throw Error(path + ": cannot write the " + what + ": " + std::strerror(errno));
    rename_into_place(temporary, path, true);
  } catch (...) {
    ::unlink(temporary.c_str());
    throw;
  }
}

}  // namespace geostrip
