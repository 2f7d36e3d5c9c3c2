import ArgumentParser
import Foundation
import GeoIO
import Run
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the viewer and the HTTP API of a run, on 127.0.0.1 by default (tiles rendered on demand from the run's COGs).",
        discussion: "Open http://127.0.0.1:PORT/ in a browser. The API is described in the README (\"HTTP API\"). Stop with Ctrl-C.")

    @Option(name: .customLong("run"), help: "Run folder written by `ictu compute`.") var runFolder = "run"
    @Option(help: "City manifest for the scenarios drawn in the viewer, when the city moved since the run was computed (default: found from the run's record).") var city: String?
    @Option(help: "An offline basemap shown under the maps: an MBTiles or PMTiles file of raster tiles (default: the manifest's `basemap:`, if any).") var basemap: String?
    @Option(help: "Address to listen on. The default serves this machine only; another address (e.g. 0.0.0.0) exposes the maps and the scenario API to everyone who can reach it, without authentication or TLS.")
    var host = "127.0.0.1"
    @Option(help: "Port (0: any free port, printed).") var port = 8080
    @Option(name: .customLong("idle-timeout"), help: "Seconds after which a connection that sends no complete request is closed.") var idleTimeout = 30.0
    @Option(name: .customLong("cache-mb"), help: "Memory for rendered tiles, MiB.") var cacheMB = 64
    @OptionGroup var rasterCache: RasterCacheOption
    /// Runs above this many cells get the smaller raster cache by default (25 M: a 10 km city at 2 m).
    static let largeCityCells = 25_000_000

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port takes 0–65535 (0: any free port), got \(port)") }
        guard cacheMB >= 0 else { throw ValidationError("--cache-mb must be ≥ 0") }
        guard idleTimeout > 0, idleTimeout.isFinite else { throw ValidationError("--idle-timeout must be a positive number of seconds") }
    }

    func run() async throws {
        // A scenario reads the run's stacks over the region its air reaches (≈ 250 MB decoded for a 10 ha park at 2 m):
        // held in the cache with the tiles' blocks, a polygon moved by a few metres reads them again from memory
        // (512 MiB). A large city's park grid and readers take more of the server's memory: there 320 MiB keeps it
        // within 2 GiB (the 25 km metropolis at 2 m: 1.8 GiB with a 10 ha park posted; 2.1 GiB at 512).
        let cells = (try? RunFolder(runFolder)).map { $0.record.grid.width * $0.record.grid.height } ?? 0
        rasterCache.apply(default: cells > Self.largeCityCells ? 320 : 512)
        let service = try RunService(run: runFolder, manifest: city, basemap: basemap, cacheBytes: cacheMB << 20)
        if !ViewerServer.isLoopback(host) {
            FileHandle.standardError.write(Data("""
            ictu: warning: serving on \(host), beyond this machine: anyone who can reach it sees the maps and can post scenarios. \
            There is no authentication and no TLS: put it behind your reverse proxy (TLS, access control) before opening it wider.\n
            """.utf8))
        }
        do { try await serve(service) } catch let error where "\(error)".contains("Address already in use") {
            throw RefusedPort(description: "port \(port) on \(host) is already in use by another program: choose another with --port, or --port 0 for any free port")
        }
    }

    struct RefusedPort: Error, CustomStringConvertible { let description: String }

    func serve(_ service: RunService) async throws {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let runFolder = runFolder
        try await ViewerServer.serve(service: service, host: host, port: port, idleTimeout: .milliseconds(Int64(idleTimeout * 1000))) { bound in
            // Straight to the file descriptor: the line must reach a pipe at once (scripts wait for it).
            FileHandle.standardOutput.write(Data("ictu: serving \(runFolder) on http://\(shownHost):\(bound)/ (viewer), API under /api and /tiles; Ctrl-C stops\n".utf8))
        }
    }
}
