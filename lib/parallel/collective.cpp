#include "parallel/collective.hpp"

#include "core/error.hpp"

namespace geostrip {

void collectively(const Communicator& comm, const std::string& host, const std::function<void()>& step) {
  // Each rank reports "" (fine), or a kind letter, its host and the message.
  std::string report;
  try {
    step();
  } catch (const UsageError& e) {
    report = std::string("U") + host + '\n' + e.what();
  } catch (const std::exception& e) {
    report = std::string("E") + host + '\n' + e.what();
  }
  const std::vector<std::string> reports = comm.allgather(report);
  for (std::size_t rank = 0; rank < reports.size(); ++rank) {
    const std::string& r = reports[rank];
    if (r.empty()) continue;
    const auto newline = r.find('\n');
    const std::string message = r.substr(newline + 1);
    if (r[0] == 'U') throw UsageError(message);
    throw JobError(message, static_cast<int>(rank), r.substr(1, newline - 1));
  }
}

}  // namespace geostrip
