import Foundation
import Glibc
import Support

/// Counter-based random numbers: the same (seed, keys) always give the same value, in any order,
/// so any cell or tree of the synthetic city can be evaluated independently (and in parallel).
struct DeterministicRandom: Sendable {
    let seed: UInt64

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    func bits(_ keys: Int...) -> UInt64 {
        var h = Self.mix(seed)
        for k in keys { h = Self.mix(h ^ UInt64(bitPattern: Int64(k))) }
        return h
    }

    /// Uniform in [0, 1).
    func uniform(_ keys: Int...) -> Double {
        var h = Self.mix(seed)
        for k in keys { h = Self.mix(h ^ UInt64(bitPattern: Int64(k))) }
        return Double(h >> 11) / Double(1 << 53)
    }

    /// Standard normal (Box–Muller on two counter draws).
    func normal(_ a: Int, _ b: Int, _ c: Int = 0) -> Double {
        let u1 = max(uniform(a, b, c, 1), 1e-12), u2 = uniform(a, b, c, 2)
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }
}

#if canImport(Glibc)
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
#endif
