import ArgumentParser

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show what a city manifest reads: layers, grid, sensors, period, QC.")
    func run() throws {}
}
