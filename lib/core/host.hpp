#pragma once
#include <string>

namespace geostrip {

// This machine's host name, as error messages and lock files name it.
std::string host_name();

}  // namespace geostrip
