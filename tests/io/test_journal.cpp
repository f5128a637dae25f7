#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "io/journal.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::file_text;

TEST_CASE("a journal tells the rows written, to the same job only", "[io]") {
  test::TempDir dir;
  const std::string path = Journal::path_for(dir / "out.tif");
  CHECK(path == dir / "out.tif.journal");
  CHECK_FALSE(Journal::rows_written(path, "job A"));
  {
    Journal journal(path, "job A", 0);
    CHECK(Journal::rows_written(path, "job A") == 0);
    journal.record(512);
    journal.record(1024);
  }
  CHECK(Journal::rows_written(path, "job A") == 1024);
  CHECK_FALSE(Journal::rows_written(path, "job B"));
  Journal resumed(path, "job A", 1024);  // a resumed run starts a fresh journal at its rows
  CHECK(Journal::rows_written(path, "job A") == 1024);
  resumed.remove();
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a journal cut at any byte gives the rows of its last whole record, never more", "[io]") {
  test::TempDir dir;
  const std::string path = dir / "out.tif.journal";
  {
    Journal journal(path, R"({"operation":"mean"})", 0);
    for (int rows = 256; rows <= 2048; rows += 256) journal.record(rows);
  }
  const std::string text = file_text(path);
  std::int64_t last = -1;
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    std::ofstream(path, std::ios::trunc) << text.substr(0, cut);
    const auto rows = Journal::rows_written(path, R"({"operation":"mean"})");
    INFO("cut at byte " << cut);
    const std::string kept = text.substr(0, cut);
    const auto header_end = text.find('\n');
    if (cut < header_end) {
      CHECK_FALSE(rows);  // no intact header, no resume
      continue;
    }
    REQUIRE(rows);
    CHECK(*rows >= last);  // more bytes never mean fewer rows
    CHECK(*rows % 256 == 0);
    CHECK(*rows <= 256 * std::max<std::int64_t>(0, std::count(kept.begin(), kept.end(), '\n') - 1));
    last = *rows;
  }
  CHECK(last == 2048);
  // A flipped byte inside a record stops the reading there.
  std::string corrupt = text;
  corrupt[text.find("rows 1024") + 6] = '9';
  std::ofstream(path, std::ios::trunc) << corrupt;
  CHECK(Journal::rows_written(path, R"({"operation":"mean"})") == 768);
}
