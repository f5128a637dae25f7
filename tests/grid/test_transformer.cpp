// The lattice transform of --transform-error against GDAL's exact one.
#include <catch2/catch.hpp>
#include <gdal_alg.h>
#include <gdal_priv.h>

#include <cstring>
#include <memory>

#include "core/error.hpp"
#include "grid/transformer.hpp"
#include "io/gdal.hpp"

using namespace geostrip;

namespace {

// A 10 m raster in UTM zone 34N west of its zone, warped onto a zone 33N grid.
struct ZoneToZone {
  GdalDataset source;
  std::unique_ptr<GridTransformer> exact;
  ZoneToZone() {
    init_gdal();
    source.reset(GetGDALDriverManager()->GetDriverByName("MEM")->Create("", 2000, 2000, 1, GDT_Byte, nullptr));
    GeoTransform t{172000, 10.03, 0, 5310000, 0, -10.03};
    source->SetGeoTransform(t.data());
    OGRSpatialReference zone34;
    zone34.importFromEPSG(32634);
    source->SetSpatialRef(&zone34);
    exact = std::make_unique<GridTransformer>(*source, "zone34", crs_wkt_of("EPSG:32633", "--crs"),
                                              GeoTransform{630000, 10, 0, 5320000, 0, -10}, GridRequest{});
  }
};

std::vector<double> row_of(double first, int count) {
  std::vector<double> x(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) x[static_cast<std::size_t>(i)] = first + i;
  return x;
}

}  // namespace

TEST_CASE("the lattice transform stays within its error and does not depend on the row segment asked", "[grid]") {
  ZoneToZone zones;
  const int step = lattice_step(zones.exact->arg(), {.rows = {0, 2000}, .cols = {0, 2000}}, 0.01);
  CHECK(step >= 8);  // a UTM-to-UTM transform is smooth
  LatticeTransform lattice{.exact = zones.exact->arg(), .step = step};
  const int count = 1500;
  std::vector<double> x = row_of(100.5, count), y(count, 777.5), z(count, 0.0);
  std::vector<double> ex = x, ey = y, ez = z;
  std::vector<int> ok(count), eok(count);
  lattice_transform(&lattice, TRUE, count, x.data(), y.data(), z.data(), ok.data());
  GDALGenImgProjTransform(zones.exact->arg(), TRUE, count, ex.data(), ey.data(), ez.data(), eok.data());
  double worst = 0;
  for (int i = 0; i < count; ++i) {
    REQUIRE(ok[static_cast<std::size_t>(i)]);
    worst = std::max({worst, std::abs(x[static_cast<std::size_t>(i)] - ex[static_cast<std::size_t>(i)]),
                      std::abs(y[static_cast<std::size_t>(i)] - ey[static_cast<std::size_t>(i)])});
  }
  CHECK(worst <= 0.01);
  CHECK(worst > 0);  // interpolated, not exact
  // Any part of the row, as another block would ask for it: the same bits.
  for (const auto& [begin, length] : {std::pair{0, 37}, {333, 700}, {1499, 1}, {1001, 499}}) {
    std::vector<double> px = row_of(100.5 + begin, length), py(static_cast<std::size_t>(length), 777.5),
                        pz(static_cast<std::size_t>(length), 0.0);
    std::vector<int> pok(static_cast<std::size_t>(length));
    lattice_transform(&lattice, TRUE, length, px.data(), py.data(), pz.data(), pok.data());
    CHECK(std::memcmp(px.data(), x.data() + begin, sizeof(double) * static_cast<std::size_t>(length)) == 0);
    CHECK(std::memcmp(py.data(), y.data() + begin, sizeof(double) * static_cast<std::size_t>(length)) == 0);
  }
  CHECK(lattice_step(zones.exact->arg(), {.rows = {0, 2000}, .cols = {0, 2000}}, 0) == 1);
}

TEST_CASE("with exact picks the lattice picks every source pixel the exact transform picks", "[grid]") {
  ZoneToZone zones;
  // A lattice as coarse as makes the fewest exact transforms: interpolated
  // coordinates do stray across pixel edges, and only the exact picks keep
  // nearest's choice.
  const int step = exact_picks_step(zones.exact->arg(), {.rows = {0, 2000}, .cols = {0, 2000}});
  CHECK(step >= 128);
  LatticeTransform lattice{.exact = zones.exact->arg(), .step = step, .exact_picks = true};
  // GDAL's nearest: the source pixel a coordinate falls in, nudged by 1e-10.
  const auto pick = [](double coordinate) { return std::floor(coordinate + 1e-10); };
  const int count = 1900;
  std::size_t points = 0, interpolated = 0, different = 0;
  for (double row = 0.5; row < 2000; row += 7) {
    std::vector<double> x = row_of(50.5, count), y(count, row), z(count, 0.0);
    std::vector<double> ex = x, ey = y, ez = z;
    std::vector<int> ok(count), eok(count);
    lattice_transform(&lattice, TRUE, count, x.data(), y.data(), z.data(), ok.data());
    GDALGenImgProjTransform(zones.exact->arg(), TRUE, count, ex.data(), ey.data(), ez.data(), eok.data());
    for (std::size_t i = 0; i < x.size(); ++i) {
      REQUIRE(ok[i] == eok[i]);
      ++points;
      interpolated += x[i] != ex[i] || y[i] != ey[i];
      different += pick(x[i]) != pick(ex[i]) || pick(y[i]) != pick(ey[i]);
    }
  }
  CHECK(interpolated > points * 98 / 100);  // few points cost an exact transform
  CHECK(different == 0);
}
