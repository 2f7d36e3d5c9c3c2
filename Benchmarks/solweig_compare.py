"""ictu against SOLWEIG (PyPI `solweig`, UMEP's Rust rewrite) on crops of a city, at the same air and sun.

For each crop the city's own inputs become SOLWEIG's: a DSM of the buildings (their `height_attribute` rasterised on
the grid), a canopy DSM where crowns cover the cell, UMEP land cover (building, asphalt, grass, bare soil, water) and
the per-cell albedo. SOLWEIG runs the hours of ictu's day window with the run's composite day (air, humidity, wind,
global radiation, and ictu's own sun position), Lindberg's ground temperatures, once with its default anisotropic
sky and once with its isotropic one. The comparison is on the crop's core (a margin around it gives both models their shadows and sky):
Tmrt − Ta per surface class (bias and RMSE of ictu − SOLWEIG), the sunlit fraction, and UTCI at the same air (the
window's mean air, humidity and street wind, with each model's Tmrt − Ta), then the speed per cell-hour.

Run by Benchmarks/solweig.sh; prints Markdown for Benchmarks/RESULTS.md.
"""
import argparse
import datetime as dt
import json
import math
import subprocess
import sys
import tempfile
import time
from zoneinfo import ZoneInfo
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window, from_bounds

import solweig
from solweig.postprocess import compute_utci_grid

CORE, MARGIN = 200, 50  # cells: a 400 m core and 100 m around it at 2 m

# With a land cover, SOLWEIG takes each class's albedo and leaves a per-pixel albedo unused; the city's albedo
# raster is what both models must see, so it replaces the class albedo (emissivity and ground heating stay by class).
_class_properties = solweig.SurfaceData.get_land_cover_properties


def _with_city_albedo(self, params=None):
    albedo, emissivity, tgk, tstart, tmaxlst = _class_properties(self, params)
    return (albedo if self.albedo is None else self.albedo), emissivity, tgk, tstart, tmaxlst


solweig.SurfaceData.get_land_cover_properties = _with_city_albedo


def read_window(path, bounds, scale=1.0):
    with rasterio.open(path) as ds:
        w = from_bounds(*bounds, transform=ds.transform).round_offsets().round_lengths()
        a = ds.read(1, window=w, boundless=True, fill_value=0).astype(np.float64)
        nodata = ds.nodata
    if nodata is not None:
        a[a == nodata] = 0
    return a * scale


def manifest_rasters(city):
    """Role → (path, scale) from the city manifest's `rasters:` lines (the sample's flat YAML)."""
    roles, inside = {}, False
    for line in (city / "city.yaml").read_text().splitlines():
        if line.startswith("rasters:"):
            inside = True
            continue
        if inside and not line.startswith("  "):
            inside = False
        if inside and ":" in line and "path:" in line:
            role = line.strip().split(":")[0]
            body = line.split("{", 1)[1].rstrip("}")
            fields = dict(part.strip().split(": ", 1) for part in body.split(","))
            roles[role] = (city / fields["path"], float(fields.get("scale", 1)))
    return roles


def buildings_vector(city):
    for line in (city / "city.yaml").read_text().splitlines():
        if line.strip().startswith("buildings:"):
            body = line.split("{", 1)[1].rstrip("}")
            fields = dict(part.strip().split(": ", 1) for part in body.split(","))
            return city / fields["path"], fields["height_attribute"]
    raise SystemExit("the manifest has no buildings")


def rasterise_buildings(city, bounds, cell, work):
    path, attribute = buildings_vector(city)
    out = work / "buildings.tif"
    subprocess.run(["gdal_rasterize", "-q", "-a", attribute, "-te", *map(str, bounds), "-tr", str(cell), str(cell),
                    "-ot", "Float32", "-init", "0", "-a_nodata", "-9999", str(path), str(out)], check=True)
    with rasterio.open(out) as ds:
        a = ds.read(1).astype(np.float64)
    a[a < 0] = 0
    return a


def city_crop(city, bounds, cell, work):
    r = manifest_rasters(city)
    layer = {role: read_window(p, bounds, s) for role, (p, s) in r.items() if role in
             ("tree_canopy", "shrub", "grass", "impervious", "albedo", "water", "canopy_height")}
    layer["buildings"] = rasterise_buildings(city, bounds, cell, work)
    return layer


def crops_of(city, grid_bounds, cell):
    """Three 400 m crops: the densest built block, the one around the light mineral square (the brightest sealed
    ground) and the leafiest; chosen on a 400 m lattice inside the margin."""
    r = manifest_rasters(city)
    minx, miny, maxx, maxy = grid_bounds
    step = CORE * cell
    cand = []
    x = minx + MARGIN * cell
    while x + step + MARGIN * cell <= maxx:
        y = miny + MARGIN * cell
        while y + step + MARGIN * cell <= maxy:
            b = (x, y, x + step, y + step)
            imp = read_window(r["impervious"][0], b, r["impervious"][1])
            alb = read_window(r["albedo"][0], b, r["albedo"][1])
            can = read_window(r["tree_canopy"][0], b, r["tree_canopy"][1])
            bright = float(np.mean((imp > 0.5) & (alb > 0.35)))
            cand.append((b, float(imp.mean()), bright, float(can.mean())))
            y += step
        x += step
    dense = max(cand, key=lambda c: c[1])
    square = max((c for c in cand if c[0] != dense[0]), key=lambda c: c[2])
    leafy = max((c for c in cand if c[0] not in (dense[0], square[0])), key=lambda c: c[3])
    return [("dense", dense[0]), ("light square", square[0]), ("leafy", leafy[0])]


def saturation_vapour_hpa(t):
    return 6.112 * math.exp(17.62 * t / (243.12 + t))


def ictu_crop(run, bounds):
    """Window means from the run's intermediate stack: day air temperature, Tmrt, sunlit fraction."""
    with rasterio.open(run / "intermediate.tif") as ds:
        names = list(ds.descriptions)
        w = from_bounds(*bounds, transform=ds.transform).round_offsets().round_lengths()
        def band(name):
            return ds.read(names.index(name) + 1, window=w).astype(np.float64)
        return {"ta": band("day: air_temperature_c"), "tmrt": band("day: mean_radiant_temperature_c"), "sun": band("day: sunlit_fraction")}


def run_solweig(layer, hours, record, cell, work, name, anisotropic=True):
    built = layer["buildings"] > 0.5
    dsm = np.where(built, layer["buildings"], 0.0).astype(np.float32)
    crown = (layer["tree_canopy"] >= 0.5) & ~built
    cdsm = np.where(crown, np.maximum(layer["canopy_height"], 3.0), 0.0).astype(np.float32)
    lc = np.full(dsm.shape, 6, dtype=np.int32)                       # bare soil
    lc[(layer["grass"] + layer["shrub"] + layer["tree_canopy"]) >= 0.5] = 5  # grass (the ground under crowns)
    sealed = layer["impervious"] >= 0.5
    lc[sealed] = 1                                                   # asphalt
    lc[sealed & (layer["albedo"] >= 0.3)] = 0                        # light paving (UMEP's cobblestone)
    lc[layer["water"] >= 0.5] = 7
    lc[built] = 2
    t0 = time.perf_counter()
    surface = solweig.SurfaceData.prepare(dsm=dsm, cdsm=cdsm, land_cover=lc, pixel_size=cell)
    surface.albedo = np.where(built, 0.18, layer["albedo"]).astype(np.float32)
    prepared = time.perf_counter() - t0
    lon, lat = record["sites"][0]["longitude"], record["sites"][0]["latitude"]
    day = dt.date.fromisoformat(sorted(record["hotDays"])[len(record["hotDays"]) // 2])
    offset = hours[0]["utcOffsetHours"]
    weather = []
    for h in hours:
        rh = min(100.0, 100 * h["vapourPressure"] / saturation_vapour_hpa(h["airTemperature"]))
        weather.append(solweig.Weather(datetime=dt.datetime.combine(day, dt.time(h["localHour"])), ta=h["airTemperature"], rh=rh,
                                       global_rad=h["radiation"], ws=max(h["wind"], 0.5),
                                       precomputed_sun_altitude=h["sunElevationDegrees"], precomputed_sun_azimuth=h["sunAzimuthDegrees"],
                                       precomputed_altmax=h["dayMaxElevationDegrees"]))
    out = work / ("solweig-" + name.replace(" ", "-"))
    t1 = time.perf_counter()
    solweig.calculate(surface, weather, solweig.Location(latitude=lat, longitude=lon, utc_offset=offset), output_dir=out,
                      outputs=["tmrt", "shadow"], use_anisotropic_sky=anisotropic)
    computed = time.perf_counter() - t1
    tmrt = [np.asarray(rasterio.open(p).read(1), dtype=np.float64) for p in sorted((out / "tmrt").glob("*.tif"))]
    shadow = [np.asarray(rasterio.open(p).read(1), dtype=np.float64) for p in sorted((out / "shadow").glob("*.tif"))]
    if len(tmrt) != len(hours) or len(shadow) != len(hours):
        raise SystemExit(f"SOLWEIG wrote {len(tmrt)} Tmrt and {len(shadow)} shadow grids for {len(hours)} hours in {out}")
    d = np.mean([t - h["airTemperature"] for t, h in zip(tmrt, hours)], axis=0)
    sun = np.mean(shadow, axis=0)  # SOLWEIG's shadow grid: 1 sunlit, 0 shaded
    return d, sun, prepared, computed


def classes(layer, sun_peer):
    """Surface classes of the core's open cells, from the city's inputs and SOLWEIG's own sunlit fraction."""
    built = layer["buildings"] > 0.5
    crown = (layer["tree_canopy"] >= 0.5) & ~built
    sealed = (layer["impervious"] >= 0.5) & ~crown & ~built & (layer["water"] < 0.5)
    square = sealed & (layer["albedo"] >= 0.35)
    street = sealed & ~square
    green = ((layer["grass"] + layer["shrub"]) >= 0.5) & ~crown & ~built & ~sealed
    return {
        "sunlit street": street & (sun_peer >= 0.75),
        "shaded canyon": street & (sun_peer <= 0.25),
        "light square": square,
        "grass": green,
        "under crowns": crown,
        "open ground (no crown)": ~built & ~crown & (layer["water"] < 0.5),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--city", required=True, type=Path)
    p.add_argument("--run", action="append", required=True, help="NAME=RUN_FOLDER (e.g. clear=/tmp/x/clear)")
    p.add_argument("--ictu-seconds", action="append", default=[], help="NAME=SECONDS of `ictu compute` wall time for that run")
    p.add_argument("--work", required=True, type=Path)
    a = p.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    runs = dict(item.split("=", 1) for item in a.run)
    ictu_seconds = {k: float(v) for k, v in (item.split("=", 1) for item in a.ictu_seconds)}
    report = {}
    lines = []
    # SOLWEIG's default sky (anisotropic: Perez's luminance on 153 patches, each patch hidden by a wall or a crown
    # radiating at that surface's temperature) and its isotropic one: the spread between the peer's own two skies.
    for (run_name, run_path), sky in ((r, s) for r in runs.items() for s in ("anisotropic", "isotropic")):
        run = Path(run_path)
        record = json.loads((run / "calibration.json").read_text())
        grid = record["grid"]
        cell = grid["cellSize"]
        gb = (grid["originX"], grid["originY"] - grid["height"] * cell, grid["originX"] + grid["width"] * cell, grid["originY"])
        day_hours = [14, 15, 16, 17]
        day = dt.date.fromisoformat(sorted(record["hotDays"])[len(record["hotDays"]) // 2])
        offset = dt.datetime.combine(day, dt.time(14), tzinfo=ZoneInfo(record["timezone"])).utcoffset().total_seconds() / 3600
        hours = []
        for h in day_hours:
            c = dict(record["compositeDay"][h])
            c["utcOffsetHours"] = offset
            hours.append(c)
        ta = np.mean([h["airTemperature"] for h in hours])
        rh = np.mean([min(100.0, 100 * h["vapourPressure"] / saturation_vapour_hpa(h["airTemperature"])) for h in hours])
        wind = np.mean([min(max(h["wind"] * record["coefficients"]["radiative"]["windReduction"], 0.5), 17) for h in hours])
        radiation = np.mean([h["radiation"] for h in hours])
        lines.append(f"\n### {run_name}, SOLWEIG's {sky} sky: day window 14–17 h, mean global radiation {radiation:.0f} W/m², air {ta:.1f} °C\n")
        lines.append("| crop | class | cells | ictu Tmrt − Ta | SOLWEIG Tmrt − Ta | bias (ictu − SOLWEIG) | RMSE | sunlit ictu / SOLWEIG | UTCI RMSE at the same air |")
        lines.append("|---|---|---|---|---|---|---|---|---|")
        totals = {"cells": 0, "prepare": 0.0, "calculate": 0.0}
        pooled = {}
        for crop_name, core in crops_of(a.city, gb, cell):
            outer = (core[0] - MARGIN * cell, core[1] - MARGIN * cell, core[2] + MARGIN * cell, core[3] + MARGIN * cell)
            work = a.work / run_name / sky / crop_name.replace(" ", "-")
            work.mkdir(parents=True, exist_ok=True)
            layer = city_crop(a.city, outer, cell, work)
            d_peer, sun_peer, prepared, computed = run_solweig(layer, hours, record, cell, work, crop_name, anisotropic=sky == "anisotropic")
            inner = (slice(MARGIN, MARGIN + CORE), slice(MARGIN, MARGIN + CORE))
            layer = {k: v[inner] for k, v in layer.items()}
            d_peer, sun_peer = d_peer[inner], sun_peer[inner]
            mine = ictu_crop(run, core)
            d_mine = mine["tmrt"] - mine["ta"]
            totals["cells"] += CORE * CORE
            totals["prepare"] += prepared
            totals["calculate"] += computed
            u_mine = compute_utci_grid((ta + d_mine).astype(np.float32), float(ta), float(rh), float(wind))
            u_peer = compute_utci_grid((ta + d_peer).astype(np.float32), float(ta), float(rh), float(wind))
            for cls, mask in classes(layer, sun_peer).items():
                m = mask & np.isfinite(d_mine) & np.isfinite(d_peer)
                n = int(m.sum())
                if n < 20:
                    continue
                diff = d_mine[m] - d_peer[m]
                du = (u_mine[m] - u_peer[m]).astype(np.float64)
                du = du[np.isfinite(du)]
                pooled.setdefault(cls, []).append((diff, du, d_mine[m], d_peer[m], mine["sun"][m], sun_peer[m]))
                lines.append(f"| {crop_name} | {cls} | {n} | {d_mine[m].mean():.1f} | {d_peer[m].mean():.1f} | {diff.mean():+.2f} | "
                             f"{math.sqrt((diff ** 2).mean()):.2f} | {mine['sun'][m].mean():.2f} / {sun_peer[m].mean():.2f} | "
                             f"{math.sqrt((du ** 2).mean()):.2f} |")
        lines.append("\nAll crops pooled:\n")
        lines.append("| class | cells | bias (ictu − SOLWEIG), K | RMSE, K | UTCI bias, °C | UTCI RMSE, °C |")
        lines.append("|---|---|---|---|---|---|")
        summary = {}
        for cls, parts in pooled.items():
            diff = np.concatenate([p[0] for p in parts]); du = np.concatenate([p[1] for p in parts])
            summary[cls] = {"cells": int(diff.size), "bias": float(diff.mean()), "rmse": float(math.sqrt((diff ** 2).mean())),
                            "utci_bias": float(du.mean()), "utci_rmse": float(math.sqrt((du ** 2).mean()))}
            s = summary[cls]
            lines.append(f"| {cls} | {s['cells']} | {s['bias']:+.2f} | {s['rmse']:.2f} | {s['utci_bias']:+.2f} | {s['utci_rmse']:.2f} |")
        # The sun-to-shade step: the slope of Tmrt − Ta on the sunlit fraction over sealed ground, each model on its own.
        steps = {}
        for who, col_d, col_s in (("ictu", 2, 4), ("SOLWEIG", 3, 5)):
            xs = np.concatenate([p[col_s] for cls in ("sunlit street", "shaded canyon") for p in pooled.get(cls, [])])
            ys = np.concatenate([p[col_d] for cls in ("sunlit street", "shaded canyon") for p in pooled.get(cls, [])])
            steps[who] = float(np.polyfit(xs, ys, 1)[0]) if xs.size > 10 and xs.std() > 0 else float("nan")
        lines.append(f"\nSun-to-shade step of Tmrt − Ta over streets (slope on the sunlit fraction): ictu {steps['ictu']:.1f} K, SOLWEIG {steps['SOLWEIG']:.1f} K.")
        # Per cell-hour, on the cells each model computed: SOLWEIG's crops with their margins, ictu's whole grid (its
        # blocks' halos are a few percent more).
        computed_cells = 3 * (CORE + 2 * MARGIN) ** 2
        cell_hours = computed_cells * len(hours)
        peer_rate = (totals["prepare"] + totals["calculate"]) / cell_hours
        lines.append(f"\nSOLWEIG on the three crops ({computed_cells} cells with their margins × {len(hours)} h): prepare {totals['prepare']:.1f} s "
                     f"(walls, sky view, shadow matrices), calculate {totals['calculate']:.1f} s: {peer_rate * 1e6:.2f} µs per cell-hour, "
                     f"{totals['calculate'] / cell_hours * 1e6:.2f} µs calculating only.")
        ictu_cell_hours = record["grid"]["width"] * record["grid"]["height"] * 13  # 4 day + 9 night hours
        physics = next(v for k, v in record["stageSeconds"].items() if k.startswith("blocks"))
        lines.append(f"ictu's blocks (layers read, physics, GeoTIFF written; {record['grid']['width']}×{record['grid']['height']} cells × 13 h): "
                     f"{physics:.1f} s, {physics / ictu_cell_hours * 1e6:.3f} µs per cell-hour: **{peer_rate * ictu_cell_hours / physics:.0f}×** SOLWEIG's "
                     f"({totals['calculate'] / cell_hours * ictu_cell_hours / physics:.0f}× its calculation alone).")
        if run_name in ictu_seconds:
            whole = ictu_seconds[run_name]
            lines.append(f"Run to run, `ictu compute` whole (inputs and QC, calibration, parks, blocks, COGs): {whole:.1f} s, "
                         f"{whole / ictu_cell_hours * 1e6:.3f} µs per cell-hour: **{peer_rate * ictu_cell_hours / whole:.0f}×** SOLWEIG's.")
        report[f"{run_name}, {sky}"] = {"classes": summary, "steps": steps, "solweig_seconds": totals}
    print("\n".join(lines))
    (a.work / "comparison.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
