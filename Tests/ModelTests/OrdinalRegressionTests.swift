import Foundation
import Testing
@testable import Model

/// The survey model: votes made from a known latent relation are fitted back.
@Suite struct OrdinalRegressionTests {
    /// 600 answers: felt = ICTU + logistic noise (scale 1.5 °C); vote k when felt crosses τ = 28, 33, 38, 43 °C.
    static func synthetic(n: Int = 600) -> (scores: [Double], votes: [Int]) {
        var scores: [Double] = [], votes: [Int] = []
        let tau = [28.0, 33, 38, 43]
        for i in 0..<n {
            let x = 25 + 21 * Double((i * 7919) % n) / Double(n)
            // A deterministic uniform in (0, 1), then the logistic quantile.
            let u = (Double((i * 104_729 + 13) % 9973) + 0.5) / 9973
            let felt = x + 1.5 * log(u / (1 - u))
            scores.append(x); votes.append(tau.filter { felt > $0 }.count)
        }
        return (scores, votes)
    }

    @Test func thresholdsAreRecoveredWithinTheirBootstrapUncertainty() throws {
        let (scores, votes) = Self.synthetic()
        let fit = try #require(OrdinalFit.fit(scores: scores, votes: votes, levels: 5))
        let se = try #require(OrdinalFit.thresholdStandardErrors(scores: scores, votes: votes, levels: 5))
        for (k, truth) in [28.0, 33, 38, 43].enumerated() {
            #expect(abs(fit.thresholds[k] - truth) < 3 * se[k], "τ\(k + 1) = \(fit.thresholds[k]) ± \(se[k]) vs \(truth)")
            #expect(se[k] > 0.05 && se[k] < 1, "a plausible uncertainty for 600 answers: \(se[k])")
        }
        // Slope: 1 / 1.5 per °C.
        #expect(abs(fit.slope - 1 / 1.5) < 0.15, "slope \(fit.slope)")
    }

    @Test func rankStatisticsOnKnownCases() {
        #expect(abs(RankAgreement.spearman([1, 2, 3, 4], [10, 20, 30, 40]) - 1) < 1e-12)
        #expect(abs(RankAgreement.spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12)
        #expect(RankAgreement.auc(score: [1, 2, 3, 4], positive: [false, false, true, true]) == 1)
        #expect(RankAgreement.auc(score: [1, 1, 1, 1], positive: [false, true, false, true]) == 0.5)
    }

    @Test func aLevelWithoutVotesIsRefused() {
        #expect(OrdinalFit.fit(scores: [1, 2, 3, 4, 5, 6], votes: [0, 0, 1, 1, 3, 3], levels: 4) == nil, "level 2 has no vote")
    }
}
