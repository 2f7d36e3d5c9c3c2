import ArgumentParser
import Foundation
import Products
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the viewer and the HTTP API of a run on 127.0.0.1 (tiles rendered on demand from the run's COGs).",
        discussion: "Open http://127.0.0.1:PORT/ in a browser. The API is described in the README (\"HTTP API\"). Stop with Ctrl-C.")

    @Option(name: .customLong("run"), help: "Run folder written by `ictu compute`.") var runFolder = "run"
    @Option(help: "Port on 127.0.0.1 (0: any free port, printed).") var port = 8080
    @Option(name: .customLong("cache-mb"), help: "Memory for rendered tiles, MiB.") var cacheMB = 64

    func run() async throws {
        let service: RunService
        do { service = try RunService(run: runFolder, cacheBytes: cacheMB << 20) } catch { fail("\(error)") }
        try await ViewerServer.serve(service: service, port: port) { bound in
            // Straight to the file descriptor: the line must reach a pipe at once (scripts wait for it).
            FileHandle.standardOutput.write(Data("ictu: serving \(runFolder) on http://127.0.0.1:\(bound)/ (viewer), API under /api and /tiles; Ctrl-C stops\n".utf8))
        }
    }
}
