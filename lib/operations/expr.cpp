// expr: a muparser expression over the input names, e.g. "(nir-red)/(nir+red)",
// rounded and clamped to --type; nodata where any input is nodata.
#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

// A parser with every input bound to one slot of `values`. muparser is not
// thread-safe: each compute() call builds its own.
mu::Parser make_parser(const std::string& expression, const std::vector<std::string>& names,
                       std::vector<double>& values) {
  mu::Parser parser;
  for (std::size_t i = 0; i < names.size(); ++i) parser.DefineVar(names[i], &values[i]);
  parser.SetExpr(expression);
  return parser;
}

template <class T>
void store(const std::vector<double>& results, const std::vector<bool>& valid, double nodata, BlockBuffer& out) {
  T* o = out.band<T>(0).data;
  for (std::size_t i = 0; i < results.size(); ++i) {
    double v = results[i];
    if (!valid[i] || std::isnan(v)) {
      o[i] = static_cast<T>(nodata);
      continue;
    }
    if constexpr (std::is_integral_v<T>) {
      v = std::clamp(std::round(v), static_cast<double>(std::numeric_limits<T>::lowest()),
                     static_cast<double>(std::numeric_limits<T>::max()));
      // A valid pixel never reads as nodata: step off it, into the range.
      if (v == nodata) v += v == static_cast<double>(std::numeric_limits<T>::max()) ? -1 : 1;
    }
    o[i] = static_cast<T>(v);
  }
}

// The nodata value of an output of `type`: NaN for floats, else gdal_calc.py's default.
double default_nodata(PixelType type) {
  switch (type) {
    case PixelType::Byte: return 255;
    case PixelType::Int8: return -128;
    case PixelType::UInt16: return 65535;
    case PixelType::Int16: return -32768;
    case PixelType::UInt32: return 4294967293.0;
    case PixelType::Int32: return -2147483647;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

class ExprKernel final : public Kernel {
 public:
  explicit ExprKernel(const KernelArgs& args) : expression_(args.text("expr")) {
    spec_.inputs = args.inputs();
    spec_.input_type = PixelType::Float64;
    spec_.output_type = args.pixel_type("type");
    spec_.output_nodata = default_nodata(spec_.output_type);
    spec_.band_names = {expression_};
    std::vector<double> values(spec_.inputs.size(), 1.0);
    try {
      make_parser(expression_, spec_.inputs, values).Eval();
    } catch (const mu::Parser::exception_type& e) {
      throw UsageError("--expr \"" + expression_ + "\": " + e.GetMsg());
    }
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const override {
    std::vector<double> values(in.size());
    mu::Parser parser = make_parser(expression_, spec_.inputs, values);
    const auto n = static_cast<std::size_t>(out.rows().rows() * out.cols());
    std::vector<double> results(n);
    std::vector<bool> valid(n);
    for (std::size_t i = 0; i < n; ++i) {
      bool ok = true;
      for (std::size_t k = 0; k < in.size(); ++k) {
        values[k] = in[k].pixels.band<double>(0).data[i];
        ok = ok && !in[k].is_nodata(values[k]);
      }
      valid[i] = ok;
      results[i] = ok ? parser.Eval() : 0.0;
    }
    visit_real(spec_.output_type, [&](auto zero) {
      store<decltype(zero)>(results, valid, *spec_.output_nodata, out);
    });
  }

 private:
  std::string expression_;
  KernelSpec spec_;
};

const OperationRegistration expr{{
    .name = "expr",
    .summary = "muparser expression over the input names, rounded and clamped to --type; nodata where any input is",
    .output = "--type",
    .options = {{.name = "expr", .kind = OptionKind::Text,
                 .help = "the expression over the input names, e.g. \"(nir-red)/(nir+red)\"", .required = true},
                {.name = "type", .kind = OptionKind::PixelType, .default_value = "Float32",
                 .help = "output type: Byte, Int8, UInt16, Int16, UInt32, Int32, Float32 or Float64"}},
    .make = &construct<ExprKernel>,
    .example = {{"expr", "(nir-red)/(nir+red)"}},
    .example_inputs = {"nir", "red"},
}};

}  // namespace

}  // namespace geostrip
