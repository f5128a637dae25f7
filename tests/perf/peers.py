"""The tools a user would otherwise pick, as the benchmarks run them: python
programs (each its own process, timed with its reads and writes) and the
creation options that give their outputs geostrip's codec."""

FLOAT_CO = ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=3", "BIGTIFF=IF_SAFER"]
# Integer samples (Byte, UInt16) take predictor 2, floats 3, as geostrip writes them.
INTEGER_CO = ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2", "BIGTIFF=IF_SAFER"]

# scipy: a 9x9 mean of the valid pixels (the sum of values over the count of valid ones).
SCIPY_MEAN = """
import sys, numpy as np
from osgeo import gdal
from scipy import ndimage
gdal.UseExceptions()
v = gdal.Open(sys.argv[1]).ReadAsArray().astype(np.float32)
valid = (v != 0).astype(np.float32)
total = ndimage.uniform_filter(v * valid, size=9, mode='constant')
count = ndimage.uniform_filter(valid, size=9, mode='constant')
with np.errstate(divide='ignore', invalid='ignore'):
    out = total / count
out[valid == 0] = np.nan
ds = gdal.GetDriverByName('GTiff').Create(sys.argv[2], v.shape[1], v.shape[0], 1, gdal.GDT_Float32,
                                          sys.argv[3].split(',') + ['NUM_THREADS=2'])
ds.GetRasterBand(1).WriteArray(out)
ds = None
"""

# scipy: a 5x5 median filter as a user would run it, on the input's type;
# it ignores nodata and repeats the edge, which is less work than geostrip's
# median of the valid pixels inside the raster.
SCIPY_MEDIAN = """
import sys
from osgeo import gdal
from scipy import ndimage
gdal.UseExceptions()
v = gdal.Open(sys.argv[1]).ReadAsArray()
out = ndimage.median_filter(v, size=5, mode="nearest")
ds = gdal.GetDriverByName("GTiff").Create(sys.argv[2], v.shape[1], v.shape[0], 1, gdal.GDT_UInt16,
                                          sys.argv[3].split(",") + ["NUM_THREADS=2"])
ds.GetRasterBand(1).WriteArray(out)
ds = None
"""

# numpy: the median of a stack's valid values, in strips of one tile row.
NUMPY_MEDIAN = r"""
import sys, numpy as np
from osgeo import gdal
out, files = sys.argv[1], sys.argv[2:]
first = gdal.Open(files[0])
rows, cols = first.RasterYSize, first.RasterXSize
ds = gdal.GetDriverByName("GTiff").Create(out, cols, rows, 1, gdal.GDT_UInt16,
                                          ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2"])
ds.SetGeoTransform(first.GetGeoTransform()); ds.SetProjection(first.GetProjection())
band = ds.GetRasterBand(1)
band.SetNoDataValue(0)
inputs = [gdal.Open(f) for f in files]
for row in range(0, rows, 512):  # strips of one tile row: the whole stack would not fit in memory
    n = min(512, rows - row)
    stack = np.stack([i.GetRasterBand(1).ReadAsArray(0, row, cols, n) for i in inputs]).astype(np.float32)
    stack[stack == 0] = np.nan
    median = np.nanmedian(stack, axis=0)
    band.WriteArray(np.where(np.isnan(median), 0, np.rint(median)).astype(np.uint16), 0, row)
"""

# numpy: the interferogram of an SLC pair (h5py), averaged over 4x4 looks.
NUMPY_INTERFEROGRAM = r"""
import sys, numpy as np, h5py
from osgeo import gdal
out, ref, sec = sys.argv[1:4]
def read(path):
    with h5py.File(path, "r") as f:  # h5py reads {r, i} float32 compounds as complex64
        return f["/science/LSAR/GSLC/grids/frequencyA/HH"][()]
r, s = read(ref), read(sec)
valid = ~np.isnan(r) & ~np.isnan(s) & (r != 0) & (s != 0)
product = np.where(valid, r * np.conj(s), 0).astype(np.complex128)
rows, cols = r.shape[0] // 4, r.shape[1] // 4
cells = lambda a: a[:rows * 4, :cols * 4].reshape(rows, 4, cols, 4).sum(axis=(1, 3))
with np.errstate(invalid="ignore", divide="ignore"):
    mean = (cells(product) / cells(valid.astype(np.float64))).astype(np.complex64)
ds = gdal.GetDriverByName("GTiff").Create(out, cols, rows, 1, gdal.GDT_CFloat32,
                                          ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE"])
ds.GetRasterBand(1).WriteArray(mean)
"""


def gdal_calc_ndi(a, b, output):
    """gdal_calc.py computing ndi in float32, with geostrip's codec and NaN nodata."""
    return ["gdal_calc.py", "-A", a, "-B", b, f"--outfile={output}", "--type=Float32",
            "--calc=(A.astype(float32)-B)/(A.astype(float32)+B)", "--NoDataValue=nan", "--hideNoData", "--quiet",
            *sum((["--co", o] for o in FLOAT_CO), [])]


def gdal_translate_cog(source, output):
    """gdal_translate -of COG with statistics and average overviews, geostrip's codec, 2 threads."""
    return ["gdal_translate", "-q", "-of", "COG", "-stats", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=YES",
            "-co", "NUM_THREADS=2", "-co", "RESAMPLING=AVERAGE", source, output]


def gdaldem(mode, dem, output):
    """gdaldem hillshade or slope with -compute_edges, geostrip's codec (Byte or Float32 output)."""
    options = INTEGER_CO if mode == "hillshade" else FLOAT_CO
    return ["gdaldem", mode, dem, output, "-compute_edges", "-q", *sum((["-co", o] for o in options), [])]
