import Foundation

/// Other felt-temperature indices, for checking a reading by hand (`ictu comfort`).
public enum ComfortIndices {
    /// Humidex (Masterson & Richardson 1979, Environment Canada): Ta + 5/9·(e − 10), with e (hPa) from the
    /// dew point by e = 6.11·exp(5417.7530·(1/273.16 − 1/Td)).
    public static func humidex(airTemperature ta: Double, relativeHumidity rh: Double) -> Double {
        let dewPoint = Humidity.dewPoint(vapourPressure: Humidity.vapourPressure(celsius: ta, relativeHumidity: rh)) + 273.15
        let e = 6.11 * exp(5417.7530 * (1 / 273.16 - 1 / dewPoint))
        return ta + 5.0 / 9.0 * (e - 10)
    }

    /// Environment Canada's reading of a humidex value.
    public static func humidexReading(_ h: Double) -> String {
        switch h {
        case ..<30: "little or no discomfort"
        case 30..<40: "some discomfort"
        case 40..<46: "great discomfort; avoid exertion"
        default: "dangerous; heat stroke possible"
        }
    }

    /// NWS heat index (Rothfusz 1990 regression with the NWS adjustments; the simple Steadman form below 80 °F), °C.
    public static func heatIndex(airTemperature ta: Double, relativeHumidity rh: Double) -> Double {
        let t = ta * 9 / 5 + 32
        let simple = 0.5 * (t + 61 + (t - 68) * 1.2 + rh * 0.094)
        var hi: Double
        if (simple + t) / 2 < 80 {
            hi = simple
        } else {
            hi = -42.379 + 2.04901523 * t + 10.14333127 * rh - 0.22475541 * t * rh - 0.00683783 * t * t
                - 0.05481717 * rh * rh + 0.00122874 * t * t * rh + 0.00085282 * t * rh * rh - 0.00000199 * t * t * rh * rh
            if rh < 13, t >= 80, t <= 112 { hi -= (13 - rh) / 4 * ((17 - abs(t - 95)) / 17).squareRoot() }
            if rh > 85, t >= 80, t <= 87 { hi += (rh - 85) / 10 * ((87 - t) / 5) }
        }
        return (hi - 32) * 5 / 9
    }

    /// NWS reading of a heat index value (°C).
    public static func heatIndexReading(_ celsius: Double) -> String {
        switch celsius * 9 / 5 + 32 {
        case ..<80: "no warning"
        case 80..<91: "caution"
        case 91..<104: "extreme caution"
        case 104..<125: "danger"
        default: "extreme danger"
        }
    }

    /// Apparent temperature (Steadman 1994, as used by Australia's Bureau of Meteorology), shade version:
    /// Ta + 0.33·e − 0.70·v − 4.00, e in hPa, v wind at 10 m in m/s.
    public static func apparentTemperature(airTemperature ta: Double, relativeHumidity rh: Double, wind v: Double) -> Double {
        ta + 0.33 * Humidity.vapourPressure(celsius: ta, relativeHumidity: rh) - 0.70 * v - 4.00
    }
}
