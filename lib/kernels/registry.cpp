#include "kernels/registry.hpp"

#include "core/error.hpp"
#include "kernels/ndi.hpp"
#include "kernels/rgb.hpp"

namespace geostrip {

std::span<const Operation> operations() {
  static const std::vector<Operation> all{
      {"ndi",
       "normalized difference (a-b)/(a+b) as Float32; nodata where an input is nodata or a+b == 0",
       {{"scale", "map input NAME to v*S+offset before the difference", true},
        {"offset", "map input NAME to v*scale+O before the difference", true}},
       &NdiKernel::make},
      {"rgb",
       "8-bit RGB + alpha: round(255*(min(max(v,0),C)/C)^(1/gamma)); alpha 0 where any input is nodata",
       {{"clamp", "reflectance C that maps to 255 (default 10000)", false},
        {"gamma", "display gamma G (default 2.2)", false}},
       &RgbKernel::make},
  };
  return all;
}

const Operation& find_operation(std::string_view name) {
  std::string names;
  for (const Operation& op : operations()) {
    if (op.name == name) return op;
    names += (names.empty() ? "" : ", ") + op.name;
  }
  throw UsageError("unknown operation '" + std::string(name) + "' (operations: " + names + ")");
}

}  // namespace geostrip
