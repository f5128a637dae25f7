#pragma once
// An operation, declared once: its inputs, its options with their defaults and
// meanings, its output, and the window and stride that follow from its
// options. The registry, `geostrip ops`, `run OP --help`, argument parsing and
// the input checks all come from this declaration (see docs/adding-an-operation.md).
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "geometry/row_block.hpp"
#include "kernels/kernel.hpp"

namespace geostrip {

struct KernelArgs;

// What an operation's inputs hold.
enum class Pixels { Real, Complex, RealOrComplex };

// How an option's value reads; the value is checked before any kernel is made.
enum class OptionKind {
  Number,          // a finite number: --clamp 3000
  NumberPerInput,  // NAME=NUMBER for an input NAME, repeatable: --scale a=0.0001
  Text,            // --expr "(a-b)/(a+b)"
  PixelType,       // a real GDAL type name: --type Int16
  OddWindow,       // ROWSxCOLS, both odd (or N for NxN): --window 5x5
  Cells,           // AZxRG, both positive: --looks 4x2
  Flag,            // no value: --power
};

struct OptionDecl {
  std::string name;  // without dashes
  OptionKind kind = OptionKind::Number;
  std::string default_value;  // as typed on the command line; empty: none
  std::string help;           // its meaning for this operation
  bool required = false;

  // What its value is called in help: "NUMBER", "RxC", ...; "" for a flag.
  std::string value_name() const;
};

// The --window option of the operations whose window the user chooses.
inline OptionDecl odd_window_option(std::string default_value) {
  return {.name = "window", .kind = OptionKind::OddWindow, .default_value = std::move(default_value),
          .help = "window ROWSxCOLS, both odd"};
}

struct Operation {
  std::string name;
  std::string summary;
  std::vector<std::string> inputs;  // their names; empty: any names, at least one
  Pixels pixels = Pixels::Real;
  std::string output;  // its type and bands, in words
  std::vector<OptionDecl> options;
  // The window of one output pixel: the OddWindow option that sets it, or a
  // fixed one. The engine reads the halo it implies around every block.
  std::string window_option;
  Window window;
  // The Cells option whose AZxRG input pixels make one output pixel, if any.
  std::string stride_option;
  std::unique_ptr<Kernel> (*make)(const KernelArgs&) = nullptr;
  // A typical run, for `run OP --help` and the test every operation gets:
  // option values (every required one; "" for a flag) and, for an operation
  // that takes any input names, the names.
  std::vector<std::pair<std::string, std::string>> example;
  std::vector<std::string> example_inputs;

  const OptionDecl* option(std::string_view name) const;  // null when it has none of that name
  std::string inputs_text() const;                         // "a, b", or "any names"
  std::string halo_text() const;                           // in words, from the window and stride
  std::vector<std::string> example_input_names() const;    // the declared inputs, or example_inputs
  std::string example_text() const;                        // "geostrip run OP -i ... -o OP.tif --option V"
};

// An Operation's `make` for a kernel constructed from the arguments.
template <class K>
std::unique_ptr<Kernel> construct(const KernelArgs& args) {
  return std::make_unique<K>(args);
}

// Adds an operation to the registry; an operation's file holds one, at namespace scope.
struct OperationRegistration {
  explicit OperationRegistration(Operation operation);
};

}  // namespace geostrip
