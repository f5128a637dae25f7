#!/usr/bin/python3
"""numpy references for stacks of dates: composites and interferograms.

usage:
  stack_reference.py cloudy-dates SRC DIR N
      Writes N cloudy dates of the UInt16 raster SRC as DIR/d1.tif ... (nodata
      0): each date scales SRC a little and loses its own random clouds to
      nodata, and a block that every date loses has no valid value at all.
  stack_reference.py composite OUTPUT REDUCE TOLERANCE SOURCE...
      Compares OUTPUT with the reduction of the SOURCEs' valid values
      (declared nodata and NaN excluded; complex reduced on abs(z)) computed
      with numpy: median the lower median, pNN the nearest rank, std the
      population deviation, dispersion std/mean. Values must agree to
      TOLERANCE relative (0: exactly).
  stack_reference.py interferogram OUTPUT LOOKS PHASE REF SEC
      Compares OUTPUT with numpy's r*conj(s) (LOOKS AZxRG: the mean of each
      cell's valid pixels; PHASE 1: its arg), r or s 0 or NaN being invalid.
  stack_reference.py amplitude-db OUTPUT SOURCE
      Compares OUTPUT with 20*log10(abs(z)) (nodata where z is 0 or NaN).

A SOURCE is a raster GDAL opens, or FILE.h5:/DATASET of {r, i} compounds
(read with h5py). Each check prints one JSON object.
"""
import json
import warnings
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def read(source):
    """(pixels as float64 or complex128, nodata or None)"""
    if ".h5:" in source:
        import h5py

        path, dataset = source.split(".h5:", 1)
        with h5py.File(path + ".h5", "r") as f:
            # The file's own bytes, decoded here: numpy knows no complex of halves.
            data = h5py.h5d.open(f.id, dataset.encode())
            stored = data.get_type()
            half = stored.get_size() == 4
            raw = np.empty(data.shape, dtype=[("r", "<u2" if half else "<f4"), ("i", "<u2" if half else "<f4")])
            data.read(h5py.h5s.ALL, h5py.h5s.ALL, raw, mtype=stored if half else h5py.h5t.py_create(raw.dtype))
        part = (lambda name: raw[name].view(np.float16).astype(np.float64)) if half else \
            (lambda name: raw[name].astype(np.float64))
        return part("r") + 1j * part("i"), None
    ds = gdal.Open(source)
    band = ds.GetRasterBand(1)
    return band.ReadAsArray().astype(np.complex128 if gdal.DataTypeIsComplex(band.DataType) else np.float64), \
        band.GetNoDataValue()


def output(path):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    return band.ReadAsArray(), band.GetNoDataValue(), gdal.GetDataTypeName(band.DataType)


def cloudy_dates(src, directory, n):
    ds = gdal.Open(src)
    pixels = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
    rows, cols = pixels.shape
    driver = gdal.GetDriverByName("GTiff")
    for date in range(1, n + 1):
        random = np.random.default_rng(date)
        coarse = random.random((rows // 40 + 2, cols // 40 + 2))
        clouds = np.kron(coarse, np.ones((40, 40)))[:rows, :cols] > 0.7
        values = np.clip(np.rint(pixels * (0.9 + 0.04 * date)), 1, 65535)
        values[clouds | (pixels == 0)] = 0
        values[rows // 3:rows // 3 + 50, cols // 3:cols // 3 + 70] = 0  # lost on every date
        out = driver.Create(f"{directory}/d{date}.tif", cols, rows, 1, gdal.GDT_UInt16, ["TILED=YES", "COMPRESS=DEFLATE"])
        out.SetGeoTransform(ds.GetGeoTransform())
        out.SetProjection(ds.GetProjection())
        out.GetRasterBand(1).SetNoDataValue(0)
        out.GetRasterBand(1).WriteArray(values.astype(np.uint16))
        out = None


def ranked(stack, count, rank):
    """The value of 1-based `rank` (per pixel) among each pixel's valid values (NaN sorts last)."""
    ordered = np.sort(stack, axis=0)
    index = np.clip(rank - 1, 0, stack.shape[0] - 1)
    return np.take_along_axis(ordered, index[None], axis=0)[0]


def composite(path, reduce, tolerance, sources):
    warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN pixels are expected
    layers = []
    for source in sources:
        pixels, nodata = read(source)
        if np.iscomplexobj(pixels):
            valid = ~np.isnan(pixels.real) & ~np.isnan(pixels.imag)
            pixels = np.abs(pixels)
        else:
            valid = ~np.isnan(pixels)
        if nodata is not None:
            valid &= pixels != nodata
        layers.append(np.where(valid, pixels, np.nan))
    stack = np.stack(layers)
    count = np.sum(~np.isnan(stack), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(stack, axis=0) / count
        std = np.sqrt(np.nansum((stack - mean) ** 2, axis=0) / count)
        if reduce == "count":
            expected = count.astype(np.float64)
        elif reduce == "mean":
            expected = mean
        elif reduce == "std":
            expected = std
        elif reduce == "dispersion":
            expected = np.where(mean != 0, std / mean, np.nan)
        elif reduce == "min":
            expected = np.nanmin(stack, axis=0)
        elif reduce == "max":
            expected = np.nanmax(stack, axis=0)
        elif reduce == "median":
            expected = ranked(stack, count, (count + 1) // 2)
        elif reduce.startswith("p"):
            expected = ranked(stack, count, np.maximum((int(reduce[1:]) * count + 99) // 100, 1))
        else:
            raise SystemExit(f"unknown reduction {reduce}")
    expected[count == 0] = np.nan
    actual, nodata, type_name = output(path)
    actual = actual.astype(np.float64)
    invalid = np.isnan(actual) if nodata is None or np.isnan(nodata) else actual == nodata
    expected_invalid = np.isnan(expected)
    both = ~invalid & ~expected_invalid
    error = np.abs(actual[both] - expected[both]) / np.maximum(np.abs(expected[both]), 1e-30)
    worst = float(error.max()) if error.size else 0.0
    print(json.dumps({
        "type": type_name,
        "nodata": "nan" if nodata is not None and np.isnan(nodata) else nodata,  # JSON has no NaN
        "valid": int(both.sum()),
        "none_valid": int(expected_invalid.sum()),
        "nodata_differs": int((invalid != expected_invalid).sum()),
        "max_relative": worst,
        "beyond_tolerance": int((error > tolerance).sum()),
    }))


def interferogram(path, looks, phase, ref, sec):
    r, _ = read(ref)
    s, _ = read(sec)
    az, rg = (int(v) for v in looks.split("x"))
    valid = ~np.isnan(r) & ~np.isnan(s) & (r != 0) & (s != 0)
    product = np.where(valid, r * np.conj(s), 0)
    rows, cols = r.shape[0] // az, r.shape[1] // rg
    cells = lambda a: a[:rows * az, :cols * rg].reshape(rows, az, cols, rg).sum(axis=(1, 3))
    count = cells(valid.astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = cells(product) / count
    ds = gdal.Open(path)
    actual = ds.GetRasterBand(1).ReadAsArray().astype(np.complex128 if phase == "0" else np.float64)
    expected_invalid = count == 0
    invalid = np.isnan(actual.real)
    both = ~invalid & ~expected_invalid
    if phase == "0":
        error = np.abs(actual[both] - expected[both]) / np.maximum(np.abs(expected[both]), 1e-30)
    else:
        error = np.abs(np.remainder(actual[both] - np.angle(expected[both]) + np.pi, 2 * np.pi) - np.pi)
    print(json.dumps({
        "size": [ds.RasterYSize, ds.RasterXSize],
        "expected_size": [rows, cols],
        "type": gdal.GetDataTypeName(ds.GetRasterBand(1).DataType),
        "valid": int(both.sum()),
        "nodata_differs": int((invalid != expected_invalid).sum()),
        "max_error": float(error.max()) if error.size else 0.0,
    }))


def amplitude_db(path, source):
    z, _ = read(source)
    magnitude = np.abs(z)
    expected_invalid = np.isnan(magnitude) | (magnitude == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = 20 * np.log10(magnitude)
    ds = gdal.Open(path)  # held: its band is read through it
    actual = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
    invalid = np.isnan(actual)
    both = ~invalid & ~expected_invalid
    print(json.dumps({
        "valid": int(both.sum()),
        "nodata_differs": int((invalid != expected_invalid).sum()),
        "max_error": float(np.abs(actual[both] - expected[both]).max()) if both.any() else 0.0,
    }))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "cloudy-dates":
        cloudy_dates(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif command == "composite":
        composite(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5:])
    elif command == "interferogram":
        interferogram(*sys.argv[2:7])
    elif command == "amplitude-db":
        amplitude_db(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
