#include "io/hdf5_input.hpp"

#include <ogr_spatialref.h>
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

namespace geostrip {

namespace {

bool ends_with_extension(const std::string& file) {
  std::string lower = file;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* ext : {".h5", ".hdf5", ".he5"})
    if (lower.size() > std::string(ext).size() && lower.ends_with(ext)) return true;
  return false;
}

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

// The pixel type of a dataset type: {r, i} float compounds are complex.
std::optional<PixelType> pixel_type(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_COMPOUND: {
      // Exactly {r, i}: two packed floats of one size (2 or 4 bytes). Anything
      // else (a damaged type description) is refused before HDF5 converts it.
      if (H5Tget_nmembers(type) != 2) return std::nullopt;
      std::size_t part = 0;
      for (unsigned m = 0; m < 2; ++m) {
        char* name = H5Tget_member_name(type, m);
        const bool named = name && std::string(name) == (m == 0 ? "r" : "i");
        H5free_memory(name);
        if (!named || H5Tget_member_class(type, m) != H5T_FLOAT) return std::nullopt;
        const Handle member(H5Tget_member_type(type, m), H5Tclose);
        const std::size_t size = H5Tget_size(member.get());
        if ((size != 2 && size != 4) || (m == 1 && size != part) || H5Tget_member_offset(type, m) != m * size)
          return std::nullopt;
        part = size;
      }
      if (H5Tget_size(type) != 2 * part) return std::nullopt;
      return PixelType::CFloat32;
    }
    case H5T_FLOAT: return H5Tget_size(type) <= 4 ? PixelType::Float32 : PixelType::Float64;
    case H5T_INTEGER: {
      const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      switch (H5Tget_size(type)) {
        case 1: return is_signed ? PixelType::Int8 : PixelType::Byte;
        case 2: return is_signed ? PixelType::Int16 : PixelType::UInt16;
        case 4: return is_signed ? PixelType::Int32 : PixelType::UInt32;
        default: return std::nullopt;  // 64-bit integers: not exact in geostrip's arithmetic
      }
    }
    default: return std::nullopt;
  }
}

// The memory type HDF5 converts into for a buffer of `type`.
Handle memory_type(PixelType type) {
  switch (type) {
    case PixelType::Byte: return Handle(H5Tcopy(H5T_NATIVE_UINT8), H5Tclose);
    case PixelType::Int8: return Handle(H5Tcopy(H5T_NATIVE_INT8), H5Tclose);
    case PixelType::UInt16: return Handle(H5Tcopy(H5T_NATIVE_UINT16), H5Tclose);
    case PixelType::Int16: return Handle(H5Tcopy(H5T_NATIVE_INT16), H5Tclose);
    case PixelType::UInt32: return Handle(H5Tcopy(H5T_NATIVE_UINT32), H5Tclose);
    case PixelType::Int32: return Handle(H5Tcopy(H5T_NATIVE_INT32), H5Tclose);
    case PixelType::Float32: return Handle(H5Tcopy(H5T_NATIVE_FLOAT), H5Tclose);
    case PixelType::Float64: return Handle(H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose);
    case PixelType::CFloat32: return complex64_type();
  }
  return Handle(-1, H5Tclose);
}

// The length of a 1-D dataset and its first two values; nullopt when it is
// not one. Only two are read: a damaged file may declare billions.
struct VectorStart {
  hsize_t length = 0;
  double first = 0, second = 0;
};
std::optional<VectorStart> read_vector_start(hid_t group, const char* name) {
  if (H5Lexists(group, name, H5P_DEFAULT) <= 0) return std::nullopt;
  const Handle dataset(H5Dopen2(group, name, H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) return std::nullopt;
  const Handle space(H5Dget_space(dataset.get()), H5Sclose);
  hsize_t length = 0;
  if (H5Sget_simple_extent_ndims(space.get()) != 1 || H5Sget_simple_extent_dims(space.get(), &length, nullptr) != 1 ||
      length < 2)
    return std::nullopt;
  const hsize_t start = 0, count = 2;
  double values[2] = {0, 0};
  const Handle memory(H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0 ||
      H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), H5P_DEFAULT, values) < 0)
    return std::nullopt;
  return VectorStart{length, values[0], values[1]};
}

// EPSG code of a sibling `projection`: its integer value, or its epsg_code attribute.
std::optional<int> read_epsg(hid_t group) {
  if (H5Lexists(group, "projection", H5P_DEFAULT) <= 0) return std::nullopt;
  const Handle dataset(H5Dopen2(group, "projection", H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) return std::nullopt;
  int code = 0;
  if (H5Aexists(dataset.get(), "epsg_code") > 0) {
    const Handle attribute(H5Aopen(dataset.get(), "epsg_code", H5P_DEFAULT), H5Aclose);
    if (H5Aread(attribute.get(), H5T_NATIVE_INT, &code) >= 0 && code > 0) return code;
  }
  const Handle type(H5Dget_type(dataset.get()), H5Tclose);
  if (H5Tget_class(type.get()) == H5T_INTEGER &&
      H5Dread(dataset.get(), H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, &code) >= 0 && code > 0)
    return code;
  return std::nullopt;
}

// Georeference from the dataset's sibling coordinate vectors (pixel centres).
Georeference read_georeference(hid_t file, const std::string& dataset, RasterSize size) {
  Georeference georef;
  const std::string parent = dataset.substr(0, dataset.find_last_of('/'));
  const Handle group(H5Gopen2(file, parent.empty() ? "/" : parent.c_str(), H5P_DEFAULT), H5Gclose);
  if (!group.valid()) return georef;
  const auto x = read_vector_start(group.get(), "xCoordinates");
  const auto y = read_vector_start(group.get(), "yCoordinates");
  if (x && y && x->length == static_cast<hsize_t>(size.cols) && y->length == static_cast<hsize_t>(size.rows)) {
    const double dx = x->second - x->first, dy = y->second - y->first;
    georef.transform = GeoTransform{x->first - dx / 2, dx, 0, y->first - dy / 2, 0, dy};
  }
  if (const auto epsg = read_epsg(group.get())) {
    OGRSpatialReference srs;
    if (srs.importFromEPSG(*epsg) == OGRERR_NONE) {
      char* wkt = nullptr;
      srs.exportToWkt(&wkt);
      georef.crs_wkt = wkt ? wkt : "";
      CPLFree(wkt);
    }
  }
  return georef;
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
  // A larger chunk cache: a block reads whole rows of chunks.
  const Handle access(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  H5Pset_chunk_cache(access.get(), 1009, std::size_t{64} << 20, 1.0);
  Handle dataset(H5Dopen2(file.get(), path.dataset.c_str(), access.get()), H5Dclose);
  if (!dataset.valid()) throw Error(path.file + ":" + path.dataset + ": cannot open the dataset (corrupt?)");
  const Handle space(H5Dget_space(dataset.get()), H5Sclose);
  const int dims = H5Sget_simple_extent_ndims(space.get());
  if (dims != 2) throw missing("is " + std::to_string(dims) + "-D; geostrip reads 2-D datasets");
  return {std::move(file), std::move(dataset)};
}

InputInfo describe_in_process(const InputSpec& spec, const Hdf5Path& path);

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
    describe_in_process({"probe", input, 1}, *split_hdf5_path(input));
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
void probe_in_child(const InputSpec& spec) {
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

std::optional<Hdf5Path> split_hdf5_path(const std::string& path) {
  for (std::size_t colon = path.find(':'); colon != std::string::npos; colon = path.find(':', colon + 1)) {
    const std::string file = path.substr(0, colon);
    if (colon + 1 < path.size() && path[colon + 1] == '/' && ends_with_extension(file))
      return Hdf5Path{file, path.substr(colon + 1)};
  }
  return std::nullopt;
}

InputInfo describe_hdf5(const InputSpec& spec, const Hdf5Path& path) {
  if (spec.band != 1)
    throw Error(spec.path + ": an HDF5 dataset has one band, band " + std::to_string(spec.band) + " was asked for");
  probe_in_child(spec);
  return describe_in_process(spec, path);
}

namespace {

InputInfo describe_in_process(const InputSpec& spec, const Hdf5Path& path) {
  const Hdf5Lock lock;
  const auto [file, dataset] = open_dataset(path);
  const Handle space(H5Dget_space(dataset.get()), H5Sclose);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  InputInfo info;
  info.spec = spec;
  info.size = {static_cast<std::int64_t>(dims[0]), static_cast<std::int64_t>(dims[1])};
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

Hdf5RowReader::Hdf5RowReader(const InputInfo& info, const Hdf5Path& path) : path_(info.spec.path) {
  const Hdf5Lock lock;
  auto [file, dataset] = open_dataset(path);
  file_ = file.release();
  dataset_ = dataset.release();
}

Hdf5RowReader::~Hdf5RowReader() {
  const Hdf5Lock lock;
  if (dataset_ >= 0) H5Dclose(dataset_);
  if (file_ >= 0) H5Fclose(file_);
}

void Hdf5RowReader::read(BlockBuffer& into) {
  const Hdf5Lock lock;
  const RowBlock rows = into.rows();
  const Handle file_space(H5Dget_space(dataset_), H5Sclose);
  const hsize_t start[2] = {static_cast<hsize_t>(rows.begin), static_cast<hsize_t>(into.first_col())};
  const hsize_t count[2] = {static_cast<hsize_t>(rows.rows()), static_cast<hsize_t>(into.cols())};
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  const Handle memory_space(H5Screate_simple(2, count, nullptr), H5Sclose);
  const Handle type = memory_type(into.type());
  if (H5Dread(dataset_, type.get(), memory_space.get(), file_space.get(), H5P_DEFAULT, into.band_data(0)) < 0)
    throw Error(path_ + ": reading rows " + std::to_string(rows.begin) + "-" + std::to_string(rows.end - 1) +
                " failed (truncated or corrupt HDF5)");
}

}  // namespace geostrip
