import ArgumentParser

@main
struct ICTU: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ictu",
        abstract: "Urban thermal comfort (ICTU) maps from street sensors, satellite vegetation and building morphology.",
        version: "0.1.0",
        subcommands: [SampleCommand.self, InspectCommand.self, ComputeCommand.self, ExplainCommand.self, ComfortCommand.self])
}
