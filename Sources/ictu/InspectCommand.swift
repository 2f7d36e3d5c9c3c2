import ArgumentParser
import City
import Foundation
import Products

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a city manifest reads: layers with CRS, resolution and ranges, the grid, sensors, period, QC.")

    @Option(help: "City manifest (YAML). Default: city.yaml in the current folder (the bundled sample).") var city = "city.yaml"
    @Flag(help: "Machine-readable JSON on stdout.") var json = false

    func run() throws {
        do {
            let inspection = Inspection(try City(manifestPath: city))
            if json {
                try printJSON(inspection)
            } else {
                print(inspection.text, terminator: "")
            }
        } catch {
            fail("\(error)")
        }
    }
}
