#pragma once
// Builds kernel inputs from plain vectors: one row of pixels per input.
#include <map>
#include <string>
#include <vector>

#include "core/block_buffer.hpp"
#include "kernels/registry.hpp"

namespace geostrip::test {

inline BlockBuffer row_of(const std::vector<double>& values) {
  BlockBuffer buffer(PixelType::Float64, 1, {0, 1}, static_cast<std::int64_t>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) buffer.band<double>(0).data[i] = values[i];
  return buffer;
}

inline KernelArgs kernel_args(std::string operation, std::vector<std::string> inputs,
                              std::map<std::string, std::vector<std::string>> values = {}) {
  KernelArgs args;
  args.operation = std::move(operation);
  args.input_types.assign(inputs.size(), PixelType::Float64);
  args.input_names = std::move(inputs);
  args.values = std::move(values);
  return args;
}

// The registered operation's kernel, as the engine makes it.
inline std::unique_ptr<Kernel> kernel_of(std::string operation, std::vector<std::string> inputs,
                                         std::map<std::string, std::vector<std::string>> values = {}) {
  return make_kernel(kernel_args(std::move(operation), std::move(inputs), std::move(values)));
}

}  // namespace geostrip::test
