// expr: muparser expressions over the input names, e.g. "(nir-red)/(nir+red)",
// one band each (separated by ';'), rounded and clamped to --type; nodata
// where an input the expression uses is nodata, or where it gives NaN.
#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

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

// muparser's bytecode run on kLanes pixels at once: the same double
// operations in the same order as its own evaluation (ParserBase::
// ParseCmdCodeBulk), so the same bits, without its dispatch for every pixel.
// For arithmetic, comparisons, && and ||, ^ and functions of up to three
// arguments (unary minus is one); an expression with any other token (?:,
// functions of more arguments or of strings) is evaluated pixel by pixel.
// (This file is compiled with -std=c++20, not gnu++20: no contraction of
// a * b + c into an FMA, as in muparser's own build.)
class LaneProgram {
 public:
  static constexpr std::size_t kLanes = 64;

  // `slots`: the variables the parser was given, in input order.
  static std::optional<LaneProgram> compile(const mu::Parser& parser, const std::vector<double>& slots) {
    LaneProgram program;
    int depth = 0;
    for (const mu::SToken* token = parser.GetByteCode().GetBase(); token->Cmd != mu::cmEND; ++token) {
      Step step{.token = *token};
      switch (token->Cmd) {
        case mu::cmVAR:
        case mu::cmVARPOW2:
        case mu::cmVARPOW3:
        case mu::cmVARPOW4:
        case mu::cmVARMUL:
          if (token->Val.ptr < slots.data() || token->Val.ptr >= slots.data() + slots.size()) return std::nullopt;
          step.slot = static_cast<std::size_t>(token->Val.ptr - slots.data());
          ++depth;
          break;
        case mu::cmVAL: ++depth; break;
        case mu::cmLE: case mu::cmGE: case mu::cmNEQ: case mu::cmEQ: case mu::cmLT: case mu::cmGT:
        case mu::cmADD: case mu::cmSUB: case mu::cmMUL: case mu::cmDIV: case mu::cmPOW: case mu::cmLAND: case mu::cmLOR:
          --depth;
          break;
        case mu::cmFUNC:
          if (token->Fun.argc < 0 || token->Fun.argc > 3) return std::nullopt;
          depth += 1 - token->Fun.argc;
          break;
        default: return std::nullopt;
      }
      if (depth < 1) return std::nullopt;
      program.depth_ = std::max(program.depth_, static_cast<std::size_t>(depth));
      program.steps_.push_back(step);
    }
    if (depth != 1) return std::nullopt;
    program.stack_.resize((program.depth_ + 3) * kLanes);  // levels 0 to depth_, and two a function's arguments may name
    return program;
  }

  // inputs[k]: kLanes values of input k; the results go to `result`.
  void run(const std::vector<const double*>& inputs, double* result) {
    std::size_t top = 0;
    const auto lanes = [&](std::size_t level) { return stack_.data() + level * kLanes; };
    for (const Step& step : steps_) {
      const mu::SToken& token = step.token;
      const double* in = step.slot < inputs.size() ? inputs[step.slot] : nullptr;
      if (token.Cmd == mu::cmVAR || token.Cmd == mu::cmVAL || token.Cmd == mu::cmVARPOW2 ||
          token.Cmd == mu::cmVARPOW3 || token.Cmd == mu::cmVARPOW4 || token.Cmd == mu::cmVARMUL ||
          (token.Cmd == mu::cmFUNC && token.Fun.argc == 0))
        ++top;
      double* s = lanes(top);
      if (token.Cmd == mu::cmFUNC) {
        top -= token.Fun.argc > 1 ? static_cast<std::size_t>(token.Fun.argc - 1) : 0;
        s = lanes(top);
        const double* t = lanes(top + 1);
        const double* u = lanes(top + 2);
        for (std::size_t i = 0; i < kLanes; ++i)
          switch (token.Fun.argc) {
            case 0: s[i] = token.Fun.cb.call_fun<0>(); break;
            case 1: s[i] = token.Fun.cb.call_fun<1>(s[i]); break;
            case 2: s[i] = token.Fun.cb.call_fun<2>(s[i], t[i]); break;
            default: s[i] = token.Fun.cb.call_fun<3>(s[i], t[i], u[i]); break;
          }
        continue;
      }
      const auto binary = [&](auto op) {
        --top;
        double* a = lanes(top);
        const double* b = lanes(top + 1);
        for (std::size_t i = 0; i < kLanes; ++i) a[i] = op(a[i], b[i]);
      };
      switch (token.Cmd) {
        case mu::cmVAR: std::copy_n(in, kLanes, s); break;
        case mu::cmVAL: std::fill_n(s, kLanes, token.Val.data2); break;
        case mu::cmVARPOW2: for (std::size_t i = 0; i < kLanes; ++i) s[i] = in[i] * in[i]; break;
        case mu::cmVARPOW3: for (std::size_t i = 0; i < kLanes; ++i) s[i] = in[i] * in[i] * in[i]; break;
        case mu::cmVARPOW4: for (std::size_t i = 0; i < kLanes; ++i) s[i] = in[i] * in[i] * in[i] * in[i]; break;
        case mu::cmVARMUL:
          for (std::size_t i = 0; i < kLanes; ++i) s[i] = in[i] * token.Val.data + token.Val.data2;
          break;
        case mu::cmLE: binary([](double a, double b) -> double { return a <= b; }); break;
        case mu::cmGE: binary([](double a, double b) -> double { return a >= b; }); break;
        case mu::cmNEQ: binary([](double a, double b) -> double { return a != b; }); break;
        case mu::cmEQ: binary([](double a, double b) -> double { return a == b; }); break;
        case mu::cmLT: binary([](double a, double b) -> double { return a < b; }); break;
        case mu::cmGT: binary([](double a, double b) -> double { return a > b; }); break;
        case mu::cmADD: binary([](double a, double b) { return a + b; }); break;
        case mu::cmSUB: binary([](double a, double b) { return a - b; }); break;
        case mu::cmMUL: binary([](double a, double b) { return a * b; }); break;
        case mu::cmDIV: binary([](double a, double b) { return a / b; }); break;
        case mu::cmPOW: binary([](double a, double b) { return std::pow(a, b); }); break;
        case mu::cmLAND: binary([](double a, double b) -> double { return a && b; }); break;
        case mu::cmLOR: binary([](double a, double b) -> double { return a || b; }); break;
        default: break;
      }
    }
    std::copy_n(lanes(1), kLanes, result);
  }

 private:
  struct Step {
    mu::SToken token;
    std::size_t slot = std::numeric_limits<std::size_t>::max();  // the input a variable token reads
  };
  std::vector<Step> steps_;
  std::size_t depth_ = 0;
  std::vector<double> stack_;  // levels 1 to depth_ in use, kLanes values each
};

// `count` results into band `band` of `out`, from pixel `first` on.
template <class T>
void store(const double* results, const unsigned char* valid, std::size_t count, double nodata, BlockBuffer& out,
           int band, std::size_t first) {
  T* o = out.band<T>(band).data + first;
  for (std::size_t i = 0; i < count; ++i) {
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
    std::vector<std::optional<LaneProgram>> programs;
    for (const std::string& expression : expressions_) {
      parsers.push_back(make_parser(expression, spec_.inputs, values));
      parsers.back().Eval();  // makes the bytecode
      programs.push_back(LaneProgram::compile(parsers.back(), values));
    }
    const auto n = static_cast<std::size_t>(out.rows().rows() * out.cols());
    std::vector<const double*> pixels;
    for (const KernelInput& input : in) pixels.push_back(input.pixels.band<double>(0).data);
    // A strip of pixels at a time (whole runs of lanes), so that its flags
    // and results stay in cache.
    constexpr std::size_t kStrip = 64 * LaneProgram::kLanes;
    std::vector<double> results(kStrip);
    std::vector<unsigned char> valid(kStrip);
    std::vector<std::vector<unsigned char>> input_valid(in.size(), std::vector<unsigned char>(kStrip));
    std::vector<const double*> lanes(in.size());
    for (std::size_t first = 0; first < n; first += kStrip) {
      const std::size_t count = std::min(kStrip, n - first);
      for (std::size_t k = 0; k < in.size(); ++k) {  // is_nodata(), in a loop the compiler vectorizes
        const double nodata = in[k].nodata.value_or(std::numeric_limits<double>::quiet_NaN());
        const double* p = pixels[k] + first;
        for (std::size_t i = 0; i < count; ++i) input_valid[k][i] = !((p[i] != p[i]) | (p[i] == nodata));
      }
      for (std::size_t e = 0; e < expressions_.size(); ++e) {
        // Nodata comes only from the inputs an expression uses (its value at
        // an invalid pixel is computed too, and dropped).
        std::fill_n(valid.begin(), count, 1);
        for (const std::size_t k : used_[e])
          for (std::size_t i = 0; i < count; ++i) valid[i] &= input_valid[k][i];
        std::size_t i = 0;
        if (programs[e])  // whole runs of kLanes pixels; the rest pixel by pixel
          for (; i + LaneProgram::kLanes <= count; i += LaneProgram::kLanes) {
            for (std::size_t k = 0; k < in.size(); ++k) lanes[k] = pixels[k] + first + i;
            programs[e]->run(lanes, results.data() + i);
          }
        for (; i < count; ++i) {
          for (std::size_t k = 0; k < in.size(); ++k) values[k] = pixels[k][first + i];
          results[i] = parsers[e].Eval();
        }
        visit_real(spec_.output_type, [&](auto zero) {
          store<decltype(zero)>(results.data(), valid.data(), count, *spec_.output_nodata, out, static_cast<int>(e),
                                first);
        });
      }
    }
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
