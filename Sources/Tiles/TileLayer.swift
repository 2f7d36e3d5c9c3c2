import Foundation
import Model
import Reports
import Run
import Styles

/// A layer of a run that can be drawn as tiles: which raster and band it reads, how it is coloured, its legend.
public struct TileLayer: Sendable {
    public enum Kind: Sendable { case continuous, utciClasses }
    public let name: String
    public let title: String
    /// The run's band it draws; nil for a layer held in memory (a scenario's, drawn from its pyramid).
    public let band: RunFolder.Band?
    public let kind: Kind
    public let ramp: ColourRamp

    /// Every layer a run folder offers, in the viewer's order: the maps, then each term of the stacks, day and night.
    public static func catalogue(_ folder: RunFolder) -> [TileLayer] {
        let termRamp = ColourRamp.difference(range: 6) // one ramp (and its lookup tables) for the relative map and every term
        var layers = [
            TileLayer(name: "day", title: "ICTU day (14–17 h), °C", band: RunFolder.map(.day), kind: .continuous, ramp: .utci),
            TileLayer(name: "night", title: "ICTU night (22–06 h), °C", band: RunFolder.map(.night), kind: .continuous, ramp: .utciNight),
            TileLayer(name: "relative", title: "Day ICTU relative to the median, °C", band: .init(.relativeToMedian), kind: .continuous, ramp: termRamp),
            TileLayer(name: "classes", title: "UTCI heat-stress class (day)", band: RunFolder.map(.day), kind: .utciClasses, ramp: .utci),
            TileLayer(name: "hydric_stress", title: "Canopy hydric stress (0–1)", band: .init(.hydricStress), kind: .continuous, ramp: .stress),
            TileLayer(name: "delta", title: "Change by the scenario, day (after − before), °C", band: RunFolder.delta(.day), kind: .continuous, ramp: .difference(range: 3)),
            TileLayer(name: "delta-night", title: "Change by the scenario, night (after − before), °C", band: RunFolder.delta(.night), kind: .continuous, ramp: .difference(range: 3)),
            TileLayer(name: "uncertainty", title: "Uncertainty of the day ICTU (1 σ), °C", band: .init(.uncertainty), kind: .continuous, ramp: .uncertainty),
        ]
        for (regime, term) in RunFolder.componentBands {
            layers.append(TileLayer(name: "\(regime.rawValue)-\(term.rawValue)", title: "\(regime == .day ? "Day" : "Night"): \(term.label), °C",
                                    band: RunFolder.components(regime, term), kind: .continuous,
                                    ramp: term != .reference ? termRamp : regime == .day ? .utci : .utciNight))
        }
        return layers.filter { $0.band.map { folder.contains($0.entry) } ?? false }
    }

    /// The layers of a scenario held in memory by the server: the maps after and the differences (the "before"
    /// is the run's own layers), drawn from in-memory pyramids.
    public static let scenarioLayers: [TileLayer] = scenarioLayers(dayRange: 3, nightRange: 3)

    /// A scenario's layers, the differences on ramps sized to its largest change (ColourRamp.differenceRange), so a
    /// street-tree row's −0.4 °C is as visible as a park's −7 °C.
    public static func scenarioLayers(dayRange: Double, nightRange: Double) -> [TileLayer] {
        [
            TileLayer(name: "after", title: "ICTU day after the scenario, °C", band: nil, kind: .continuous, ramp: .utci),
            TileLayer(name: "after-night", title: "ICTU night after the scenario, °C", band: nil, kind: .continuous, ramp: .utciNight),
            TileLayer(name: "delta", title: "Change by the scenario, day (after − before), °C", band: nil, kind: .continuous, ramp: .difference(range: dayRange)),
            TileLayer(name: "delta-night", title: "Change by the scenario, night (after − before), °C", band: nil, kind: .continuous, ramp: .difference(range: nightRange)),
        ]
    }

    /// Colour of a value: the ramp's, or for classes the colour of the class's middle (one flat colour per class).
    public func rgba(_ value: Float) -> (UInt8, UInt8, UInt8, UInt8) {
        let c = packed(value)
        return (UInt8(truncatingIfNeeded: c), UInt8(truncatingIfNeeded: c >> 8), UInt8(truncatingIfNeeded: c >> 16), UInt8(truncatingIfNeeded: c >> 24))
    }

    /// The same colour packed R, G, B, A in memory order (0, transparent, for no data).
    @inline(__always)
    public func packed(_ value: Float) -> UInt32 {
        switch kind {
        case .continuous: return ramp.packed(value)
        case .utciClasses:
            guard !value.isNaN else { return 0 }
            return ramp.packed(Float(MapStyle.classMiddle(UTCI.StressClass(utci: Double(value)))))
        }
    }

    /// The legend as data (for TileJSON and the viewer): colour stops or classes.
    public var legend: Legend {
        switch kind {
        case .continuous:
            return Legend(type: "ramp", unit: ramp.unit, stops: ramp.stops.map { .init(value: $0.value, colour: ramp.hex($0.value)) },
                          ticks: ramp.ticks.map { .init(value: $0.value, label: $0.label) })
        case .utciClasses:
            let heat: [UTCI.StressClass] = [.none, .moderateHeat, .strongHeat, .veryStrongHeat, .extremeHeat]
            return Legend(type: "classes", classes: heat.map { c in .init(label: c.label, range: MapStyle.classRange(c), colour: ramp.hex(MapStyle.classMiddle(c))) })
        }
    }

}

/// A layer's legend: a colour ramp (stops and labelled ticks, its unit) or classes (label, range, colour).
public struct Legend: Codable, Sendable {
    public struct Stop: Codable, Sendable { public var value: Double; public var colour: String }
    public struct Tick: Codable, Sendable { public var value: Double; public var label: String }
    public struct Class: Codable, Sendable { public var label: String; public var range: String; public var colour: String }
    public var type: String
    public var unit: String? = nil
    public var stops: [Stop]? = nil
    public var ticks: [Tick]? = nil
    public var classes: [Class]? = nil
}
