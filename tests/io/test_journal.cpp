#include <catch2/catch.hpp>
#include <fcntl.h>
#include <fmt/core.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "io/journal.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::file_text;

namespace {

constexpr const char* kJob = R"({"operation":"mean"})";

// A journal line whose own checksum is right, whatever it says: what a
// forger, or a bug, could write.
std::string signed_line(const std::string& payload) {
  const auto crc = crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return fmt::format("{} {:08x}\n", payload, crc);
}

std::string header() { return signed_line(std::string("geostrip-journal 2 ") + kJob) + signed_line("header 4096 0badf00d"); }

// Reads as the journal of a 3000-row output in 256-row tile rows.
JournalReading read(const std::string& text) { return Journal::read(text, kJob, 3000, 256); }

}  // namespace

TEST_CASE("a journal tells the rows written and their tiles' checksums, to the same job only", "[io]") {
  test::TempDir dir;
  const std::string path = Journal::path_for(dir / "out.tif");
  CHECK(path == dir / "out.tif.journal");
  {
    Journal journal = Journal::create(path, kJob, 4096, 0x0badf00d);
    journal.record({512, 0x11111111});
    journal.record({1024, 0x22222222});
  }
  const JournalReading reading = read(file_text(path));
  REQUIRE(reading.contents);
  CHECK(reading.contents->header_bytes == 4096);
  CHECK(reading.contents->header_crc == 0x0badf00d);
  CHECK(reading.contents->records == std::vector<JournalRecord>{{512, 0x11111111}, {1024, 0x22222222}});
  CHECK(reading.contents->intact_bytes == file_text(path).size());

  const JournalReading other = Journal::read(file_text(path), R"({"operation":"median"})", 3000, 256);
  CHECK_FALSE(other.contents);
  CHECK_THAT(other.rejected, Catch::Contains("another job"));
  CHECK_THROWS_WITH(Journal::create(path, kJob, 1, 1), Catch::Contains(path) && Catch::Contains("cannot create"));
}

TEST_CASE("a journal cut at any byte gives the records of its whole lines, never more", "[io]") {
  test::TempDir dir;
  const std::string path = dir / "out.tif.journal";
  {
    Journal journal = Journal::create(path, kJob, 100, 7);
    for (int rows = 256; rows <= 2816; rows += 256) journal.record({rows, static_cast<std::uint32_t>(rows)});
    journal.record({3000, 3000});
  }
  const std::string text = file_text(path);
  const auto second_newline = text.find('\n', text.find('\n') + 1);
  std::size_t last = 0;
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    INFO("cut at byte " << cut);
    const JournalReading reading = read(text.substr(0, cut));
    CHECK(reading.rejected.empty());  // a torn last line is a crash, not damage
    if (cut <= second_newline) {
      CHECK_FALSE(reading.contents);  // no whole header, nothing to resume
      continue;
    }
    REQUIRE(reading.contents);
    const std::string kept = text.substr(0, cut);
    const std::size_t records = reading.contents->records.size();
    CHECK(records == static_cast<std::size_t>(std::count(kept.begin(), kept.end(), '\n')) - 2);
    CHECK(records >= last);
    CHECK(reading.contents->intact_bytes == kept.rfind('\n') + 1);
    last = records;
  }
  CHECK(last == 12);
}

TEST_CASE("a damaged or forged journal is not trusted at all, and says which line", "[io]") {
  const std::string base = header() + signed_line("rows 256 00000001") + signed_line("rows 512 00000002");
  REQUIRE(read(base).contents);

  std::string flipped = base;
  flipped[flipped.find("rows 512") + 6] = '9';
  const auto check_rejected = [](const std::string& text, const std::string& says) {
    const JournalReading reading = read(text);
    INFO(text);
    CHECK_FALSE(reading.contents);
    CHECK_THAT(reading.rejected, Catch::Contains(says));
  };
  check_rejected(flipped, "line 4 is damaged");
  // Lines whose own checksums are right, but which cannot be true of the output.
  check_rejected(base + signed_line("rows -2944 00000003"), "line 5 is not a record of rows");
  check_rejected(base + signed_line("rows abc 00000003"), "line 5 is not a record of rows");
  check_rejected(base + signed_line("rows 3256 00000003"), "line 5 says rows 0-3255");
  check_rejected(base + signed_line("rows 256 00000003"), "cannot follow rows 0-511");
  check_rejected(base + signed_line("rows 700 00000003"), "in tile rows of 256");
  check_rejected(base + signed_line("rows 99999999999999999999999 00000003"), "line 5 is not a record of rows");
  check_rejected(base + signed_line("rows 768 0000000g"), "line 5 is not a record of rows");
  check_rejected(base + signed_line("rows +768 00000003"), "line 5 is not a record of rows");
  check_rejected(base + signed_line("rows  768 00000003"), "line 5 is not a record of rows");
  check_rejected(header() + signed_line("header 1 00000000"), "line 3 is not a record of rows");
  check_rejected(signed_line(std::string("geostrip-journal 2 ") + kJob) + signed_line("rows 256 00000001"),
                 "line 2 is not the header's record");
  check_rejected(signed_line(std::string("geostrip-journal 1 ") + kJob) + signed_line("rows 256"), "another job");
  check_rejected(std::string("\n\n\n"), "line 1 is damaged");
  // The last row ends the output even off a tile row.
  CHECK(read(base + signed_line("rows 3000 00000003")).contents);
}

TEST_CASE("a resumed journal drops its torn last line and goes on after its last whole one", "[io]") {
  test::TempDir dir;
  const std::string path = dir / "out.tif.journal";
  const std::string whole = header() + signed_line("rows 256 00000001");
  std::ofstream(path) << whole << "rows 51";  // torn by a crash
  const JournalReading reading = read(file_text(path));
  REQUIRE(reading.contents);
  {
    Journal journal = Journal::resume(path, UniqueFd(::open(path.c_str(), O_RDWR)), reading.contents->intact_bytes);
    journal.record({512, 2});
  }
  const std::string text = file_text(path);
  CHECK(text.substr(0, whole.size()) == whole);
  const JournalReading resumed = read(text);
  REQUIRE(resumed.contents);
  CHECK(resumed.contents->records == std::vector<JournalRecord>{{256, 1}, {512, 2}});
}
