#pragma once
// SIGTERM, SIGINT and SIGUSR1 (Slurm's time-limit and preemption signals, and
// ^C) ask geostrip to stop at the next round: the handler only records the
// signal (async-signal-safe); the block driver and the batch look at it
// between rounds and jobs. A second signal ends the process at once.
#include <string>

namespace geostrip {

void install_interrupt_handlers();

// The signal received, or 0.
int interrupt_signal();

// "SIGTERM", "SIGINT", "SIGUSR1".
std::string signal_name(int signal);

}  // namespace geostrip
