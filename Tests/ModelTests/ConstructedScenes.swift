import Foundation
@testable import Grid
@testable import Model

/// Constructed scenes with known geometry, and the reference hot day of docs/model.md's checks (20 July,
/// Ta 21 → 35 °C, clear sky, Bordeaux), for the physics tests.
enum Scenes {
    static let cell = 2.0
    static let size = 160  // 320 m

    /// The reference hot day at local hour h: Ta from 21 °C (06 h) to 35 °C (16 h), e 15 hPa, wind 2.5 m/s, sun of 20 July 2022.
    static func hotDay(_ localHour: Int) -> HourConditions {
        let h = Double(localHour)
        let ta: Double
        if h >= 6 && h <= 16 { ta = 21 + 14 * (1 - cos(.pi * (h - 6) / 10)) / 2 }
        else { let since = h > 16 ? h - 16 : h + 8; ta = 21 + 14 * (1 - since / 14) }
        let utc = Timestamp.daysFromCivil(year: 2022, month: 7, day: 20) * 86400 + (localHour - 2) * 3600
        let sun = SolarPosition(utcSeconds: utc, latitude: 44.84, longitude: -0.58)
        let noon = SolarPosition(utcSeconds: Timestamp.daysFromCivil(year: 2022, month: 7, day: 20) * 86400 + 12 * 3600 + 8 * 60, latitude: 44.84, longitude: -0.58)
        return HourConditions(localHour: localHour, airTemperature: ta, vapourPressure: 15, wind: 2.5,
                              radiation: HourRadiation.clearSkyGlobal(sunElevationDegrees: sun.elevationDegrees),
                              sunElevationDegrees: sun.elevationDegrees, sunAzimuthDegrees: sun.azimuthDegrees, dayMaxElevationDegrees: noon.elevationDegrees)
    }

    /// Parallel street canyons of width `street` m between blocks `block` m deep, buildings `height` m,
    /// running north–south (`northSouth`) or east–west; street cells sealed (asphalt), with tree `canopy` cover.
    static func canyons(northSouth: Bool, street: Double = 15, block: Double = 30, height: Double = 12, canopy: Float = 0,
                        stress: Float = 0, albedo: Float = 0.12) -> SurfaceLayers {
        var layers = SurfaceLayers(width: size, height: size)
        let period = street + block
        for row in 0..<size { for col in 0..<size {
            let i = row * size + col
            let across = (Double(northSouth ? col : row) + 0.5) * cell
            let inStreet = across.truncatingRemainder(dividingBy: period) < street
            if inStreet {
                layers.impervious.values[i] = 1; layers.albedo.values[i] = albedo
                layers.treeCanopy.values[i] = canopy; layers.canopyStress.values[i] = stress
                layers.canopyHeight.values[i] = canopy > 0 ? 10 : 0
            } else {
                layers.buildingFraction.values[i] = 1; layers.buildingHeight.values[i] = Float(height); layers.albedo.values[i] = 0.2
            }
        } }
        return layers
    }

    /// A uniform open paved area (no buildings, no trees) with the given albedo.
    static func openGround(albedo: Float, canopy: Float = 0, stress: Float = 0) -> SurfaceLayers {
        var layers = SurfaceLayers(width: size, height: size)
        layers.impervious = Plane(width: size, height: size, value: 1)
        layers.albedo = Plane(width: size, height: size, value: albedo)
        layers.treeCanopy = Plane(width: size, height: size, value: canopy)
        layers.canopyStress = Plane(width: size, height: size, value: stress)
        layers.canopyHeight = Plane(width: size, height: size, value: canopy > 0 ? 12 : 0)
        return layers
    }

    static func field(_ layers: SurfaceLayers, hours: [Int], regime: Regime, coefficients: ModelCoefficients = ModelCoefficients()) -> WindowField {
        ComfortField.window(layers: layers, parkInfluence: Plane(width: layers.width, height: layers.height), cellSize: cell,
                            hours: hours.map(hotDay), regime: regime, coefficients: coefficients)
    }

    /// Mean of a plane over the street cells near the centre (away from the scene's edges).
    static func streetMean(_ plane: Plane, _ layers: SurfaceLayers) -> Double {
        var sum = 0.0, n = 0
        for row in 50..<110 { for col in 50..<110 where layers.buildingFraction[col, row] == 0 && !plane[col, row].isNaN {
            sum += Double(plane[col, row]); n += 1
        } }
        return sum / Double(n)
    }
}
