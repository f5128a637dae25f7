#!/bin/sh
# Installs everything geostrip needs to build and test on Debian 12 (run as
# root or with sudo available). Idempotent.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config ca-certificates \
  libgdal-dev gdal-bin python3-gdal python3-numpy python3-h5py \
  libopenmpi-dev openmpi-bin libhdf5-dev \
  catch2 libcli11-dev libfmt-dev nlohmann-json3-dev libmuparser-dev \
  libtiff-dev libgeotiff-dev libdeflate-dev libisal-dev libzstd-dev zlib1g-dev \
  slurm-wlm munge >/dev/null
