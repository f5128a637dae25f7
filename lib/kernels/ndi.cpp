#include "kernels/ndi.hpp"

#include <limits>

namespace geostrip {

NdiKernel::NdiKernel(NdiParams params, PixelType input_type) : params_(params) {
  spec_.inputs = {"a", "b"};
  spec_.input_type = input_type;
  spec_.output_type = PixelType::Float32;
  spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
}

std::unique_ptr<Kernel> NdiKernel::make(const KernelArgs& args) {
  args.require_inputs({"a", "b"});
  const auto scale = args.numbers_per_input("scale");
  const auto offset = args.numbers_per_input("offset");
  const auto get = [](const std::map<std::string, double>& m, const char* name, double fallback) {
    const auto it = m.find(name);
    return it == m.end() ? fallback : it->second;
  };
  return std::make_unique<NdiKernel>(NdiParams{get(scale, "a", 1), get(offset, "a", 0), get(scale, "b", 1),
                                               get(offset, "b", 0)},
                                     exact_real_type(args.input_types));
}

void NdiKernel::compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const {
  if (spec_.input_type == PixelType::Float32)
    compute_as<float>(in, out);
  else
    compute_as<double>(in, out);
}

// The arithmetic is in double whatever the inputs are read as.
template <class T>
void NdiKernel::compute_as(std::span<const KernelInput> in, BlockBuffer& out) const {
  const KernelInput& a_in = in[0];
  const KernelInput& b_in = in[1];
  const auto a = a_in.pixels.band<T>(0);
  const auto b = b_in.pixels.band<T>(0);
  const auto result = out.band<float>(0);
  const std::int64_t n = result.rows * result.cols;
  constexpr float nodata = std::numeric_limits<float>::quiet_NaN();
  for (std::int64_t i = 0; i < n; ++i) {
    const double av = a.data[i], bv = b.data[i];
    if (a_in.is_nodata(av) || b_in.is_nodata(bv)) {
      result.data[i] = nodata;
      continue;
    }
    const double sa = av * params_.scale_a + params_.offset_a;
    const double sb = bv * params_.scale_b + params_.offset_b;
    const double sum = sa + sb;
    result.data[i] = sum == 0 ? nodata : static_cast<float>((sa - sb) / sum);
  }
}

}  // namespace geostrip
