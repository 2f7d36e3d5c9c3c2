import Foundation
import Model
import Run

/// The maps derived cell by cell from the day ICTU: its UTCI class, its difference from the run's median, its
/// uncertainty. Shared by `compute`, its partitions, `mosaic` and `simulate`, so they write the same values.
public enum DerivedMaps {
    /// UTCI stress class shifted to 0…9 (255: no data).
    public static func stressClass(_ ictu: Float) -> Float {
        ictu.isNaN ? 255 : Float(UTCI.StressClass(utci: Double(ictu)).rawValue + 5)
    }

    /// Class and uncertainty: local to each cell, so each partition writes its own.
    static func writeClassAndUncertainty(_ writers: StagedRasters, looRMSE: Double, sites: [(x: Double, y: Double)]) throws {
        try writers.derive(from: .dayMap, into: [(.classes, .byte, 255), (.uncertainty, .float32, nil)]) { value, x, y in
            guard !value.isNaN else { return SIMD2(255, .nan) }
            var nearestSquared = 1000.0 * 1000.0
            for p in sites { nearestSquared = min(nearestSquared, (p.x - x) * (p.x - x) + (p.y - y) * (p.y - y)) }
            let nearest = nearestSquared.squareRoot()
            // Leave-one-site-out error, growing with distance to the nearest site (× √2 at 1 km and beyond).
            let sigma = looRMSE * (1 + min(1, nearest / 1000)).squareRoot()
            return SIMD2(stressClass(value), Float(sigma))
        }
        try writers.describe(.classes, RunFolder.bandDescriptions(.classes))
        try writers.colourClasses()
        try writers.describe(.uncertainty, RunFolder.bandDescriptions(.uncertainty))
    }

    /// Day ICTU minus the run's median: needs the whole run's median, so a partitioned run writes it at the mosaic.
    static func writeDeltaMedian(_ writers: StagedRasters, median: Double) throws {
        try writers.derive(from: .dayMap, into: [(.relativeToMedian, .float32, nil)]) { value, _, _ in SIMD2(value.isNaN ? .nan : value - Float(median), 0) }
        try writers.describe(.relativeToMedian, [String(format: "day ICTU minus its median over the open (non-building) cells, %.2f °C", median)])
    }
}
