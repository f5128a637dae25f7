#include "io/quicklook.hpp"

#include <cpl_vsi.h>
#include <gdal_utils.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "io/gdal.hpp"
#include "io/safe_files.hpp"

namespace geostrip {

void write_quicklook(const std::string& source, const std::string& png, int max_edge) {
  const GdalDataset in = open_raster(source);
  const int longer = std::max(in->GetRasterXSize(), in->GetRasterYSize());
  const double factor = std::min(1.0, static_cast<double>(max_edge) / longer);
  const auto width = std::to_string(std::max(1, static_cast<int>(in->GetRasterXSize() * factor)));
  const auto height = std::to_string(std::max(1, static_cast<int>(in->GetRasterYSize() * factor)));
  std::vector<std::string> words{"-of", "PNG", "-outsize", width, height, "-r", "average"};
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  const std::unique_ptr<GDALTranslateOptions, decltype(&GDALTranslateOptionsFree)> options(
      GDALTranslateOptionsNew(argv.data(), nullptr), GDALTranslateOptionsFree);
  // A picture, not a dataset: no .aux.xml sidecar with the georeference.
  // Made in memory, then written as a file of geostrip's own (replace_file_content()).
  const std::string memory = "/vsimem/geostrip-quicklook.png";
  CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO");
  GDALDatasetH out = GDALTranslate(memory.c_str(), GDALDataset::ToHandle(in.get()), options.get(), nullptr);
  CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", nullptr);
  if (!out) throw Error(png + ": cannot write the quicklook: " + gdal_error_or("GDAL failed"));
  GDALClose(out);
  vsi_l_offset length = 0;
  GByte* bytes = VSIGetMemFileBuffer(memory.c_str(), &length, TRUE);
  const std::unique_ptr<GByte, decltype(&VSIFree)> owned(bytes, VSIFree);
  if (!bytes) throw Error(png + ": cannot write the quicklook: GDAL made no PNG");
  replace_file_content(png, {reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length)}, "quicklook");
}

}  // namespace geostrip
