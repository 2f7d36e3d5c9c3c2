import Foundation

/// The share of a standing person's view of the upper hemisphere that is sky, from the sky view factor of a
/// horizontal surface at the cell (docs/model.md eq. 5, "the cell's view").
///
/// A horizontal surface weighs a direction at elevation e by sin e·cos e (SVF = 1 − mean sin² of the horizon), so
/// the obstacles low on the horizon count little. A standing body is mostly vertical: its sides weigh a direction by
/// cos² e, and see those obstacles as a larger share. For a horizon at the same elevation θ all around (then
/// SVF = cos² θ), the sky above θ is 1 − (2θ + sin 2θ)/π of a vertical surface's view: at SVF 0.7 the walls fill
/// 66 % of the sides' view of the upper hemisphere, 30 % of the top's. The body's view is the top's and the sides'
/// by their view factors.
public struct BodySkyView: Sendable {
    let top: Double, sides: Double
    /// The sides' sky share against s = sin θ = √(1 − SVF), in equal steps of s: the curve is smooth in s (its slope
    /// is −4·cos θ/π), so linear interpolation between 512 steps is exact to 1e-5.
    let table: [Double]
    static let steps = 512

    public init(radiative r: RadiativeCoefficients) {
        top = r.topViewFactor
        sides = 2 * r.sideViewFactor
        table = (0...Self.steps).map { k in Self.sidesSky(sinElevation: Double(k) / Double(Self.steps)) }
    }

    /// The sky's share of a vertical surface's view of the upper hemisphere under a horizon at elevation asin(s).
    static func sidesSky(sinElevation s: Double) -> Double {
        let theta = asin(min(1, max(0, s)))
        return 1 - (2 * theta + sin(2 * theta)) / .pi
    }

    /// The body's sky share for a horizontal sky view factor `svf`.
    @inline(__always)
    public func sky(_ svf: Double) -> Double {
        let s = (max(0, 1 - svf)).squareRoot() * Double(Self.steps)
        let k = min(Int(s), Self.steps - 1), f = s - Double(k)
        let side = table[k] + (table[k + 1] - table[k]) * f
        return (top * min(1, max(0, svf)) + sides * side) / (top + sides)
    }
}
