import Foundation
import Testing
@testable import Model

/// docs/model.md's checks on constructed scenes (reference hot day 20 July, Ta 21 → 35 °C, Bordeaux).
@Suite struct ComfortFieldTests {
    @Test func tableMatchesThePolynomial() {
        let table = UTCITable(wind: 1.0, airTemperature: 20...40, vapourPressureKPa: 1...2.5)
        var worst = 0.0
        for ta in stride(from: 21.0, through: 39, by: 1.37) {
            for d in stride(from: -25.0, through: 65, by: 3.3) {
                for pa in stride(from: 1.1, through: 2.4, by: 0.23) {
                    let exact = UTCI.polynomialValue(ta: ta, wind: 1, radiantDifference: d, vapourPressureKPa: pa)
                    worst = max(worst, abs(table.value(ta: ta, radiantDifference: d, vapourPressureKPa: pa) - exact))
                }
            }
        }
        #expect(worst < 0.02, "worst table error \(worst) °C")
    }

    @Test func eastWestTreeLinedStreetIsCoolerThanNorthSouthBareStreet() {
        // docs/model.md: E–W street (H/W 0.8, 80 % canopy) vs N–S bare street at 14 h ≈ −6.9 °C (city: up to −7.5).
        let bare = Scenes.canyons(northSouth: true, height: 12)
        let trees = Scenes.canyons(northSouth: false, height: 12, canopy: 0.8)
        let difference = Scenes.streetMean(Scenes.field(trees, hours: [14], regime: .day).ictu, trees)
            - Scenes.streetMean(Scenes.field(bare, hours: [14], regime: .day).ictu, bare)
        #expect(difference <= -6 && difference >= -7.5, "E–W trees − N–S bare = \(difference) °C")
    }

    @Test func fullCanopyCoolsMostlyByShadeAndStressRemovesMostOfIt() {
        // docs/model.md: full canopy vs none at 14 h ≈ 7.6 °C, ≈ 75 % shade / 25 % air; fully stressed trees keep ≈ 37 %.
        let none = Scenes.field(Scenes.openGround(albedo: 0.12), hours: [14], regime: .day)
        let healthy = Scenes.field(Scenes.openGround(albedo: 0.12, canopy: 1), hours: [14], regime: .day)
        let stressed = Scenes.field(Scenes.openGround(albedo: 0.12, canopy: 1, stress: 1), hours: [14], regime: .day)
        let cooling = Double(none.ictu[80, 80] - healthy.ictu[80, 80])
        #expect(cooling > 6.8 && cooling < 8.4, "full canopy cools \(cooling) °C")
        // Shade share: the Tmrt part of the canopy's contribution; air = cooling − shade.
        let airShare = Double(none.airTemperature[80, 80] - healthy.airTemperature[80, 80]) * 0.97 / cooling
        #expect(airShare > 0.18 && airShare < 0.32, "air share \(airShare)")
        let kept = Double(none.ictu[80, 80] - stressed.ictu[80, 80]) / cooling
        #expect(kept < 0.5, "full hydric stress removes more than half of a tree's cooling (kept \(kept))")
        #expect(abs(kept - 0.37) < 0.06, "docs/model.md: a fully stressed tree keeps ≈ 37 % (kept \(kept))")
    }

    @Test func lightMineralSquareIsHotterThanAnOpenStreetByDay() {
        // docs/model.md / the city: a light mineral square adds ≈ +2 °C on average and up to +6 °C. Street: asphalt,
        // H/W 0.8 (12 m / 15 m), both orientations averaged. Day regime 09–20 h, night otherwise.
        let square = Scenes.openGround(albedo: 0.45)
        let streets = [true, false].map { Scenes.canyons(northSouth: $0, height: 12, albedo: 0.12) }
        var differences: [Double] = []
        for hour in 8...20 {
            let regime: Regime = hour >= 9 ? .day : .night
            let s = Double(Scenes.field(square, hours: [hour], regime: regime).ictu[80, 80])
            let t = streets.map { Scenes.streetMean(Scenes.field($0, hours: [hour], regime: regime).ictu, $0) }.reduce(0, +) / 2
            differences.append(s - t)
        }
        let mean = differences.reduce(0, +) / Double(differences.count), peak = differences.max()!
        #expect(mean >= 2 && mean <= 3, "daytime mean +\(mean) °C")
        #expect(peak > 2 && peak <= 6, "peak +\(peak) °C")
    }

    @Test func termsSumToTheValueAtEveryCell() {
        let scene = Scenes.canyons(northSouth: false, height: 12, canopy: 0.5, stress: 0.4)
        for (hours, regime) in [([14, 15, 16, 17], Regime.day), ([22, 23, 0, 3, 6], Regime.night)] {
            let field = Scenes.field(scene, hours: hours, regime: regime)
            for i in stride(from: 0, to: field.ictu.count, by: 7) where !field.ictu.values[i].isNaN {
                let sum = ComfortTerm.allCases.reduce(0.0) { $0 + Double(field.terms[$1]!.values[i]) }
                #expect(abs(sum - Double(field.ictu.values[i])) < 1e-3)
            }
            // The linear parts carry nearly everything: the residual stays small.
            let residual = field.terms[.residual]!.values.filter { !$0.isNaN }.map { abs($0) }.max()!
            #expect(residual < 0.5, "largest residual \(residual) °C (\(regime))")
        }
    }
}
