#include "kernels/expr.hpp"

#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

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

}  // namespace

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

ExprKernel::ExprKernel(std::string expression, std::vector<std::string> inputs, PixelType type)
    : expression_(std::move(expression)) {
  spec_.inputs = std::move(inputs);
  spec_.input_type = PixelType::Float64;
  spec_.output_type = type;
  spec_.output_nodata = default_nodata(type);
}

std::unique_ptr<Kernel> ExprKernel::make(const KernelArgs& args) {
  const std::string expression = args.text("expr", "");
  if (expression.empty()) throw UsageError("expr needs --expr, e.g. --expr \"(nir-red)/(nir+red)\"");
  if (args.input_names.empty()) throw UsageError("expr needs at least one input (-i NAME=PATH)");
  const PixelType type = parse_pixel_type(args.text("type", "Float32"));
  if (is_complex(type)) throw UsageError("--type " + std::string(name_of(type)) + ": expr writes real pixels");
  std::vector<double> values(args.input_names.size(), 1.0);
  try {
    make_parser(expression, args.input_names, values).Eval();
  } catch (const mu::Parser::exception_type& e) {
    throw UsageError("--expr \"" + expression + "\": " + e.GetMsg());
  }
  return std::make_unique<ExprKernel>(expression, args.input_names, type);
}

void ExprKernel::compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const {
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

}  // namespace geostrip
