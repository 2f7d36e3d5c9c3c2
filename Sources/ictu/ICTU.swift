import ArgumentParser
import Engine
import Foundation

#if os(Linux)
/// glibc's mallopt (malloc.h is not in Swift's Glibc module).
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

@main
struct ICTU: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ictu",
        abstract: "Urban thermal comfort (ICTU) maps from street sensors, satellite vegetation and building morphology.",
        version: ComputeRun.engineVersion,
        subcommands: [SampleCommand.self, InspectCommand.self, ComputeCommand.self, MosaicCommand.self, ExplainCommand.self, ComfortCommand.self, TilesCommand.self, ServeCommand.self, DiagnoseCommand.self, SimulateCommand.self, WateringCommand.self])

    static func main() async {
        #if os(Linux)
        // One malloc arena per core, not glibc's eight: each arena keeps what its threads freed, and with eight per
        // core the server held 0.4 GB more at its peak on the 25 km metropolis (2.0 → 1.6 GiB with a park posted).
        _ = mallopt(-8 /* M_ARENA_MAX */, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        #endif
        await main(nil)
    }
}
