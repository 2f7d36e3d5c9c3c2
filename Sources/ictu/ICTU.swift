import ArgumentParser
import Engine

@main
struct ICTU: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ictu",
        abstract: "Urban thermal comfort (ICTU) maps from street sensors, satellite vegetation and building morphology.",
        version: ComputeRun.engineVersion,
        subcommands: [SampleCommand.self, InspectCommand.self, ComputeCommand.self, MosaicCommand.self, ExplainCommand.self, ComfortCommand.self, TilesCommand.self, ServeCommand.self, DiagnoseCommand.self, SimulateCommand.self, WateringCommand.self])
}
