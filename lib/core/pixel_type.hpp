#pragma once
// Pixel types geostrip computes with, independent of any I/O library.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace geostrip {

enum class PixelType { Byte, UInt16, Int16, UInt32, Int32, Float32, Float64 };

// How an output's bands are meant to be shown.
enum class ColorModel { Gray, RGBA };

std::size_t size_of(PixelType type);
std::string_view name_of(PixelType type);
PixelType parse_pixel_type(std::string_view name);  // throws UsageError
bool is_integer(PixelType type);

template <class T>
constexpr PixelType pixel_type_of();
template <> constexpr PixelType pixel_type_of<std::uint8_t>() { return PixelType::Byte; }
template <> constexpr PixelType pixel_type_of<std::uint16_t>() { return PixelType::UInt16; }
template <> constexpr PixelType pixel_type_of<std::int16_t>() { return PixelType::Int16; }
template <> constexpr PixelType pixel_type_of<std::uint32_t>() { return PixelType::UInt32; }
template <> constexpr PixelType pixel_type_of<std::int32_t>() { return PixelType::Int32; }
template <> constexpr PixelType pixel_type_of<float>() { return PixelType::Float32; }
template <> constexpr PixelType pixel_type_of<double>() { return PixelType::Float64; }

}  // namespace geostrip
