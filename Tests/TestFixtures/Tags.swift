import Testing

extension Tag {
    /// Tests that generate the sample city, compute runs or drive the command-line tool and a browser: minutes, not
    /// seconds. `swift test --skip EndToEnd` is not a tag filter; run the fast targets alone with
    /// `swift test --filter "GeoIOTests|GridTests|ModelTests|CityTests"` (README, "Tests").
    @Tag public static var endToEnd: Self
}
