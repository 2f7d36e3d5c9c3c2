"""Reads a PMTiles archive back with PyPI's `pmtiles` (Protomaps' own Python reader), independently of ictu.

Prints JSON: the header, the metadata, how many tiles the directories address, and for each tile whether the
bytes equal the XYZ file of the same z/x/y (when --xyz FOLDER is given); and whether a point lookup (`Reader.get`,
which parses the directories anew each time) finds the same bytes, for up to 400 tiles spread over the archive.

usage: python pmtiles_check.py ARCHIVE.pmtiles [--xyz FOLDER]
"""
import json
import os
import sys

from pmtiles.reader import MmapSource, Reader, all_tiles

path = sys.argv[1]
xyz = sys.argv[sys.argv.index("--xyz") + 1] if "--xyz" in sys.argv else None
with open(path, "rb") as f:
    reader = Reader(MmapSource(f))
    header = {k: (v.name if hasattr(v, "name") else v) for k, v in reader.header().items()}
    metadata = reader.metadata()
    tiles, distinct, unequal_to_xyz, lookup_failures, zooms = 0, set(), [], [], set()
    step = max(1, header["addressed_tiles_count"] // 400)
    for (z, x, y), data in all_tiles(reader.get_bytes):
        tiles += 1
        zooms.add(z)
        distinct.add(bytes(data))
        if tiles % step == 0 and reader.get(z, x, y) != data:
            lookup_failures.append(f"{z}/{x}/{y}")
        if xyz is not None:
            name = os.path.join(xyz, str(z), str(x), f"{y}.png")
            if not os.path.exists(name) or open(name, "rb").read() != data:
                unequal_to_xyz.append(f"{z}/{x}/{y}")
    xyz_files = None
    if xyz is not None:
        xyz_files = sum(1 for _, _, files in os.walk(xyz) for name in files if name.endswith(".png"))
print(json.dumps({"header": header, "metadata": metadata, "tiles": tiles, "distinct": len(distinct), "zooms": sorted(zooms),
                  "unequal_to_xyz": unequal_to_xyz[:20], "lookup_failures": lookup_failures[:20], "xyz_files": xyz_files}))
