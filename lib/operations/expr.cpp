// expr: muparser expressions over the input names, e.g. "(nir-red)/(nir+red)",
// one band each (separated by ';'), rounded and clamped to --type; nodata
// where an input the expression uses is nodata, or where it gives NaN.
#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/text.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

// A parser with every input bound to one slot of `values`, and the constant
// `nan`. muparser is not thread-safe: each compute() call builds its own.
mu::Parser make_parser(const std::string& expression, const std::vector<std::string>& names,
                       std::vector<double>& values) {
  mu::Parser parser;
  for (std::size_t i = 0; i < names.size(); ++i) parser.DefineVar(names[i], &values[i]);
  parser.DefineConst("nan", std::numeric_limits<double>::quiet_NaN());
  parser.SetExpr(expression);
  return parser;
}

// `--expr` split at ';': one expression a band. An empty one (";;", a ';' at
// an end) is a malformed list, never dropped.
std::vector<std::string> split_expressions(const std::string& text) {
  std::vector<std::string> expressions;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(';', start);
    const std::string expression(
        trimmed(std::string_view(text).substr(start, end == std::string::npos ? std::string::npos : end - start)));
    if (expression.empty())
      throw UsageError("--expr \"" + text + "\": an empty expression; separate one band's expression from the next "
                       "with ';'");
    expressions.push_back(expression);
    if (end == std::string::npos) return expressions;
    start = end + 1;
  }
}

template <class T>
void store(const std::vector<double>& results, const std::vector<unsigned char>& valid, double nodata, BlockBuffer& out,
           int band) {
  T* o = out.band<T>(band).data;
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
  explicit ExprKernel(const KernelArgs& args) : expressions_(split_expressions(args.text("expr"))) {
    spec_.inputs = args.inputs();
    spec_.input_type = PixelType::Float64;
    spec_.output_type = args.pixel_type("type");
    spec_.output_bands = static_cast<int>(expressions_.size());
    spec_.output_nodata = default_nodata(spec_.output_type);
    spec_.band_names = expressions_;
    std::vector<double> values(spec_.inputs.size(), 1.0);
    for (const std::string& expression : expressions_) {
      std::vector<std::size_t>& used = used_.emplace_back();
      try {
        mu::Parser parser = make_parser(expression, spec_.inputs, values);
        parser.Eval();
        if (parser.GetNumResults() != 1)
          throw UsageError("--expr \"" + expression + "\" gives " + std::to_string(parser.GetNumResults()) +
                           " values: one band's expression gives one; separate bands' expressions with ';'");
        for (std::size_t i = 0; i < spec_.inputs.size(); ++i)
          if (parser.GetUsedVar().count(spec_.inputs[i])) used.push_back(i);
      } catch (const mu::Parser::exception_type& e) {
        throw UsageError("--expr \"" + expression + "\": " + e.GetMsg());
      }
    }
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const override {
    std::vector<double> values(in.size());
    std::vector<mu::Parser> parsers;
    for (const std::string& expression : expressions_) parsers.push_back(make_parser(expression, spec_.inputs, values));
    const auto n = static_cast<std::size_t>(out.rows().rows() * out.cols());
    std::vector<std::vector<double>> results(expressions_.size(), std::vector<double>(n));
    std::vector<std::vector<unsigned char>> valid(expressions_.size(), std::vector<unsigned char>(n));
    std::vector<const double*> pixels;
    for (const KernelInput& input : in) pixels.push_back(input.pixels.band<double>(0).data);
    std::vector<unsigned char> input_valid(in.size());
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < in.size(); ++k) {
        values[k] = pixels[k][i];
        input_valid[k] = !in[k].is_nodata(values[k]);
      }
      // Nodata comes only from the inputs an expression uses.
      for (std::size_t e = 0; e < expressions_.size(); ++e) {
        bool ok = true;
        for (const std::size_t k : used_[e]) ok = ok && input_valid[k];
        valid[e][i] = ok;
        results[e][i] = ok ? parsers[e].Eval() : 0.0;
      }
    }
    for (std::size_t e = 0; e < expressions_.size(); ++e)
      visit_real(spec_.output_type, [&](auto zero) {
        store<decltype(zero)>(results[e], valid[e], *spec_.output_nodata, out, static_cast<int>(e));
      });
  }

 private:
  std::vector<std::string> expressions_;     // one a band
  std::vector<std::vector<std::size_t>> used_;  // by expression: the inputs it uses
  KernelSpec spec_;
};

const OperationRegistration expr{{
    .name = "expr",
    .summary = "muparser expressions over the input names, one band each (';' between), rounded and clamped to "
               "--type; nodata where an input used is, or where the result is NaN",
    .output = "--type",
    .options = {{.name = "expr", .kind = OptionKind::Text,
                 .help = "expressions over the input names, one band each, separated by ';', e.g. "
                         "\"(nir-red)/(nir+red); nir > 0 ? nir : nan\" (nan is nodata)",
                 .required = true},
                {.name = "type", .kind = OptionKind::PixelType, .default_value = "Float32",
                 .help = "output type: Byte, Int8, UInt16, Int16, UInt32, Int32, Float32 or Float64"}},
    .make = &construct<ExprKernel>,
    .example = {{"expr", "(nir-red)/(nir+red)"}},
    .example_inputs = {"nir", "red"},
}};

}  // namespace

}  // namespace geostrip
