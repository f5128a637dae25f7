#!/usr/bin/python3
"""The independent reference for geostrip's grids: GDAL's own warper (as
gdalwarp -et 0) painting SOURCES, in order, onto exactly the grid of LIKE.

usage: warp_onto.py LIKE OUT METHOD TYPE [-wo NAME=VALUE]... [-order N | -tps] SOURCE...
OUT gets LIKE's size, geotransform and CRS, pixels of TYPE (a GDAL type name),
nodata NaN for floats (0 otherwise), and the sources warped with METHOD, the
warp options given (as gdalwarp -wo) and GCPs used as gdalwarp -order/-tps.
"""
import sys

from osgeo import gdal

gdal.UseExceptions()
like_path, out_path, method, type_name, *rest = sys.argv[1:]
warp_options, gcp = [], {}
while rest and rest[0] in ("-wo", "-order", "-tps"):
    if rest[0] == "-wo":
        warp_options.append(rest[1])
    elif rest[0] == "-order":
        gcp["polynomialOrder"] = int(rest[1])
    else:
        gcp["tps"] = True
    rest = rest[1:] if rest[0] == "-tps" else rest[2:]
sources = rest
like = gdal.Open(like_path)
data_type = gdal.GetDataTypeByName(type_name)
out = gdal.GetDriverByName("GTiff").Create(out_path, like.RasterXSize, like.RasterYSize, 1, data_type)
out.SetGeoTransform(like.GetGeoTransform())
out.SetProjection(like.GetProjection())
nodata = float("nan") if type_name.startswith("Float") else 0
out.GetRasterBand(1).SetNoDataValue(nodata)
out.GetRasterBand(1).Fill(nodata)
gdal.Warp(out, sources, errorThreshold=0, resampleAlg=method, warpOptions=warp_options, **gcp)
out = None
