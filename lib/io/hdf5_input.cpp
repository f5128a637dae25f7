#include "io/hdf5_input.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/error.hpp"
#include "io/gdal.hpp"
#include "io/hdf5.hpp"
#include "io/hdf5_georeference.hpp"
#include "io/hdf5_types.hpp"

namespace geostrip {

namespace {

herr_t collect_2d(hid_t object, const char* name, const H5O_info_t* info, void* out) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  const Handle dataset(H5Dopen2(object, name, H5P_DEFAULT), H5Dclose);
  const Handle space(H5Dget_space(dataset.get()), H5Sclose);
  if (space.valid() && H5Sget_simple_extent_ndims(space.get()) == 2)
    static_cast<std::vector<std::string>*>(out)->push_back(std::string("/") + name);
  return 0;
}

std::string list_2d_datasets(hid_t file) {
  std::vector<std::string> names;
  H5Ovisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, collect_2d, &names);
  if (names.empty()) return "it has no 2-D datasets";
  std::string out = "its 2-D datasets: ";
  for (std::size_t i = 0; i < names.size() && i < 20; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 20) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

// Opens FILE and DATASET, or throws Error naming the file and what is wrong.
std::pair<Handle, Handle> open_dataset(const Hdf5Path& path) {
  init_hdf5();
  if (H5Fis_hdf5(path.file.c_str()) <= 0) {
    const bool exists = std::filesystem::exists(path.file);
    throw Error(path.file + (exists ? ": not an HDF5 file" : ": no such file"));
  }
  Handle file(H5Fopen(path.file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) {
    if (hdf5_errors().find("lock") != std::string::npos)
      throw Error(path.file + ": locked by another process that has it open (HDF5 file locking is on: "
                              "HDF5_USE_FILE_LOCKING=" + std::string(std::getenv("HDF5_USE_FILE_LOCKING")) +
                  "); wait for it, or set HDF5_USE_FILE_LOCKING=FALSE if nothing writes the file");
    throw Error(path.file + ": cannot open as HDF5 (corrupt or unreadable)");
  }
  const auto missing = [&](const std::string& why) {
    return Error(path.file + ":" + path.dataset + ": " + why + "; " + list_2d_datasets(file.get()));
  };
  H5O_info_t info;
  if (H5Lexists(file.get(), path.dataset.c_str(), H5P_DEFAULT) <= 0 ||
      H5Oget_info_by_name(file.get(), path.dataset.c_str(), &info, H5P_DEFAULT) < 0)
    throw missing("no such dataset");
  if (info.type != H5O_TYPE_DATASET) throw missing("is a group, not a dataset");
  // A chunk cache of a few chunks, for a window's halo rows read again by the
  // next chunk or block, evicting the least recently used: with HDF5 1.10's
  // default preference for chunks read whole (w0 = 1), every chunk read
  // stayed until the dataset closed (a 4000x4000 SLC pair held 259 MB).
  constexpr std::size_t kChunkCacheBytes = std::size_t{8} << 20;
  const Handle access(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  hdf5_check(H5Pset_chunk_cache(access.get(), 1009, kChunkCacheBytes, 0.0), path.file + ": opening " + path.dataset);
  Handle dataset(H5Dopen2(file.get(), path.dataset.c_str(), access.get()), H5Dclose);
  if (!dataset.valid()) throw Error(path.file + ":" + path.dataset + ": cannot open the dataset (corrupt?)");
  const Handle space(H5Dget_space(dataset.get()), H5Sclose);
  const int dims = H5Sget_simple_extent_ndims(space.get());
  if (dims != 2) throw missing("is " + std::to_string(dims) + "-D; geostrip reads 2-D datasets");
  return {std::move(file), std::move(dataset)};
}

InputInfo describe_in_process(const FileSpec& spec, const Hdf5Path& path);

// A damaged file can crash HDF5 1.10's own metadata parser (tests/fuzz found
// CVE-2018-13867, a NULL dereference in its local-heap code, fixed in 1.14.3),
// and such bugs keep being found upstream. So a copy of this program parses
// each file first: it is spawned with kProbeVariable naming the input and
// describes it from a constructor, before main; a crash there becomes an
// Error here. posix_spawn, not fork: it copies
// no pages, which is safe beside MPI's registered memory.
constexpr const char* kProbeVariable = "GEOSTRIP_HDF5_PROBE";
constexpr int kProbeRefused = 2;  // exit code of a probe that threw Error

[[gnu::constructor]] void describe_if_probe() {
  const char* input = std::getenv(kProbeVariable);
  if (!input) return;
  init_gdal();  // quiet: GDAL's errors (an unknown EPSG code) are not the probe's to print
  try {
    const FileSpec spec(input);
    describe_in_process(spec, *spec.hdf5);
  } catch (const Error& error) {
    std::fputs(error.what(), stdout);
    std::fflush(stdout);
    _exit(kProbeRefused);
  }
  _exit(0);
}

// Throws Error when describing `spec` crashes or fails in a probe process.
// About 40 ms a file: not worth caching, and a cache keyed by size and mtime
// would miss a file rewritten within the clock's granularity.
void probe_in_child(const FileSpec& spec) {
  int pipe_ends[2];
  if (pipe(pipe_ends) != 0) throw Error(spec.path + ": cannot create a pipe to check the HDF5 file");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
  std::vector<std::string> environment{std::string(kProbeVariable) + "=" + spec.path};
  for (char** entry = ::environ; *entry; ++entry)
    if (!std::string_view(*entry).starts_with(kProbeVariable)) environment.emplace_back(*entry);
  std::vector<char*> envp;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  char name[] = "geostrip-hdf5-probe";
  char* argv[] = {name, nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_ends[1]);
  std::string message;
  char buffer[512];
  for (ssize_t got; (got = read(pipe_ends[0], buffer, sizeof buffer)) != 0;)
    if (got > 0) message.append(buffer, static_cast<std::size_t>(got));
    else if (errno != EINTR) break;
  close(pipe_ends[0]);
  if (spawned != 0)
    throw Error(spec.path + ": cannot start a process to check the HDF5 file: " + std::strerror(spawned));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (WIFEXITED(status) && WEXITSTATUS(status) == kProbeRefused) throw Error(message);
  const std::string how =
      WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exit " + std::to_string(WEXITSTATUS(status));
  throw Error(spec.path + ": corrupt HDF5: the HDF5 library crashed reading the file's metadata (" + how + ")");
}

}  // namespace

InputInfo describe_hdf5(const FileSpec& spec, const Hdf5Path& path) {
  if (spec.band != 1)
    throw Error(spec.path + ": an HDF5 dataset has one band, band " + std::to_string(spec.band) + " was asked for");
  probe_in_child(spec);
  return describe_in_process(spec, path);
}

namespace {

InputInfo describe_in_process(const FileSpec& spec, const Hdf5Path& path) {
  const Hdf5Lock lock;
  const auto [file, dataset] = open_dataset(path);
  const Handle space(H5Dget_space(dataset.get()), H5Sclose);
  hsize_t dims[2] = {0, 0};
  hdf5_check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), spec.path + ": reading its size");
  InputInfo info{.file = spec, .size = {static_cast<std::int64_t>(dims[0]), static_cast<std::int64_t>(dims[1])}};
  const Handle type(H5Dget_type(dataset.get()), H5Tclose);
  const auto pixel = pixel_type(type.get());
  if (!pixel)
    throw Error(spec.path + ": unsupported HDF5 type (geostrip reads integers of up to 32 bits, floats and {r, i} float "
                            "compounds)");
  info.type = *pixel;
  const bool half = H5Tget_class(type.get()) == H5T_COMPOUND
                        ? H5Tget_size(type.get()) == 4
                        : H5Tget_class(type.get()) == H5T_FLOAT && H5Tget_size(type.get()) == 2;
  info.type_name = std::string(is_complex(*pixel) ? (half ? "complex float16" : "complex float32")
                                                  : (half ? "float16" : name_of(*pixel)));
  const Handle create(H5Dget_create_plist(dataset.get()), H5Pclose);
  const H5D_layout_t layout = H5Pget_layout(create.get());
  hsize_t chunk[2] = {0, 0};
  if (layout == H5D_CHUNKED && H5Pget_chunk(create.get(), 2, chunk) == 2 && chunk[0] > 0) {
    info.tile_rows = static_cast<std::int64_t>(chunk[0]);
    info.tile_cols = static_cast<std::int64_t>(chunk[1]);
  }
  // Unfiltered storage must hold whole chunks, or every pixel: HDF5 1.10
  // reads past its own buffers when a damaged file says less (found by
  // tests/fuzz: a lost filter message left a deflated chunk read as raw).
  const hsize_t pixel_bytes = H5Tget_size(type.get());
  const hsize_t storage = H5Dget_storage_size(dataset.get());
  const bool damaged =
      layout == H5D_CHUNKED
          ? H5Pget_nfilters(create.get()) == 0 && chunk[0] > 0 && storage % (chunk[0] * chunk[1] * pixel_bytes) != 0
          : storage != 0 && storage < dims[0] * dims[1] * pixel_bytes;
  if (damaged)
    throw Error(spec.path + ": corrupt HDF5: the dataset's storage (" + std::to_string(storage) +
                " bytes) does not match its size and type");
  info.georef = read_georeference(file.get(), path.dataset, info.size);
  return info;
}

}  // namespace

Hdf5RowReader::Hdf5RowReader(const InputInfo& info, const Hdf5Path& path, Halo overlap)
    : path_(info.file.path) {
  const Hdf5Lock lock;
  auto [file, dataset] = open_dataset(path);
  chunks_ = Hdf5Chunks::open(dataset.get(), info.type, overlap, path_);
  file_ = file.release();
  dataset_ = dataset.release();
}

Hdf5RowReader::~Hdf5RowReader() {
  const Hdf5Lock lock;
  if (dataset_ >= 0) H5Dclose(dataset_);
  if (file_ >= 0) H5Fclose(file_);
}

void Hdf5RowReader::read(BlockBuffer& into) {
  if (chunks_ && chunks_->read(dataset_, into)) return;
  const Hdf5Lock lock;
  const RowBlock rows = into.rows();
  const std::string what = path_ + ": reading rows " + std::to_string(rows.begin) + "-" + std::to_string(rows.end - 1);
  const Handle file_space = hdf5_checked(H5Dget_space(dataset_), H5Sclose, what);
  const hsize_t start[2] = {static_cast<hsize_t>(rows.begin), static_cast<hsize_t>(into.first_col())};
  const hsize_t count[2] = {static_cast<hsize_t>(rows.rows()), static_cast<hsize_t>(into.cols())};
  hdf5_check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), what);
  const Handle memory_space = hdf5_checked(H5Screate_simple(2, count, nullptr), H5Sclose, what);
  const Handle type = memory_type(into.type());
  if (H5Dread(dataset_, type.get(), memory_space.get(), file_space.get(), H5P_DEFAULT, into.band_data(0)) < 0)
    throw Error(what + " failed (truncated or corrupt HDF5)");
}

}  // namespace geostrip
