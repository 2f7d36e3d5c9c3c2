import Foundation

/// Water vapour relations (Buck 1981 / Magnus form, over water; good to 0.1 % between −40 and 50 °C).
public enum Humidity {
    /// Saturation vapour pressure, hPa, at air temperature `celsius`.
    public static func saturationVapourPressure(celsius t: Double) -> Double {
        6.1121 * exp((18.678 - t / 234.5) * (t / (257.14 + t)))
    }

    /// Vapour pressure, hPa, from temperature and relative humidity (%).
    public static func vapourPressure(celsius t: Double, relativeHumidity rh: Double) -> Double {
        saturationVapourPressure(celsius: t) * rh / 100
    }

    /// Relative humidity, %, from temperature and vapour pressure (hPa).
    public static func relativeHumidity(celsius t: Double, vapourPressure e: Double) -> Double {
        100 * e / saturationVapourPressure(celsius: t)
    }

    /// Dew point, °C, from vapour pressure (hPa) — inverse of the Magnus form.
    public static func dewPoint(vapourPressure e: Double) -> Double {
        let g = log(e / 6.1121)
        return 257.14 * g / (18.678 - g)
    }
}
