import Foundation
import Testing
@testable import GeoIO
@testable import Reports
@testable import Tiles

/// A tile's palette straight from its values is the one its coloured pixels give: same colours, same order, same
/// indices, so the PNG is the same byte for byte.
@Suite struct TilePaletteTests {
    /// A tile of a smooth field spanning `span` °C from `low`, with building-like holes (NaN) and a few values
    /// beyond the ramp's ends.
    static func tile(low: Float, span: Float, seed: UInt64) -> [Float] {
        var state = seed
        func random() -> Float { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Float(state >> 40) / Float(1 << 24) }
        var values = (0..<(256 * 256)).map { i -> Float in
            let x = Float(i % 256) / 255, y = Float(i / 256) / 255
            return low + span * (0.5 * x + 0.3 * y + 0.2 * sin(7 * x * y))
        }
        for _ in 0..<40 { // rectangular holes
            let x = Int(random() * 240), y = Int(random() * 240), w = 3 + Int(random() * 12), h = 3 + Int(random() * 12)
            for r in y..<min(256, y + h) { for c in x..<min(256, x + w) { values[r * 256 + c] = .nan } }
        }
        for _ in 0..<20 { values[Int(random() * 65_535)] = random() > 0.5 ? 200 : -200 }
        return values
    }

    static func packed(_ values: [Float], _ ramp: ColourRamp) -> [UInt32] { values.map { ramp.packed($0) } }

    @Test(arguments: [("utci", Float(30), Float(6)), ("utci", Float(-20), Float(2)), ("utci night", Float(19), Float(1)),
                      ("difference ±3", Float(-3.2), Float(0.4)), ("difference ±3", Float(-0.1), Float(0.4)), ("uncertainty", Float(0), Float(0.4))])
    func theValuesGiveThePixelsPalette(ramp name: String, low: Float, span: Float) throws {
        let ramp = try #require(ColourRampTests.ramps[name])
        for seed in UInt64(1)...4 {
            let values = Self.tile(low: low, span: span, seed: seed)
            let pixels = Self.packed(values, ramp)
            let expected = try #require(pixels.withUnsafeBufferPointer { PNGImage.palette(of: $0) }, "\(name): the case is meant to have at most 256 colours")
            let direct = try #require(values.withUnsafeBufferPointer { TilePalette.indexed($0, ramp: ramp) })
            #expect(direct.colours == expected.colours, "\(name), seed \(seed): the palette's colours and their order")
            #expect(direct.indices == expected.indices, "\(name), seed \(seed): each pixel's index")
        }
    }

    /// A tile sweeping the whole ramp has more than 256 colours: no palette, and the renderer writes true colour —
    /// the same PNG as from the packed pixels.
    @Test func aTileOfMoreThan256ColoursHasNoPaletteAndTheSamePNG() throws {
        let ramp = ColourRamp.utci
        let values = (0..<(256 * 256)).map { Float(-13) + 67 * Float($0) / 65_535 }
        #expect(values.withUnsafeBufferPointer { TilePalette.indexed($0, ramp: ramp) } == nil)
        let renderer = try TileRenderer(grid: .init(crs: "EPSG:2154", originX: 0, originY: 0, cellSize: 1, width: 1, height: 1))
        let layer = try #require(TileLayer.scenarioLayers.first { $0.name == "after" }, "the day ramp's layer")
        let png = try #require(try renderer.png(values: values, layer: layer))
        #expect(png == (try PNGImage.encode(pixels: Self.packed(values, ramp), width: 256, height: 256)))
        let tile = Self.tile(low: 30, span: 6, seed: 9)
        #expect(try renderer.png(values: tile, layer: layer) == (try PNGImage.encode(pixels: Self.packed(tile, ramp), width: 256, height: 256)))
    }
}
