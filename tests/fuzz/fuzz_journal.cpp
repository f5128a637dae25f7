// libFuzzer harness over what a resuming run reads: a journal and the
// partial output it describes. Once, a real partial output of a small job is
// written half-way and kept, as an interrupted run leaves it. Each input then
// becomes, by its first byte, either the journal's text (with the real
// partial) or patches to the partial's bytes (with the real journal), and a
// writer of the same job opens them to resume, as `geostrip run` does.
// Resuming, or starting over with a reason, are the right answers; a crash,
// a sanitizer report, a leak or a hang is a finding. Journal::read() also
// gets the text alone, against other shapes of output.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/geotiff_writer.hpp"
#include "io/journal.hpp"
#include "support/place_pixels.hpp"

namespace {

using namespace geostrip;

constexpr RasterSize kSize{200, 90};
constexpr int kTile = 16;

struct Baseline {
  std::string dir, output;
  OutputSpec spec;
  WriteOptions options;
  std::string partial, journal;  // the files' bytes, as the interrupted run left them
};

std::string file_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

void put_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

BlockBuffer gradient(RowBlock rows) {
  BlockBuffer block(PixelType::Float32, 1, rows, kSize.cols);
  for (std::int64_t r = rows.begin; r < rows.end; ++r)
    for (std::int64_t c = 0; c < kSize.cols; ++c)
      block.band<float>(0).row(r - rows.begin)[c] = static_cast<float>(r * 3 + c % 7);
  return block;
}

Baseline make_baseline() {
  Baseline b;
  b.dir = "/tmp/geostrip-fuzz-journal-" + std::to_string(getpid());
  std::filesystem::create_directories(b.dir);
  b.output = b.dir + "/out.tif";
  b.spec = {b.output, kSize, {}, PixelType::Float32, 1, ColorModel::Gray, {}, R"({"job":"fuzz"})"};
  b.options.tile = kTile;
  {
    GeoTiffWriter writer(b.spec, b.options, OutputLock(b.output));
    for (std::int64_t row = 0; row < 112; row += kTile) test::place_pixels(writer, gradient({row, row + kTile}));
    writer.suspend();
  }
  b.partial = file_bytes(partial_path(b.output));
  b.journal = file_bytes(Journal::path_for(b.output));
  if (const char* seeds = std::getenv("GEOSTRIP_FUZZ_SEED_DIR")) {
    put_file(std::string(seeds) + "/journal", '\0' + b.journal);
    put_file(std::string(seeds) + "/patched", std::string("\1\0\0\1\0\x5a", 6));
  }
  return b;
}

const Baseline& baseline() {
  static const Baseline b = make_baseline();
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  baseline();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Baseline& b = baseline();
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (const std::int64_t rows : {std::int64_t{200}, std::int64_t{1}, std::int64_t{1} << 40})
    for (const std::int64_t tile : {std::int64_t{16}, std::int64_t{1}}) Journal::read(rest, b.spec.fingerprint, rows, tile);

  std::string partial = b.partial, journal = b.journal;
  if (data[0] % 2 == 0) {
    journal = rest;
  } else {
    // Patches of 4 bytes each: a 3-byte offset into the partial, and the byte to put there.
    for (std::size_t p = 0; p + 4 <= rest.size(); p += 4) {
      const std::size_t offset = (static_cast<std::uint8_t>(rest[p]) << 16 | static_cast<std::uint8_t>(rest[p + 1]) << 8 |
                                  static_cast<std::uint8_t>(rest[p + 2])) %
                                 partial.size();
      partial[offset] = rest[p + 3];
    }
  }
  put_file(partial_path(b.output), partial);
  put_file(Journal::path_for(b.output), journal);
  try {
    GeoTiffWriter writer(b.spec, b.options, OutputLock(b.output));
    // Resumed or started over, the rest of the rows must go where they belong.
    for (std::int64_t row = writer.resumed_rows(); row < kSize.rows; row += kTile)
      test::place_pixels(writer, gradient({row, std::min(kSize.rows, row + kTile)}));
  } catch (const Error&) {
  }
  return 0;
}
