// What every registered operation must do, whatever it computes: the same
// pixels for any threads and block rows, a valid pixel wherever its window
// holds only valid input (raster edges and corners included), and nodata where
// its centre (or, for a strided operation, its whole cell) is nodata. The list
// comes from the registry and each operation's declared example, so a new
// operation is covered without editing this file.
#include <catch2/catch.hpp>

#include "support/operation_cases.hpp"

using namespace geostrip;
using namespace geostrip::test;

namespace {

// GDAL's validity mask of band 1: alpha for RGBA, else nodata (NaN included).
std::vector<unsigned char> mask_of(const std::string& path, int& rows, int& cols) {
  Dataset ds(path);
  rows = ds->GetRasterYSize();
  cols = ds->GetRasterXSize();
  std::vector<unsigned char> mask(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  REQUIRE(ds->GetRasterBand(1)->GetMaskBand()->RasterIO(GF_Read, 0, 0, cols, rows, mask.data(), cols, rows, GDT_Byte,
                                                       0, 0) == CE_None);
  return mask;
}

}  // namespace

TEST_CASE("every operation writes the same pixels for any threads, block rows and tiles", "[operations]") {
  TempDir dir;
  for (const Case& c : operation_cases(dir)) {
    INFO(c.arguments);
    const std::string reference = dir / "reference.tif";
    const auto ref = run_geostrip("run " + c.arguments + " -o " + reference + " --threads 1 --block-rows 100000 --overwrite");
    INFO(ref.output);
    REQUIRE(ref.exit_code == 0);
    const auto expected = read_raw(reference);
    for (const char* variant : {"--threads 2 --block-rows 1", "--threads 2 --block-rows 7 --tile 32",
                                "--threads 3 --block-rows 16 --compress zstd"}) {
      INFO(variant);
      const std::string out = dir / "variant.tif";
      const auto result = run_geostrip("run " + c.arguments + " -o " + out + " --overwrite " + variant);
      INFO(result.output);
      REQUIRE(result.exit_code == 0);
      CHECK(read_raw(out) == expected);
    }
  }
}

TEST_CASE("every operation is valid to the raster's edges and nodata where its input is", "[operations]") {
  TempDir dir;
  for (const Case& c : operation_cases(dir)) {
    INFO(c.arguments);
    const std::string out = dir / (c.operation->name + (c.complex ? ".complex.tif" : ".real.tif"));
    const auto result = run_geostrip("run " + c.arguments + " -o " + out + " --threads 2");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    // Every band says what it holds.
    const Dataset written(out);
    for (int b = 1; b <= written->GetRasterCount(); ++b)
      CHECK_FALSE(std::string(written->GetRasterBand(b)->GetDescription()).empty());
    int rows = 0, cols = 0;
    const auto mask = mask_of(out, rows, cols);
    const Halo halo = c.args.window().halo();
    const Stride stride = c.args.stride();
    CHECK(rows == kRows / stride.rows);
    CHECK(cols == kCols / stride.cols);
    std::size_t edge_checked = 0, nodata_checked = 0;
    std::vector<std::string> wrong;
    for (int r = 0; r < rows; ++r)
      for (int col = 0; col < cols; ++col) {
        // The input pixels this output pixel depends on: its cell, widened by the halo.
        const int top = r * stride.rows - halo.rows, bottom = (r + 1) * stride.rows - 1 + halo.rows;
        const int left = col * stride.cols - halo.cols, right = (col + 1) * stride.cols - 1 + halo.cols;
        const bool window_valid = bottom < kPatchRow || top >= kPatchRow + kPatch || right < kPatchCol ||
                                  left >= kPatchCol + kPatch;
        bool cell_nodata = true;
        for (int y = r * stride.rows; y < (r + 1) * stride.rows; ++y)
          for (int x = col * stride.cols; x < (col + 1) * stride.cols; ++x) cell_nodata = cell_nodata && in_patch(y, x);
        const unsigned char valid = mask[static_cast<std::size_t>(r) * cols + col];
        const std::string where = "row " + std::to_string(r) + ", column " + std::to_string(col);
        if (window_valid) {
          if (valid != 255) wrong.push_back(where + " is nodata");
          edge_checked += r == 0 || col == 0 || r == rows - 1 || col == cols - 1;
        } else if (cell_nodata) {
          if (valid != 0) wrong.push_back(where + " is valid");
          ++nodata_checked;
        }
      }
    INFO((wrong.empty() ? "" : wrong.front()));
    CHECK(wrong.empty());
    CHECK(edge_checked == static_cast<std::size_t>(2 * (rows + cols) - 4));
    CHECK(nodata_checked > 0);
  }
}

TEST_CASE("every operation's kernel takes the window, stride and inputs its declaration gives", "[operations]") {
  for (const Operation* op : operations()) {
    INFO(op->name);
    KernelArgs args{.operation = op->name, .input_names = op->example_input_names()};
    const PixelType type = op->pixels == Pixels::Complex ? PixelType::CFloat32 : PixelType::Float32;
    args.input_types.assign(args.input_names.size(), type);
    args.input_nodata.assign(args.input_names.size(), std::nullopt);
    args.transform = GeoTransform{500000, 10, 0, 4000000, 0, -10};
    for (const auto& [option, value] : op->example) args.values[option] = {value};
    const auto kernel = make_kernel(args);
    CHECK(kernel->spec().window == args.window());
    CHECK(kernel->spec().stride == args.stride());
    CHECK(kernel->spec().inputs == args.inputs());
    CHECK(kernel->spec().output_bands >= 1);
    // Every option has help, and a default unless required or per input.
    for (const OptionDecl& decl : op->options) {
      CHECK_FALSE(decl.help.empty());
      if (decl.kind != OptionKind::Flag && decl.kind != OptionKind::NumberPerInput && !decl.required)
        CHECK_FALSE(decl.default_value.empty());
    }
  }
}
