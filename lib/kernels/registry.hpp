#pragma once
// Every operation geostrip runs, as its file declares it (kernels/operation.hpp).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/kernel.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

// The registered operations, by name.
const std::vector<const Operation*>& operations();
const Operation& find_operation(std::string_view name);  // throws UsageError listing them
std::string operation_names();                          // "amplitude, coherence, ..."

// check_args(), then the operation's kernel. Throws UsageError.
std::unique_ptr<Kernel> make_kernel(const KernelArgs& args);

}  // namespace geostrip
