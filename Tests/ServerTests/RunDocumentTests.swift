import Foundation
import TestFixtures
import Testing
@testable import Engine
@testable import Server

/// What the viewer is told about a run: its fallbacks and warnings, so that nothing said on the terminal is
/// missing from the map.
@Suite struct RunDocumentTests {
    @Test func theViewerIsToldOfTheCalibrationFallbackAndTheInputsWarnings() throws {
        let city = try FixtureCity()
        try city.write("city.yaml", FixtureCity.manifestText.replacingOccurrences(of: "rasters:\n", with: "rasters:\n  grass: {path: Rasters/tree_canopy.tif, scale: 0.01}\n"))
        _ = try ComputeRun.run(manifest: city.manifest, out: city.folder + "/run")
        let document = try RunService(run: city.folder + "/run").runDocument()
        #expect(document.calibration.calibrated == false && document.calibration.note?.contains("a fit needs 8") == true)
        #expect(document.warnings.count == 1 && document.warnings[0].contains("grass and tree_canopy"), "\(document.warnings)")
    }
}
