#include "core/pixel_type.hpp"

#include <algorithm>

#include <array>
#include <string>

#include "core/error.hpp"

namespace geostrip {

namespace {
struct TypeInfo {
  PixelType type;
  std::string_view name;
  std::size_t size;
  bool integer;
  bool complex;
};
constexpr std::array<TypeInfo, 9> kTypes{{
    {PixelType::Byte, "Byte", 1, true, false},
    {PixelType::Int8, "Int8", 1, true, false},
    {PixelType::UInt16, "UInt16", 2, true, false},
    {PixelType::Int16, "Int16", 2, true, false},
    {PixelType::UInt32, "UInt32", 4, true, false},
    {PixelType::Int32, "Int32", 4, true, false},
    {PixelType::Float32, "Float32", 4, false, false},
    {PixelType::Float64, "Float64", 8, false, false},
    {PixelType::CFloat32, "CFloat32", 8, false, true},
}};
const TypeInfo& info(PixelType type) { return kTypes[static_cast<std::size_t>(type)]; }
}  // namespace

std::size_t size_of(PixelType type) { return info(type).size; }
std::string_view name_of(PixelType type) { return info(type).name; }
bool is_integer(PixelType type) { return info(type).integer; }
bool is_complex(PixelType type) { return info(type).complex; }

PixelType exact_real_type(const std::vector<PixelType>& types) {
  const bool fits = std::all_of(types.begin(), types.end(), [](PixelType t) {
    return t == PixelType::Byte || t == PixelType::Int8 || t == PixelType::UInt16 || t == PixelType::Int16 || t == PixelType::Float32;
  });
  return fits ? PixelType::Float32 : PixelType::Float64;
}

PixelType common_integer_type(const std::vector<PixelType>& types) {
  double lowest = 0, highest = 0;
  for (const PixelType t : types) {
    visit_real(t, [&](auto zero) {
      using T = decltype(zero);
      lowest = std::min(lowest, static_cast<double>(std::numeric_limits<T>::lowest()));
      highest = std::max(highest, static_cast<double>(std::numeric_limits<T>::max()));
    });
  }
  for (const PixelType t : {PixelType::Byte, PixelType::Int8, PixelType::UInt16, PixelType::Int16, PixelType::UInt32,
                            PixelType::Int32}) {
    const bool holds = visit_real(t, [&](auto zero) {
      using T = decltype(zero);
      return static_cast<double>(std::numeric_limits<T>::lowest()) <= lowest &&
             highest <= static_cast<double>(std::numeric_limits<T>::max());
    });
    if (holds) return t;
  }
  return PixelType::Float64;
}

PixelType parse_pixel_type(std::string_view name) {
  for (const auto& t : kTypes)
    if (t.name == name) return t.type;
  throw UsageError("unknown pixel type '" + std::string(name) +
                   "' (Byte, Int8, UInt16, Int16, UInt32, Int32, Float32, Float64, CFloat32)");
}

}  // namespace geostrip
