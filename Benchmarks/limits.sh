#!/usr/bin/env bash
# The machine's measured limits, to set each stage of a run against (metropolis issue, "where the time goes"):
# memory bandwidth (one core streaming float32), DEFLATE and ZSTD decoding and encoding of the run's own float32
# rasters through GDAL, and the disk's sequential write with fsync.
# Usage: bash Benchmarks/limits.sh [RUN_DIR]   (default: run). Run by hand on an idle machine, not by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-run}
/usr/bin/python3 - "$run" <<'PY'
import os, sys, tempfile, time
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
run = sys.argv[1]
def best(f, n=3):
    t = []
    for _ in range(n):
        s = time.perf_counter(); f(); t.append(time.perf_counter() - s)
    return min(t)
a = np.ones(64 << 20, dtype=np.float32)           # 256 MiB
b = np.empty_like(a)
t = best(lambda: np.copyto(b, a))
print(f"memory, one core: copy {2 * a.nbytes / t / 1e9:.1f} GB/s (read + write), ", end="")
t = best(lambda: a.sum())
print(f"streaming read {a.nbytes / t / 1e9:.1f} GB/s")
for name in ["ictu_day.tif", "components.tif"]:
    path = os.path.join(run, name)
    ds = gdal.Open(path)
    comp = ds.GetMetadata("IMAGE_STRUCTURE").get("COMPRESSION", "?")
    gdal.SetCacheMax(64 << 20)
    def read():
        d = gdal.Open(path); d.ReadRaster(0, 0, d.RasterXSize, d.RasterYSize, band_list=list(range(1, d.RasterCount + 1)))
    t = best(read, 2)
    raw = ds.RasterXSize * ds.RasterYSize * ds.RasterCount * 4
    print(f"decode {name} ({comp}, predictor, {ds.RasterCount} bands): {raw / t / 1e6:.0f} MB/s of float32, {raw / 4 / t / 1e6:.0f} M values/s, one core")
    out = tempfile.mktemp(suffix=".tif", dir=os.path.dirname(os.path.abspath(path)))
    opts = ["COMPRESS=" + comp, "PREDICTOR=3", "NUM_THREADS=1", "TILED=YES"] + (["ZSTD_LEVEL=1"] if comp == "ZSTD" else [])
    t = best(lambda: gdal.Translate(out, path, creationOptions=opts, format="GTiff"), 1)
    print(f"encode {name} ({comp}, predictor): {raw / t / 1e6:.0f} MB/s of float32, one core")
    os.remove(out)
PY
tmp=$(mktemp -p . limits-XXXXXX)
echo "disk, sequential write of 2 GiB with fsync: $(dd if=/dev/zero of="$tmp" bs=4M count=512 conv=fsync 2>&1 | tail -1 | awk '{print $(NF-1), $NF}')"
rm -f "$tmp"
echo "cores: $(nproc), RAM: $(free -g | awk '/Mem/ {print $2}') GiB"
