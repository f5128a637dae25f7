#pragma once
// What this process may use of the machine.
#include <cstdint>

namespace geostrip {

// Cores in this process's affinity mask.
int available_cores();

// Physical memory of the machine, in bytes.
std::uint64_t physical_memory();

}  // namespace geostrip
