import Grid
import Model
import Run

/// How a computed block fills the rasters of a run folder (in `RunFolder.blockRasters`' layout and band order).
/// Shared by `compute` (the whole grid) and `simulate` (the window a scenario reaches).
public enum BlockRasters {
    /// The planes of each raster for a block computed with the passes (day, night).
    public static func planes(_ block: BlockResult) -> [RunFolder.Entry: [Plane]] {
        let fields: [Regime: WindowField] = [.day: block.fields[0], .night: block.fields[1]]
        let stress = block.layers.canopyStress.cropped(to: block.local).combined(with: block.layers.treeCanopy.cropped(to: block.local)) { s, f in f > 0 ? s : .nan }
        return [
            .dayMap: [fields[.day]!.ictu], .nightMap: [fields[.night]!.ictu],
            .components: RunFolder.componentBands.map { fields[$0.regime]!.terms[$0.term]! },
            .intermediate: RunFolder.intermediateBands.map { fields[$0.regime]![$0.quantity] },
            .hydricStress: [stress],
        ]
    }

    static func write(_ block: BlockResult, into writers: StagedRasters) throws {
        for (entry, planes) in planes(block) where writers.datasets[entry] != nil { try writers.write(entry, planes, at: block.core) }
    }

    /// Writes each band's description into the rasters being written.
    public static func describe(_ writers: StagedRasters) throws {
        for entry in writers.datasets.keys { try writers.describe(entry, RunFolder.bandDescriptions(entry)) }
    }
}

extension WindowField {
    /// The plane of one of the run's intermediate quantities.
    subscript(quantity: RunFolder.Quantity) -> Plane {
        switch quantity {
        case .airTemperature: airTemperature
        case .airAnomaly: airAnomaly
        case .vapourPressure: vapourPressure
        case .meanRadiantTemperature: meanRadiantTemperature
        case .sunlitFraction: sunlitFraction
        }
    }
}
