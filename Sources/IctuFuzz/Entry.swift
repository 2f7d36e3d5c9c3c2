import Foundation

#if FUZZING
// libFuzzer calls this once per generated input (Fuzz/run.sh builds with `--sanitize fuzzer -Xswiftc -DFUZZING`);
// the target is named by ICTU_FUZZ_TARGET.
let selected: FuzzTarget = {
    guard let name = ProcessInfo.processInfo.environment["ICTU_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        fatalError("set ICTU_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    selected.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
#else
/// Without the fuzzer: replays files through a target (`ictu-fuzz TARGET FILE…`), to reproduce a crash the
/// fuzzer saved or to check a corpus; prints how many inputs were accepted.
@main struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            print("usage: ictu-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE…")
            exit(2)
        }
        var accepted = 0
        for file in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else { print("\(file): cannot be read"); exit(2) }
            if data.withUnsafeBytes({ target.run($0.bindMemory(to: UInt8.self)) }) { accepted += 1 }
        }
        print("\(target.rawValue): \(arguments.count - 1) inputs, \(accepted) accepted, no crash")
    }
}
#endif
