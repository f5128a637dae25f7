#pragma once
// Pixel types geostrip computes with, independent of any I/O library.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace geostrip {

// CFloat32 is complex64: SAR data (GDAL CInt16/CFloat32, HDF5 {r, i} compounds).
// Int8 is GDAL's Int8, or a Byte band with PIXELTYPE=SIGNEDBYTE before GDAL 3.7.
enum class PixelType { Byte, Int8, UInt16, Int16, UInt32, Int32, Float32, Float64, CFloat32 };

// How an output's bands are meant to be shown.
enum class ColorModel { Gray, RGBA };

std::size_t size_of(PixelType type);
std::string_view name_of(PixelType type);
PixelType parse_pixel_type(std::string_view name);  // throws UsageError
bool is_integer(PixelType type);
bool is_complex(PixelType type);
// Float32 when it holds every value of each of `types` exactly (Byte, Int8,
// UInt16, Int16, Float32), else Float64: what a kernel may read real inputs as
// without changing a result, at half the memory when it can.
PixelType exact_real_type(const std::vector<PixelType>& types);
// The smallest integer type that holds every value of each of the integer
// `types` (UInt16 and Int16: Int32), Float64 when none does: the type of a
// value picked from any of them.
PixelType common_integer_type(const std::vector<PixelType>& types);

template <class T>
constexpr PixelType pixel_type_of();
template <> constexpr PixelType pixel_type_of<std::uint8_t>() { return PixelType::Byte; }
template <> constexpr PixelType pixel_type_of<std::int8_t>() { return PixelType::Int8; }
template <> constexpr PixelType pixel_type_of<std::uint16_t>() { return PixelType::UInt16; }
template <> constexpr PixelType pixel_type_of<std::int16_t>() { return PixelType::Int16; }
template <> constexpr PixelType pixel_type_of<std::uint32_t>() { return PixelType::UInt32; }
template <> constexpr PixelType pixel_type_of<std::int32_t>() { return PixelType::Int32; }
template <> constexpr PixelType pixel_type_of<float>() { return PixelType::Float32; }
template <> constexpr PixelType pixel_type_of<double>() { return PixelType::Float64; }
template <> constexpr PixelType pixel_type_of<std::complex<float>>() { return PixelType::CFloat32; }

// GDAL's conversion of a double to a pixel of T: integers rounded half away
// from zero and clamped to the type's range.
template <typename T>
T to_pixel(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    const double lowest = std::numeric_limits<T>::lowest(), highest = std::numeric_limits<T>::max();
    return static_cast<T>(std::clamp(std::round(v), lowest, highest));
  }
}

// What a pixel of T holds where there is no data: `nodata`, else NaN for
// floats (0 for integers, which then have no nodata to mark it).
template <typename T>
T nodata_pixel(std::optional<double> nodata) {
  if (nodata) return to_pixel<T>(*nodata);
  if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::quiet_NaN();
  return T{0};
}

// Whether a pixel of T holds data: it is not `nodata` (when there is one)
// and not NaN. Without branches, so that loops over pixels vectorize.
template <class T>
struct Validity {
  bool has_nodata = false;
  T nodata{};
  bool operator()(T v) const {
    bool valid = !(has_nodata & (v == nodata));
    if constexpr (std::is_floating_point_v<T>) valid = valid & !std::isnan(v);
    return valid;
  }
};

// Calls f(T{}) with the C++ type of a real pixel type.
template <class F>
decltype(auto) visit_real(PixelType type, F&& f) {
  switch (type) {
    case PixelType::Byte: return f(std::uint8_t{});
    case PixelType::Int8: return f(std::int8_t{});
    case PixelType::UInt16: return f(std::uint16_t{});
    case PixelType::Int16: return f(std::int16_t{});
    case PixelType::UInt32: return f(std::uint32_t{});
    case PixelType::Int32: return f(std::int32_t{});
    case PixelType::Float32: return f(float{});
    case PixelType::Float64:
    case PixelType::CFloat32: break;
  }
  return f(double{});
}

}  // namespace geostrip
