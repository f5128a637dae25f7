#include "report/progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include "core/error.hpp"

namespace geostrip {

namespace {

std::string clock_time(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

}  // namespace

ProgressMode parse_progress_mode(std::string_view text) {
  if (text == "auto") return ProgressMode::Auto;
  if (text == "bar") return ProgressMode::Bar;
  if (text == "log") return ProgressMode::Log;
  if (text == "none") return ProgressMode::None;
  throw UsageError("--progress " + std::string(text) + ": expected auto, bar, log or none");
}

Progress::Progress(std::string unit, std::size_t total, ProgressMode mode, std::FILE* out,
                   std::chrono::duration<double> log_interval)
    : unit_(std::move(unit)), total_(total), mode_(mode), out_(out), log_interval_(log_interval) {
  if (mode_ == ProgressMode::Auto) mode_ = isatty(fileno(out_)) ? ProgressMode::Bar : ProgressMode::Log;
}

std::string Progress::status() const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double per_minute = elapsed > 0 ? static_cast<double>(done_) / elapsed * 60 : 0;
  std::string text = fmt::format("{}/{} {} ({:.0f}%), {:.1f} {}/min", done_, total_, unit_,
                                 total_ ? 100.0 * static_cast<double>(done_) / static_cast<double>(total_) : 100.0,
                                 per_minute, unit_);
  if (done_ > 0 && done_ < total_)
    text += ", ETA " + clock_time(static_cast<double>(total_ - done_) * elapsed / static_cast<double>(done_));
  if (failed_ > 0) text += fmt::format(", {} failed", failed_);
  return text;
}

void Progress::print() {
  last_print_ = std::chrono::steady_clock::now();
  if (mode_ == ProgressMode::Bar) {
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = total_ ? done_ * kWidth / total_ : kWidth;
    fmt::print(out_, "\r[{}{}] {}\x1b[K", std::string(filled, '#'), std::string(kWidth - filled, '.'), status());
    bar_drawn_ = true;
  } else {
    fmt::print(out_, "geostrip: {}\n", status());
  }
  std::fflush(out_);
}

void Progress::update(std::size_t done, std::size_t failed) {
  done_ = done;
  failed_ = failed;
  if (mode_ == ProgressMode::Bar || (mode_ == ProgressMode::Log &&
                                     std::chrono::steady_clock::now() - last_print_ >= log_interval_))
    print();
}

void Progress::note(const std::string& line) {
  if (bar_drawn_) fmt::print(out_, "\r\x1b[K");
  fmt::print(out_, "{}\n", line);
  if (bar_drawn_) print();
  std::fflush(out_);
}

void Progress::finish() {
  if (mode_ == ProgressMode::None) return;
  print();
  if (mode_ == ProgressMode::Bar) fmt::print(out_, "\n");
}

}  // namespace geostrip
