// ndi: the normalized difference (a-b)/(a+b) of inputs mapped v*scale+offset.
#include <limits>

#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

class NdiKernel final : public Kernel {
 public:
  explicit NdiKernel(const KernelArgs& args) {
    const auto scale = args.numbers_per_input("scale");
    const auto offset = args.numbers_per_input("offset");
    const auto get = [](const std::map<std::string, double>& m, const std::string& name, double fallback) {
      const auto it = m.find(name);
      return it == m.end() ? fallback : it->second;
    };
    spec_.inputs = args.inputs();
    for (int i = 0; i < 2; ++i) {
      scale_[i] = get(scale, spec_.inputs[i], 1);
      offset_[i] = get(offset, spec_.inputs[i], 0);
    }
    // Read as Float32 when that holds every input exactly, else Float64.
    spec_.input_type = exact_real_type(args.input_types);
    spec_.output_type = PixelType::Float32;
    spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const override {
    if (spec_.input_type == PixelType::Float32)
      compute_as<float>(in, out);
    else
      compute_as<double>(in, out);
  }

 private:
  // The arithmetic is in double whatever the inputs are read as.
  template <class T>
  void compute_as(std::span<const KernelInput> in, BlockBuffer& out) const {
    const KernelInput& a_in = in[0];
    const KernelInput& b_in = in[1];
    const auto a = a_in.pixels.band<T>(0);
    const auto b = b_in.pixels.band<T>(0);
    const auto result = out.band<float>(0);
    const std::int64_t n = result.rows * result.cols;
    constexpr float nodata = std::numeric_limits<float>::quiet_NaN();
    for (std::int64_t i = 0; i < n; ++i) {
      const auto av = static_cast<double>(a.data[i]), bv = static_cast<double>(b.data[i]);
      if (a_in.is_nodata(av) || b_in.is_nodata(bv)) {
        result.data[i] = nodata;
        continue;
      }
      const double sa = av * scale_[0] + offset_[0];
      const double sb = bv * scale_[1] + offset_[1];
      const double sum = sa + sb;
      result.data[i] = sum == 0 ? nodata : static_cast<float>((sa - sb) / sum);
    }
  }

  double scale_[2], offset_[2];  // of a and b
  KernelSpec spec_;
};

const OperationRegistration ndi{{
    .name = "ndi",
    .summary = "normalized difference (a-b)/(a+b) as Float32; nodata where an input is nodata or a+b == 0",
    .inputs = {"a", "b"},
    .output = "Float32",
    .options = {{.name = "scale",
                 .kind = OptionKind::NumberPerInput,
                 .help = "NAME=S: map input NAME to v*S+offset before the difference (S is 1 by default)"},
                {.name = "offset",
                 .kind = OptionKind::NumberPerInput,
                 .help = "NAME=O: map input NAME to v*scale+O before the difference (O is 0 by default)"}},
    .make = &construct<NdiKernel>,
    .example = {{"scale", "a=0.0001"}, {"offset", "b=-0.1"}},
}};

}  // namespace

}  // namespace geostrip
