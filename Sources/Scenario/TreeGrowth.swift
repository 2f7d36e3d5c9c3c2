import Foundation

/// How planted crowns grow (scenario plantings at `years_after_planting`): a saturating curve from nursery size
/// to the mature cover and height given in the scenario, f(t) = 1 − exp(−t/τ).
/// At planting a standard nursery tree (16–18 cm girth) is about 3 m tall with a crown near a tenth of its
/// mature spread; τ = 12 years puts it at ≈ 60 % of its mature crown after 10 years and ≈ 92 % after 30,
/// in line with the growth of common street and park trees (plane, lime, oak) in temperate cities.
/// Shrubs establish faster: half their cover at planting, full cover after 5 years.
public enum TreeGrowth {
    public static let timeConstantYears = 12.0
    public static let coverAtPlanting = 0.1
    public static let heightAtPlantingMetres = 3.0
    public static let shrubYearsToFullCover = 5.0

    static func progress(_ years: Double) -> Double { 1 - exp(-max(0, years) / timeConstantYears) }

    /// Crown cover (fraction of the cell) `years` after planting, of a planting whose mature cover is `mature`.
    public static func cover(mature: Double, years: Double) -> Double {
        mature * (coverAtPlanting + (1 - coverAtPlanting) * progress(years))
    }

    /// Crown height, m.
    public static func height(mature: Double, years: Double) -> Double {
        let start = min(mature, heightAtPlantingMetres)
        return start + (mature - start) * progress(years)
    }

    public static func shrubCover(mature: Double, years: Double) -> Double {
        mature * min(1, 0.5 + 0.5 * max(0, years) / shrubYearsToFullCover)
    }
}
