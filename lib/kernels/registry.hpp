#pragma once
// Every operation geostrip runs: its name, options and how to build its kernel.
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/kernel.hpp"
#include "kernels/kernel_args.hpp"

namespace geostrip {

struct OptionInfo {
  std::string name;  // without dashes
  std::string help;
  bool per_input = false;  // given as NAME=VALUE, repeatable
  bool flag = false;       // takes no value
};

struct Operation {
  std::string name;
  std::string inputs;  // their names, as -i NAME=PATH takes them
  std::string output;  // type and bands
  std::string halo;    // rows and columns read beyond a block, from the default window
  std::string summary;
  std::vector<OptionInfo> options;
  std::unique_ptr<Kernel> (*make)(const KernelArgs&);
};

std::span<const Operation> operations();
const Operation& find_operation(std::string_view name);  // throws UsageError listing them

}  // namespace geostrip
