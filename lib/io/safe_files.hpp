#pragma once
// Files geostrip creates, replaces or appends to, on filesystems other users
// share: never through a symbolic link (O_NOFOLLOW, O_EXCL), never over
// anything but a regular file, and compared by what they are (device and
// inode), not by how a path spells them. Every failure is an Error naming
// the path.
#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/unique_fd.hpp"

namespace geostrip {

// The file a path names: its own device and inode when it exists, else its
// directory's and its name (a file not written yet). Two paths name the same
// file, through symbolic links or hard links, when their identities are equal.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  std::string name;  // empty when the file itself exists
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

// nullopt when neither the file nor its directory exists.
std::optional<FileIdentity> file_identity(const std::string& path);
// The identity of the file open as `fd`.
FileIdentity file_identity(int fd);
// Whether `path` names, itself and not through a link, the regular file `identity`.
bool names_file(const std::string& path, const FileIdentity& identity);

// What stands at `path` (lstat: a symbolic link is not followed): "a
// directory", "a symbolic link", ...; nullopt when nothing, "" for a regular file.
std::optional<std::string> what_is_at(const std::string& path);

// `path` may be written: nothing is there, or a regular file when
// `may_replace` (else "exists; pass --overwrite to replace it"); and its
// directory exists and is writable. `what` names the file ("report").
void check_writable_target(const std::string& path, bool may_replace, const std::string& what);

// A file a command reads or writes, and what it is to the command ("input a",
// "the output", "the manifest").
struct RoleOfFile {
  std::string role;
  std::string path;
};

// Checks, before any work, a file a command writes beside its outputs
// (`what`: "report", "status file"): a UsageError when it is one of `taken`
// (by any path: links, hard links), an Error when it cannot be written.
void check_side_file(const std::string& path, const std::string& what, const std::vector<RoleOfFile>& taken);

// A new regular file at `path`, opened read-write: O_CREAT | O_EXCL |
// O_NOFOLLOW, so nothing that is already there is opened or followed.
UniqueFd create_new_file(const std::string& path);

// An existing regular file, opened with `flags` (O_RDONLY, O_RDWR, ...,
// O_NOFOLLOW is added); nullopt when nothing is there. Anything else there
// (a symbolic link, a directory, a FIFO) is an Error.
std::optional<UniqueFd> open_regular_file(const std::string& path, int flags);

// Writes all of `bytes` at `fd`'s position: 0, or the errno of the write
// that failed (ENOSPC for one that wrote nothing).
int write_all(int fd, std::span<const std::byte> bytes);

// Gives `take` all that `fd` holds from its position on, part by part: 0, or
// the errno of the read that failed.
int read_through(int fd, const std::function<void(std::span<const std::byte>)>& take);
// Appends all that `fd` holds from its position on to `into`, as read_through().
int read_all(int fd, std::string& into);

// Removes a regular file left at `path` by an earlier run; nothing there is
// fine. Refuses (Error) a symbolic link or anything else geostrip did not make.
void remove_leftover(const std::string& path);

// Removes a directory an earlier run left at `path` (and what it holds, no
// link followed); nothing there is fine. Refuses (Error) a symbolic link or
// anything else that is not a directory.
void remove_leftover_directory(const std::string& path);

// Syncs `path` to disk: a file, or a directory with everything it holds.
void sync_tree(const std::string& path);

// Renames `from` (a file this process made) to `to`: only when nothing is at
// `to`, or, with `may_replace`, a regular file. Atomic where the filesystem
// has RENAME_NOREPLACE (else link + unlink, which fails just the same when
// `to` appears in between). Then syncs the directory.
void rename_into_place(const std::string& from, const std::string& to, bool may_replace);

// `bytes` as the whole content of `path`, replacing a regular file there: a
// temporary file beside it (O_EXCL), synced, then renamed over it.
void replace_file_content(const std::string& path, std::span<const char> bytes, const std::string& what);

// Takes (F_WRLCK) or lets go of (F_UNLCK) an fcntl lock on the whole of
// `fd`'s file: an open file description (OFD) lock, which the kernel drops
// when the process dies and which NFS and Lustre pass on to their servers;
// a classic POSIX lock where the filesystem has no OFD locks. With `wait`,
// waits for another holder to let go. Returns 0, or the errno (EAGAIN when
// another holds it and `wait` is false).
int lock_whole_file(int fd, short type, bool wait);

// Syncs the directory that holds `path` (after a rename in it).
void sync_parent_directory(const std::string& path);

}  // namespace geostrip
