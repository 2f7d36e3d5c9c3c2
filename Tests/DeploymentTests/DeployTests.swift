import Foundation
import GeoIO
import TestFixtures
import Testing
import Yams
@testable import Run
@testable import Support

/// The job manifests in Deploy/ run as written: the Kubernetes Indexed Job's and the Slurm array's own commands are
/// run here with the variables their schedulers set (JOB_COMPLETION_INDEX; SLURM_ARRAY_TASK_ID and _COUNT), one
/// process per task, then their mosaic step; the run they assemble is the one-machine run, pixel for pixel.
@Suite(.serialized, .tags(.endToEnd)) struct DeployTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Deploy").standardizedFileURL.path
    static let tasks = 2
    static let root = TestFiles.root + "ictu-deploy-\(UUID().uuidString)"

    /// The 20 m city computed on one machine, in the blocks the tasks use.
    static let single: String = {
        let out = root + "/single"
        do {
            let result = try IctuCommand.ictu(["compute", "--city", IctuCommand.city, "--out", out, "--block", "64"])
            if result.status != 0 { Issue.record("compute: \(result.errors)") }
        } catch { Issue.record("\(error)") }
        return out
    }()

    /// Runs `script` with `program` (/bin/sh -c or bash FILE) and `environment` added to this process's, `ictu` on the PATH.
    static func launch(_ program: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program[0])
        process.arguments = Array(program.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = URL(fileURLWithPath: IctuCommand.ictu).deletingLastPathComponent().path + ":/usr/bin:/bin"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        let log = root + "/log-\(UUID().uuidString).txt"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 { Issue.record("\(program.joined(separator: " ")) failed: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
        return process
    }

    static func runTasks(_ count: Int, _ task: @escaping @Sendable (Int) throws -> Process) throws {
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: count) { i in
            if (try? task(i))?.terminationStatus != 0 { _ = failures.increment() }
        }
        #expect(failures.value == 0)
    }

    static func expectSameDayMap(_ run: String) throws {
        let a = try RasterDataset.open(single + "/ictu_day.tif"), b = try RasterDataset.open(run + "/ictu_day.tif")
        let x = try a.band(1).read(x: 0, y: 0, width: a.width, height: a.height), y = try b.band(1).read(x: 0, y: 0, width: b.width, height: b.height)
        #expect(x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern })
        #expect(try RunFolder(run).record.medianDayICTU == RunFolder(single).record.medianDayICTU)
        #expect(FileManager.default.fileExists(atPath: run + "/tiles/day/tilejson.json"), "the mosaic step also exports the tiles")
    }

    @Test func kubernetesIndexedJobAndItsMosaic() throws {
        func job(_ file: String) throws -> (spec: [String: Any], container: [String: Any], script: String, env: [String: String]) {
            let document = try #require(try Yams.load(yaml: String(contentsOfFile: Self.deploy + "/kubernetes/" + file, encoding: .utf8)) as? [String: Any])
            #expect(document["kind"] as? String == "Job")
            let spec = try #require(document["spec"] as? [String: Any])
            let template = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
            let container = try #require((template["containers"] as? [[String: Any]])?.first)
            let args = try #require(container["args"] as? [String])
            #expect(container["command"] as? [String] == ["/bin/sh", "-c"] && args.count == 1)
            var env: [String: String] = [:]
            for item in container["env"] as? [[String: Any]] ?? [] { env[item["name"] as! String] = "\(item["value"]!)" }
            return (spec, container, args[0], env)
        }
        let partitions = try job("partitions.yaml"), mosaic = try job("mosaic.yaml")
        #expect(partitions.spec["completionMode"] as? String == "Indexed")
        let count = try #require(Int(partitions.env["ICTU_PARTITIONS"] ?? ""))
        #expect(partitions.spec["completions"] as? Int == count && partitions.spec["parallelism"] as? Int == count)
        #expect(mosaic.env["ICTU_PARTITIONS"] == partitions.env["ICTU_PARTITIONS"] && mosaic.env["ICTU_PARTS"] == partitions.env["ICTU_PARTS"])

        // The manifests' commands, with the volume's paths and the count the test city can be cut into.
        let parts = Self.root + "/k8s-parts", run = Self.root + "/k8s-run"
        let env = ["ICTU_CITY": IctuCommand.city, "ICTU_PARTS": parts, "ICTU_PARTITIONS": "\(Self.tasks)", "ICTU_BLOCK": "64", "ICTU_RUN": run]
        let script = partitions.script
        try Self.runTasks(Self.tasks) { i in
            try Self.launch(["/bin/sh", "-c", script], environment: env.merging(["JOB_COMPLETION_INDEX": "\(i)"]) { $1 })
        }
        _ = try Self.launch(["/bin/sh", "-c", mosaic.script], environment: env)
        try Self.expectSameDayMap(run)
    }

    @Test func slurmArrayAndItsMosaic() throws {
        let text = try String(contentsOfFile: Self.deploy + "/slurm/partitions.sbatch", encoding: .utf8)
        #expect(text.contains("#SBATCH --array=0-"))
        let parts = Self.root + "/slurm-parts", run = Self.root + "/slurm-run"
        let env = ["ICTU_CITY": IctuCommand.city, "ICTU_PARTS": parts, "ICTU_BLOCK": "64", "ICTU_RUN": run]
        try Self.runTasks(Self.tasks) { i in
            try Self.launch(["/bin/bash", Self.deploy + "/slurm/partitions.sbatch"],
                            environment: env.merging(["SLURM_ARRAY_TASK_ID": "\(i)", "SLURM_ARRAY_TASK_COUNT": "\(Self.tasks)"]) { $1 })
        }
        _ = try Self.launch(["/bin/bash", Self.deploy + "/slurm/mosaic.sbatch"], environment: env)
        try Self.expectSameDayMap(run)
    }
}
