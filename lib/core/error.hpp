#pragma once
// One exception type for every failure geostrip reports: the message already
// names the file or option it concerns; the CLI adds rank and host.
#include <stdexcept>
#include <string>

namespace geostrip {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Wrong command-line usage: exit code 2 instead of 1.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace geostrip
