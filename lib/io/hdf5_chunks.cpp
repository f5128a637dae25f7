#include "io/hdf5_chunks.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "core/error.hpp"
#include "io/hdf5.hpp"
#include "io/hdf5_types.hpp"

namespace geostrip {

namespace {

// HDF5's shuffle filter stores byte j of every element together.
void unshuffle(const std::byte* shuffled, std::byte* out, std::size_t bytes, std::size_t element_bytes) {
  const std::size_t elements = bytes / element_bytes;
  if (element_bytes <= 1 || elements <= 1) {
    std::memcpy(out, shuffled, bytes);
    return;
  }
  for (std::size_t byte = 0; byte < element_bytes; ++byte) {
    const std::byte* plane = shuffled + byte * elements;
    for (std::size_t i = 0; i < elements; ++i) out[i * element_bytes + byte] = plane[i];
  }
}

// Whether `type` is IEEE binary16, little-endian: float16, as NISAR RSLCs store it.
bool is_half(hid_t type) {
  std::size_t sign = 0, exponent_at = 0, exponent_bits = 0, mantissa_at = 0, mantissa_bits = 0;
  return H5Tget_class(type) == H5T_FLOAT && H5Tget_size(type) == 2 && H5Tget_order(type) == H5T_ORDER_LE &&
         H5Tget_precision(type) == 16 && H5Tget_offset(type) == 0 && H5Tget_ebias(type) == 15 &&
         H5Tget_norm(type) == H5T_NORM_IMPLIED &&
         H5Tget_fields(type, &sign, &exponent_at, &exponent_bits, &mantissa_at, &mantissa_bits) >= 0 && sign == 15 &&
         exponent_at == 10 && exponent_bits == 5 && mantissa_at == 0 && mantissa_bits == 10;
}

// Whether `stored` holds float16 where `pixel` has float32: a float16, or an
// {r, i} compound of them (pixel_type() has checked its layout).
bool widens_half(hid_t stored, PixelType pixel) {
  if (pixel == PixelType::Float32) return is_half(stored);
  if (pixel != PixelType::CFloat32 || H5Tget_class(stored) != H5T_COMPOUND || H5Tget_nmembers(stored) != 2) return false;
  for (unsigned m = 0; m < 2; ++m) {
    const Handle member(H5Tget_member_type(stored, m), H5Tclose);
    if (!member.valid() || !is_half(member.get())) return false;
  }
  return true;
}

// float16 to float32 as HDF5 1.10 converts it: exactly, but every NaN
// becomes the sign and all exponent and mantissa bits set (not a quiet NaN
// carrying the payload).
void widen_halves(const std::byte* halves, std::byte* floats, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    std::uint16_t half;
    std::memcpy(&half, halves + 2 * i, 2);
    const std::uint32_t sign = std::uint32_t{half & 0x8000U} << 16;
    const std::uint32_t exponent = half >> 10 & 0x1FU, mantissa = half & 0x3FFU;
    std::uint32_t bits;
    if (exponent == 0x1F)
      bits = sign | (mantissa != 0 ? 0x7FFFFFFFU : 0x7F800000U);
    else if (exponent == 0)  // zero or subnormal: mantissa * 2^-24, exact in float32
      bits = sign | std::bit_cast<std::uint32_t>(static_cast<float>(mantissa) * 0x1p-24F);
    else
      bits = sign | (exponent + 112) << 23 | mantissa << 13;
    std::memcpy(floats + 4 * i, &bits, 4);
  }
}

// The filters of a pipeline geostrip undoes itself: shuffle, then deflate,
// either or both; nullopt for any other.
std::optional<std::vector<ChunkFilter>> own_filters(hid_t create, std::size_t element_bytes) {
  std::vector<ChunkFilter> filters;
  const int count = H5Pget_nfilters(create);
  for (int i = 0; i < count; ++i) {
    unsigned flags = 0;
    std::size_t values = 1;
    unsigned value[1] = {0};
    const H5Z_filter_t filter = H5Pget_filter2(create, static_cast<unsigned>(i), &flags, &values, value, 0, nullptr, nullptr);
    const bool first = filters.empty();
    if (filter == H5Z_FILTER_SHUFFLE && first && (values == 0 || value[0] == element_bytes))
      filters.push_back(ChunkFilter::Shuffle);
    else if (filter == H5Z_FILTER_DEFLATE && (first || filters.back() == ChunkFilter::Shuffle))
      filters.push_back(ChunkFilter::Deflate);
    else
      return std::nullopt;
  }
  return filters;
}

}  // namespace

std::unique_ptr<Hdf5Chunks> Hdf5Chunks::open(hid_t dataset, PixelType pixel, Halo overlap, std::string path) {
  const Handle create(H5Dget_create_plist(dataset), H5Pclose);
  hsize_t chunk[2] = {0, 0};
  if (!create.valid() || H5Pget_layout(create.get()) != H5D_CHUNKED || H5Pget_chunk(create.get(), 2, chunk) != 2 ||
      chunk[0] == 0 || chunk[1] == 0)
    return nullptr;
  const Handle stored(H5Dget_type(dataset), H5Tclose);
  const Handle wanted = memory_type(pixel);
  if (!stored.valid() || !wanted.valid()) return nullptr;
  const bool widen = widens_half(stored.get(), pixel);
  if (!widen && H5Tequal(stored.get(), wanted.get()) <= 0) return nullptr;
  const std::size_t stored_bytes = H5Tget_size(stored.get());
  // HDF5 refuses chunks of 4 GiB or more: a larger one is a damaged header,
  // for HDF5's own checks.
  if (chunk[0] * chunk[1] * size_of(pixel) >= (hsize_t{1} << 32)) return nullptr;
  auto filters = own_filters(create.get(), stored_bytes);
  if (!filters) return nullptr;
  return std::unique_ptr<Hdf5Chunks>(new Hdf5Chunks(
      {.filters = std::move(*filters), .chunk_rows = static_cast<std::int64_t>(chunk[0]),
       .chunk_cols = static_cast<std::int64_t>(chunk[1]), .pixel = pixel, .stored_bytes = stored_bytes, .widen = widen},
      overlap, std::move(path)));
}

Hdf5Chunks::Hdf5Chunks(Layout layout, Halo overlap, std::string path)
    : layout_(std::move(layout)), assembly_(layout_.chunk_rows, layout_.chunk_cols, layout_.pixel, overlap),
      path_(std::move(path)), inflater_(libdeflate_alloc_decompressor()) {
  if (!inflater_) throw Error(path_ + ": out of memory for a DEFLATE decompressor");
}

Hdf5Chunks::~Hdf5Chunks() { libdeflate_free_decompressor(inflater_); }

std::int64_t Hdf5Chunks::decode(hid_t dataset, std::int64_t chunk_row, std::int64_t chunk_col, std::int64_t rows,
                                std::vector<std::byte>& pixels) {
  const hsize_t offset[2] = {static_cast<hsize_t>(chunk_row * layout_.chunk_rows),
                             static_cast<hsize_t>(chunk_col * layout_.chunk_cols)};
  const auto elements = static_cast<std::size_t>(layout_.chunk_rows * layout_.chunk_cols);
  const std::size_t chunk_bytes = elements * layout_.stored_bytes;  // as stored, unfiltered
  const auto what = [&] {
    return path_ + ": the chunk at row " + std::to_string(offset[0]) + ", column " + std::to_string(offset[1]);
  };
  hsize_t stored = 0;
  std::uint32_t skipped = 0;  // bit i: filter i was not applied to this chunk
  {
    const Hdf5Lock lock;
    unsigned mask = 0;
    haddr_t address = HADDR_UNDEF;
    hdf5_check(H5Dget_chunk_info_by_coord(dataset, offset, &mask, &address, &stored), "reading " + what());
    if (address == HADDR_UNDEF) return 0;
    // DEFLATE grows incompressible bytes by far less than an eighth.
    if (stored > chunk_bytes + chunk_bytes / 8 + 1024)
      throw Error(what() + " is stored in " + std::to_string(stored) + " bytes, more than its " +
                  std::to_string(chunk_bytes) + " could take (corrupt HDF5)");
    stored_.resize(std::max<std::size_t>(stored_.size(), std::max<std::size_t>(stored, chunk_bytes)));
    hdf5_check(H5Dread_chunk(dataset, H5P_DEFAULT, offset, &skipped, stored_.data()), "reading " + what());
  }
  std::vector<ChunkFilter> undo;  // the filters applied to this chunk, last first
  for (std::size_t i = layout_.filters.size(); i-- > 0;)
    if (!(skipped >> i & 1U)) undo.push_back(layout_.filters[i]);
  // Its first rows only, when asked for fewer, no shuffle spans the chunk
  // and that is the cheaper.
  const bool shuffled = std::find(undo.begin(), undo.end(), ChunkFilter::Shuffle) != undo.end();
  const bool deflated = std::find(undo.begin(), undo.end(), ChunkFilter::Deflate) != undo.end();
  if (rows >= layout_.chunk_rows || shuffled || (deflated && !inflating_first_rows_pays(rows, layout_.chunk_rows)))
    rows = layout_.chunk_rows;
  const std::size_t wanted = static_cast<std::size_t>(rows * layout_.chunk_cols) * layout_.stored_bytes;
  scratch_.resize(std::max(scratch_.size(), chunk_bytes));
  // Each step from the last one's bytes into the other buffer; the last
  // straight into the pixels unless float16 is widened after.
  const std::byte* from = stored_.data();
  std::size_t length = stored;
  for (std::size_t step = 0; step < undo.size(); ++step) {
    std::byte* to = step + 1 == undo.size() && !layout_.widen ? pixels.data()
                    : from == scratch_.data()                  ? stored_.data()
                                                               : scratch_.data();
    std::size_t made = 0;
    if (undo[step] == ChunkFilter::Deflate &&
        (wanted < chunk_bytes
             ? !partial_.inflate_first(from, length, to, wanted)
             : libdeflate_zlib_decompress(inflater_, from, length, to, chunk_bytes, &made) != LIBDEFLATE_SUCCESS ||
                   made != chunk_bytes))
      throw Error(what() + " does not inflate to its " + std::to_string(chunk_bytes) + " bytes (corrupt HDF5)");
    if (undo[step] == ChunkFilter::Shuffle) {
      if (length != chunk_bytes) break;
      unshuffle(from, to, chunk_bytes, layout_.stored_bytes);
    }
    from = to;
    length = chunk_bytes;
  }
  if (length != chunk_bytes)
    throw Error(what() + " holds " + std::to_string(length) + " bytes where it has " + std::to_string(chunk_bytes) +
                " (corrupt HDF5)");
  if (layout_.widen)
    widen_halves(from, pixels.data(), wanted / 2);
  else if (from != pixels.data())
    std::memcpy(pixels.data(), from, wanted);
  return rows;
}

bool Hdf5Chunks::read(hid_t dataset, BlockBuffer& into) {
  if (into.type() != layout_.pixel) return false;
  return assembly_.read(into, [&](std::int64_t chunk_row, std::int64_t chunk_col, std::int64_t rows,
                                  std::vector<std::byte>& pixels) {
    return decode(dataset, chunk_row, chunk_col, rows, pixels);
  });
}

}  // namespace geostrip
