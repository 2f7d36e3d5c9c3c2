import Foundation
import GeoIO
import Run
import Styles
import Support

/// `ictu mosaic`: the partitions of a run (`ictu compute --partition i/n`) assembled into the run folder the
/// one-machine run writes — each raster a GDAL VRT over the pieces, copied as a COG with the same options (so
/// the same pixels and overviews), then what needs the whole grid: the median-relative map (the median from the
/// pieces' summed histograms), calibration.json and the report.
public enum Mosaic {
    public static func assemble(partitions folders: [String], out: String, overwrite: Bool = false, progress: ProgressHandler = { _, _ in }) throws -> RunRecord {
        let started = Date()
        progress("checking the partitions", 0)
        let pieces = try check(folders)
        try InputProtection.check(output: out, inputs: pieces.map { ("partition", $0.path(.partitionRecord)) })
        let first = pieces[0].record
        let grid = first.grid
        let mapsOnly = first.mapsOnly ?? false
        let outputs = RunFolder.entries(partition: false, mapsOnly: mapsOnly)
        let staged = try StagedOutput(destination: out, entries: outputs.write.map(\.fileName), withdrawing: outputs.withdraw.map(\.fileName), overwrite: overwrite)
        let writers = try StagedRasters(staged: staged, grid: grid, layout: [])
        for entry in RunFolder.partitionRasters(mapsOnly: mapsOnly) {
            let sources = pieces.map { $0.path(entry) }
            for (source, piece) in zip(sources, pieces.map(\.record)) {
                let raster = try RasterDataset.open(source)
                let p = piece.partition!
                guard raster.width == grid.width, raster.height == p.endRow - p.firstRow else {
                    throw OutputError("\(source): \(raster.width) × \(raster.height) cells, but partition \(p.index)/\(p.count) covers \(grid.width) × \(p.endRow - p.firstRow): the folder is damaged, compute that partition again")
                }
            }
            let vrt = try RasterDataset.mosaic(of: sources, at: try staged.path(".work/\(entry.stem).vrt"))
            // Band descriptions are the pieces' own (a VRT does not carry them).
            let source = try RasterDataset.open(sources[0])
            for b in 1...source.bandCount {
                try vrt.band(b).setDescription(try source.band(b).bandDescription)
                if let unit = RunFolder.bandUnit(entry) { try vrt.band(b).setUnit(unit) }
            }
            // The class map's palette too.
            if entry == .classes, let table = try source.band(1).colourTable { try vrt.band(1).setColourTable(table) }
            writers.adopt(entry, vrt)
        }
        var histogram = CelsiusHistogram()
        for piece in pieces { histogram.add(piece.record.partition!.dayHistogram) }
        let median = histogram.median
        progress("derived maps", 0)
        try DerivedMaps.writeDeltaMedian(writers, median: median)
        progress("writing COGs", 0)
        try writers.finishAsCOGs()

        var record = first
        record.partition = nil
        record.medianDayICTU = median
        record.invalidCellHours = pieces.reduce(0) { $0 + $1.record.invalidCellHours }
        var stages: [String: Double] = [:]
        for piece in pieces { for (stage, seconds) in piece.record.stageSeconds { stages["partitions (sum): " + stage, default: 0] += seconds } }
        stages["mosaic"] = (Date().timeIntervalSince(started) * 100).rounded() / 100
        record.stageSeconds = stages
        record.relocate(to: out)
        try RunReport.stage(record, into: staged, progress: progress)
        // Each map's QGIS and OGC styles beside it, and the QGIS project of the run.
        try MapStyle.write(for: outputs.write, into: staged.path)
        try RunDescription.stage(into: staged.path, runPath: out, record: record, manifest: record.manifestAbsolute)
        try staged.commit()
        progress("done", 1)
        return record
    }

    /// The partitions' records, in index order, once they are known to be all the pieces of one run.
    static func check(_ folders: [String]) throws -> [RunFolder] {
        guard !folders.isEmpty else { throw OutputError("no partition folders given") }
        var pieces = try folders.map { try RunFolder.partition($0) }
        pieces.sort { $0.record.partition!.index < $1.record.partition!.index }
        let count = pieces[0].record.partition!.count
        var seen: [Int: String] = [:]
        for piece in pieces {
            let p = piece.record.partition!
            guard p.count == count else {
                throw OutputError("\(piece.path) is partition \(p.index)/\(p.count) but \(pieces[0].path) is one of \(count): they are not pieces of the same split")
            }
            if let other = seen[p.index] { throw OutputError("\(other) and \(piece.path) are both partition \(p.index)/\(count)") }
            seen[p.index] = piece.path
        }
        let missing = (0..<count).filter { seen[$0] == nil }
        guard missing.isEmpty else {
            throw OutputError("partition\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) missing: give all \(count) folders")
        }
        // Pieces of one run were computed by the same engine from the same inputs with the same calibration.
        let reference = try identity(pieces[0].record)
        for piece in pieces.dropFirst() {
            let r = piece.record, f = pieces[0].record
            if r.engineVersion != f.engineVersion {
                throw OutputError("\(piece.path) was computed by ictu \(r.engineVersion), \(pieces[0].path) by \(f.engineVersion): compute every partition with the same version")
            }
            if r.inputs != f.inputs {
                let differing = Set(r.inputs.keys).union(f.inputs.keys).filter { r.inputs[$0] != f.inputs[$0] }.sorted()
                throw OutputError("\(piece.path) and \(pieces[0].path) were computed from different inputs (\(differing.joined(separator: ", "))): compute every partition from the same city")
            }
            if (r.mapsOnly ?? false) != (f.mapsOnly ?? false) {
                throw OutputError("\((r.mapsOnly ?? false) ? piece.path : pieces[0].path) was computed with --maps-only and \((r.mapsOnly ?? false) ? pieces[0].path : piece.path) without: compute every partition with the same options")
            }
            guard try identity(r) == reference else {
                throw OutputError("\(piece.path) and \(pieces[0].path) differ in their grid, blocks or calibration: compute every partition with the same options (--defaults, --block)")
            }
        }
        return pieces
    }

    /// A partition's record without what differs between pieces of one run.
    static func identity(_ record: RunRecord) throws -> Data {
        var r = record
        r.partition = nil; r.stageSeconds = [:]; r.invalidCellHours = 0; r.manifest = ""; r.manifestAbsolute = nil; r.manifestFromRun = nil
        return try JSONCoding.compactEncoder.encode(r)
    }
}
