import ArgumentParser
import City
import Foundation
import Reports

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a city manifest reads: layers with CRS, resolution and ranges, the grid, sensors, period, QC.")

    @Option(help: "City manifest (YAML). Default: city.yaml in the current folder (the bundled sample).") var city = "city.yaml"
    @OptionGroup var output: OutputOptions

    func run() throws {
        let opened = try City(manifestPath: city)
        for warning in opened.warnings { warn(warning) }
        let inspection = Inspection(opened)
        if output.json { try printJSON(inspection) } else if !output.quiet { print(inspection.text, terminator: "") }
    }
}
