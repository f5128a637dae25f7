#pragma once
// One operation over one set of inputs, written to one output.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/geotiff_writer.hpp"
#include "io/input_spec.hpp"
#include "kernels/kernel_args.hpp"

namespace geostrip {

struct EngineOptions {
  std::optional<int> threads;             // default: the cores this process may use
  std::optional<std::int64_t> block_rows; // default: auto_block_rows()
  std::optional<std::uint64_t> memory;    // default: half the machine's memory
  WriteOptions write;
};

struct RunRequest {
  KernelArgs args;  // operation name, input names, op options
  std::vector<InputSpec> inputs;
  std::map<std::string, double> nodata;  // --nodata NAME=V overrides
  std::string output;
  EngineOptions engine;
};

struct RunSummary {
  RasterSize size;
  int threads = 0;
  std::int64_t block_rows = 0;
  std::size_t blocks = 0;
  Halo halo;
  double seconds = 0;
};

RunSummary run(const RunRequest& request);

// Resolves the engine's defaults for this machine.
int resolve_threads(const EngineOptions& options);
std::uint64_t resolve_memory(const EngineOptions& options);

}  // namespace geostrip
