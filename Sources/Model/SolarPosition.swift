import Foundation

/// The sun's position (NOAA solar calculator, after Meeus), accurate to ~0.01° for 1800–2100:
/// enough for shadows at 1–2 m cells.
public struct SolarPosition: Sendable, Equatable {
    /// Elevation above the horizon, degrees (refraction not applied).
    public let elevationDegrees: Double
    /// Azimuth clockwise from north, degrees 0 ..< 360.
    public let azimuthDegrees: Double

    public init(elevationDegrees: Double, azimuthDegrees: Double) {
        self.elevationDegrees = elevationDegrees
        self.azimuthDegrees = azimuthDegrees
    }

    /// Position at a UTC instant (seconds since 1970) for a place in degrees (east-positive longitude).
    public init(utcSeconds: Int, latitude: Double, longitude: Double) {
        let julianDay = Double(utcSeconds) / 86400 + 2440587.5
        let t = (julianDay - 2451545) / 36525
        let rad = Double.pi / 180
        let l0 = (280.46646 + t * (36000.76983 + t * 0.0003032)).truncatingRemainder(dividingBy: 360)
        let m = 357.52911 + t * (35999.05029 - 0.0001537 * t)
        let e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
        let c = sin(m * rad) * (1.914602 - t * (0.004817 + 0.000014 * t)) + sin(2 * m * rad) * (0.019993 - 0.000101 * t)
            + sin(3 * m * rad) * 0.000289
        let trueLongitude = l0 + c
        let omega = 125.04 - 1934.136 * t
        let lambda = trueLongitude - 0.00569 - 0.00478 * sin(omega * rad)
        let epsilon0 = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60
        let epsilon = epsilon0 + 0.00256 * cos(omega * rad)
        let declination = asin(sin(epsilon * rad) * sin(lambda * rad))
        let y = pow(tan(epsilon * rad / 2), 2)
        let equationOfTime = 4 / rad * (y * sin(2 * l0 * rad) - 2 * e * sin(m * rad) + 4 * e * y * sin(m * rad) * cos(2 * l0 * rad)
            - 0.5 * y * y * sin(4 * l0 * rad) - 1.25 * e * e * sin(2 * m * rad))
        let minutesUTC = (julianDay + 0.5 - (julianDay + 0.5).rounded(.down)) * 1440
        var trueSolarTime = (minutesUTC + equationOfTime + 4 * longitude).truncatingRemainder(dividingBy: 1440)
        if trueSolarTime < 0 { trueSolarTime += 1440 }
        let hourAngle = (trueSolarTime / 4 < 0 ? trueSolarTime / 4 + 180 : trueSolarTime / 4 - 180) * rad
        let phi = latitude * rad
        let cosZenith = max(-1, min(1, sin(phi) * sin(declination) + cos(phi) * cos(declination) * cos(hourAngle)))
        let zenith = acos(cosZenith)
        elevationDegrees = 90 - zenith / rad
        let azimuthCos = (sin(phi) * cos(zenith) - sin(declination)) / (cos(phi) * sin(zenith))
        var azimuth = acos(max(-1, min(1, azimuthCos))) / rad
        azimuth = hourAngle > 0 ? (azimuth + 180).truncatingRemainder(dividingBy: 360) : (540 - azimuth).truncatingRemainder(dividingBy: 360)
        azimuthDegrees = azimuth
    }
}
