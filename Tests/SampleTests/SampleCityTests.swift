import Foundation
import TestFixtures
import Testing
@testable import City

/// The committed sample (repo root city.yaml), checked against the truth its generator wrote beside it.
@Suite(.tags(.endToEnd)) struct SampleCityTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Faults: Decodable {
        var radiationBias: [String]; var stuck: [String]; var spikes: [String: Int]; var gaps: [String]
        var duplicatedRows: [String: Int]; var humidityOver100: [String: Int]
    }

    @Test func qcFindsThePlantedFaultsAndRejectsNoCleanSensor() throws {
        let city = try City(manifestPath: Self.root.appendingPathComponent("city.yaml").path)
        let qc = try #require(city.qc)
        let faults = try JSONDecoder().decode(Faults.self, from: Data(contentsOf: Self.root.appendingPathComponent("SensorData/truth/faults.json")))
        #expect(city.stations.count == 80 && city.network!.sites.count == 40)

        #expect(qc.sensors(flagged: .radiationBias) == faults.radiationBias.sorted())
        for id in faults.radiationBias {
            // Generated with +3 °C per 1000 W/m² of global radiation: 2.4 °C at 800 W/m².
            let bias = try #require(qc.sensors[id]?.radiationBiasCelsius)
            #expect(abs(bias - 2.4) < 0.5, "estimated \(bias)")
        }
        #expect(qc.sensors(flagged: .flatLine) == faults.stuck.sorted())
        #expect(qc.sensors(flagged: .spike) == faults.spikes.keys.sorted())
        for (id, planted) in faults.spikes {
            // A spike next to a gap has no neighbours to be judged against: allow one to escape.
            #expect(qc.sensors[id]!.count(.spike) >= planted - 1 && qc.sensors[id]!.count(.spike) <= planted)
        }
        #expect(qc.sensors(flagged: .duplicate) == faults.duplicatedRows.keys.sorted())
        for (id, rows) in faults.duplicatedRows { #expect(qc.sensors[id]!.count(.duplicate) == rows) }
        #expect(qc.sensors(flagged: .humidityOver100) == faults.humidityOver100.keys.sorted())
        for (id, n) in faults.humidityOver100 { #expect(qc.sensors[id]!.count(.humidityOver100) == n) }
        // Gaps of 10 days (240 h) show as missing hours.
        for id in faults.gaps { #expect(qc.sensors[id]!.count(.missing) >= 240) }
        #expect(qc.rejectedSensors.isEmpty, "no clean sensor is rejected (and a sun-biased one keeps its nights)")
    }

    @Test func layersCoverTheGridWithPlausibleValues() throws {
        let city = try City(manifestPath: Self.root.appendingPathComponent("city.yaml").path)
        #expect(city.grid.width == 2000 && city.grid.height == 2000 && city.grid.cellSize == 2)
        // The generator's light mineral square is centred 2500 m east and 1430 m north of the south-west corner:
        // cell (1250, 1285). There: albedo 0.45, fully sealed, no tree, no building.
        let square = try city.layers(.init(x: 1240, y: 1275, width: 20, height: 20))
        #expect(square.albedo.values.allSatisfy { abs($0 - 0.45) < 1e-6 })
        #expect(square.impervious.values.allSatisfy { $0 == 1 } && square.treeCanopy.range!.max == 0 && square.buildingHeight.range!.max == 0)
        let layers = try city.layers(.init(x: 980, y: 950, width: 40, height: 40))
        #expect(layers.treeCanopy.range!.max <= 1 && layers.impervious.range!.min >= 0)
        #expect(layers.buildingHeight.range!.max >= 15, "dense core blocks are 15–25 m high")
        // NDMI at 20 m is resampled onto 2 m cells and turned into canopy stress in 0–1.
        let stress = layers.canopyStress.range!
        #expect(stress.min >= 0 && stress.max <= 1)
    }
}
