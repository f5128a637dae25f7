#include "io/tiff.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/error.hpp"

namespace geostrip {

struct Tiff::State {
  std::string error;
  std::vector<std::byte> bytes;  // the in-memory file
  std::uint64_t position = 0;
};

namespace {

int keep_error(TIFF*, void* user, const char* module, const char* format, va_list args) {
  char message[512];
  std::vsnprintf(message, sizeof message, format, args);
  static_cast<Tiff::State*>(user)->error = module && *module ? std::string(module) + ": " + message : message;
  return 1;  // handled: libtiff prints nothing
}

int ignore_warning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

// TIFFOpenOptions that send this handle's messages to `state`.
struct Options {
  explicit Options(Tiff::State* state) : options(TIFFOpenOptionsAlloc()) {
    TIFFOpenOptionsSetErrorHandlerExtR(options, keep_error, state);
    TIFFOpenOptionsSetWarningHandlerExtR(options, ignore_warning, nullptr);
  }
  ~Options() { TIFFOpenOptionsFree(options); }
  Options(const Options&) = delete;
  Options& operator=(const Options&) = delete;
  TIFFOpenOptions* options;
};

Tiff::State& memory(thandle_t handle) { return *static_cast<Tiff::State*>(handle); }

tmsize_t memory_read(thandle_t handle, void* data, tmsize_t size) {
  auto& m = memory(handle);
  const auto n = std::min<std::uint64_t>(static_cast<std::uint64_t>(size), m.bytes.size() - std::min<std::uint64_t>(m.position, m.bytes.size()));
  if (n) std::memcpy(data, m.bytes.data() + m.position, n);
  m.position += n;
  return static_cast<tmsize_t>(n);
}

tmsize_t memory_write(thandle_t handle, void* data, tmsize_t size) {
  auto& m = memory(handle);
  const auto n = static_cast<std::uint64_t>(size);
  if (m.position + n > m.bytes.size()) m.bytes.resize(m.position + n);
  if (n) std::memcpy(m.bytes.data() + m.position, data, n);
  m.position += n;
  return size;
}

toff_t memory_seek(thandle_t handle, toff_t offset, int whence) {
  auto& m = memory(handle);
  if (whence == SEEK_CUR) offset += m.position;
  if (whence == SEEK_END) offset += m.bytes.size();
  m.position = offset;
  return offset;
}

int memory_close(thandle_t) { return 0; }
toff_t memory_size(thandle_t handle) { return memory(handle).bytes.size(); }
int no_map(thandle_t, void**, toff_t*) { return 0; }
void no_unmap(thandle_t, void*, toff_t) {}

}  // namespace

int sample_format(PixelType type) {
  if (is_complex(type)) return SAMPLEFORMAT_COMPLEXIEEEFP;
  if (type == PixelType::Float32 || type == PixelType::Float64) return SAMPLEFORMAT_IEEEFP;
  if (type == PixelType::Int8 || type == PixelType::Int16 || type == PixelType::Int32) return SAMPLEFORMAT_INT;
  return SAMPLEFORMAT_UINT;
}

Tiff::Tiff(TIFF* tiff, std::unique_ptr<State> state) : tiff_(tiff), state_(std::move(state)) {}

Tiff::Tiff(Tiff&& other) noexcept
    : tiff_(std::exchange(other.tiff_, nullptr)), state_(std::move(other.state_)) {}

Tiff& Tiff::operator=(Tiff&& other) noexcept {
  if (this != &other) {
    if (tiff_) TIFFClose(tiff_);
    tiff_ = std::exchange(other.tiff_, nullptr);
    state_ = std::move(other.state_);
  }
  return *this;
}

Tiff::~Tiff() {
  if (tiff_) TIFFClose(tiff_);
}

Tiff Tiff::create_in_memory() {
  auto state = std::make_unique<State>();
  const Options options(state.get());
  TIFF* tiff = TIFFClientOpenExt("memory", "w", state.get(), memory_read, memory_write, memory_seek, memory_close,
                                 memory_size, no_map, no_unmap, options.options);
  if (!tiff) throw Error("cannot start an in-memory TIFF: " + state->error);
  return Tiff(tiff, std::move(state));
}

std::optional<Tiff> Tiff::open_read(const std::string& path) {
  auto state = std::make_unique<State>();
  const Options options(state.get());
  // Not mapped: read through the handle, so that tiles read do not stay in
  // the process's resident memory for the whole run.
  TIFF* tiff = TIFFOpenExt(path.c_str(), "rm", options.options);
  if (!tiff) return std::nullopt;
  return Tiff(tiff, std::move(state));
}

const std::vector<std::byte>& Tiff::bytes() const { return state_->bytes; }

std::string Tiff::error_or(const std::string& fallback) const {
  return state_->error.empty() ? fallback : state_->error;
}

}  // namespace geostrip
