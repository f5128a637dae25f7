#!/usr/bin/python3
"""What GDAL itself says of a geostrip output with overviews and statistics.

usage: cog_reference.py FILE [average|nearest]

Prints one JSON object:
  validator: GDAL's validate_cloud_optimized_geotiff (full check) errors and warnings
  cog_sizes: the overview sizes gdal_translate -of COG gives the full resolution
  tile_bytes: the compressed bytes of the full resolution's tiles (TIFF metadata)
  compression: the full resolution's codec, as GDAL names it (DEFLATE)
  levels:    per overview level, its size, its codec, its tiles' compressed bytes, an
             md5 of its pixels, whether it divides the full size
             exactly, and for such a level the largest difference from GDAL's
             own resampling of the full resolution to that size (gdal_translate
             -outsize -r METHOD), relative to the band's largest magnitude
             (GDAL averages Float32 2x2 windows in single precision where its
             chunk has no nodata), and the pixels whose nodata-ness differs
  bands:     per band, its description, colour interpretation, stored
             statistics, and the statistics GDAL computes from the pixels
             (the full resolution copied into memory, as gdalinfo -stats; the
             valid percentage counted with numpy)
"""
import hashlib
import json
import sys

import numpy as np
from osgeo import gdal
from osgeo_utils.samples import validate_cloud_optimized_geotiff as validator

gdal.UseExceptions()
path = sys.argv[1]
method = sys.argv[2] if len(sys.argv) > 2 else "average"

errors, warnings = [], []
try:
    warnings, errors, _ = validator.validate(path, full_check=True)
except validator.ValidateCloudOptimizedGeoTIFFException as e:
    errors = [str(e)]

full = gdal.OpenEx(path, open_options=["OVERVIEW_LEVEL=NONE"])
with_overviews = gdal.Open(path)
width, height = full.RasterXSize, full.RasterYSize

# GDAL's COG driver's overview sizes for the full resolution.
block = with_overviews.GetRasterBand(1).GetBlockSize()[0]
cog = gdal.Translate("/vsimem/cog_reference.tif", full, format="COG",
                     creationOptions=["COMPRESS=NONE", "BLOCKSIZE=%d" % block, "OVERVIEW_RESAMPLING=NEAREST"])
first = cog.GetRasterBand(1)
cog_sizes = [[first.GetOverview(i).XSize, first.GetOverview(i).YSize] for i in range(first.GetOverviewCount())]
first = cog = None
gdal.Unlink("/vsimem/cog_reference.tif")

def masked(band, values):
    nodata = band.GetNoDataValue()
    invalid = np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool)
    if nodata is not None and not np.isnan(nodata):
        invalid |= values == nodata
    return invalid


def tile_bytes(band):
    across, down = [(n + b - 1) // b for n, b in zip((band.XSize, band.YSize), band.GetBlockSize())]
    return sum(int(band.GetMetadataItem("BLOCK_SIZE_%d_%d" % (x, y), "TIFF") or 0)
               for y in range(down) for x in range(across))


levels = []
first = with_overviews.GetRasterBand(1)
for i in range(first.GetOverviewCount()):
    w, h = first.GetOverview(i).XSize, first.GetOverview(i).YSize
    pixels = hashlib.md5()
    for b in range(1, full.RasterCount + 1):
        pixels.update(with_overviews.GetRasterBand(b).GetOverview(i).ReadAsArray().tobytes())
    codec = first.GetOverview(i).GetDataset().GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE")
    level = {"size": [w, h], "compression": codec, "tile_bytes": tile_bytes(first.GetOverview(i)),
             "pixels_md5": pixels.hexdigest(),
             "nodata": [str(with_overviews.GetRasterBand(b).GetOverview(i).GetNoDataValue())
                        for b in range(1, full.RasterCount + 1)],
             "divides": width % w == 0 and height % h == 0 and width // w == height // h}
    if level["divides"]:
        reference = gdal.Translate("", full, format="MEM", width=w, height=h, resampleAlg=method)
        worst, mismatched = 0.0, 0
        for b in range(1, full.RasterCount + 1):
            band = with_overviews.GetRasterBand(b)
            ours = band.GetOverview(i).ReadAsArray().astype(np.float64)
            theirs = reference.GetRasterBand(b).ReadAsArray().astype(np.float64)
            ours_invalid, theirs_invalid = masked(band, ours), masked(band, theirs)
            mismatched += int((ours_invalid != theirs_invalid).sum())
            both = ~ours_invalid & ~theirs_invalid
            values = full.GetRasterBand(b).ReadAsArray().astype(np.float64)
            scale = float(np.nanmax(np.abs(np.where(masked(band, values), 0, values)))) or 1.0
            if both.any():
                worst = max(worst, float(np.abs(ours[both] - theirs[both]).max()) / scale)
        level["max_difference"] = worst
        level["nodata_mismatch"] = mismatched
    levels.append(level)

bands = []
for b in range(1, full.RasterCount + 1):
    band = full.GetRasterBand(b)
    memory = gdal.GetDriverByName("MEM").Create("", width, height, 1, band.DataType)
    copy = memory.GetRasterBand(1)
    copy.WriteArray(band.ReadAsArray())
    if band.GetNoDataValue() is not None:
        copy.SetNoDataValue(band.GetNoDataValue())
    try:
        computed = copy.ComputeStatistics(False)
    except RuntimeError:
        computed = None
    # GDAL keeps its valid percentage to 4 digits: counted here instead.
    pixels = band.ReadAsArray()
    valid_percent = 100.0 * float((~masked(band, pixels)).sum()) / pixels.size
    described = with_overviews.GetRasterBand(b)
    stored = {key[len("STATISTICS_"):].lower(): float(value)
              for key, value in described.GetMetadata().items() if key.startswith("STATISTICS_")}
    bands.append({"description": described.GetDescription(), "nodata": str(described.GetNoDataValue()),
                  "color": gdal.GetColorInterpretationName(described.GetColorInterpretation()),
                  "stored": stored,
                  "gdal": None if computed is None else
                  {"minimum": computed[0], "maximum": computed[1], "mean": computed[2], "stddev": computed[3],
                   "valid_percent": valid_percent}})

print(json.dumps({"validator": {"errors": errors, "warnings": warnings}, "cog_sizes": cog_sizes,
                  "tile_bytes": tile_bytes(full.GetRasterBand(1)),
                  "compression": full.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "levels": levels,
                  "bands": bands}))
