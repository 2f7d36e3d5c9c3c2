import ArgumentParser
import Foundation
import Model

struct ComfortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comfort",
        abstract: "Felt-temperature calculator: UTCI (and its class), humidex, heat index, apparent temperature.",
        discussion: "Without --tmrt the mean radiant temperature is taken equal to the air temperature (shade). Wind is at 10 m.")

    @Option(help: "Air temperature, °C.") var ta: Double
    @Option(help: "Relative humidity, %.") var rh: Double
    @Option(help: "Wind speed at 10 m, m/s.") var v10: Double = 1.0
    @Option(help: "Mean radiant temperature, °C (default: = air temperature).") var tmrt: Double?
    @Flag(help: "Machine-readable JSON.") var json = false

    struct Output: Encodable {
        var inputs: [String: Double]
        var utci: Double?, utciClass: String?, utciInvalid: String?
        var humidex: Double, humidexReading: String
        var heatIndex: Double, heatIndexReading: String
        var apparentTemperature: Double
    }

    func validate() throws {
        guard (0...100).contains(rh) else { throw ValidationError("--rh must be within 0…100 %") }
        guard v10 >= 0, v10.isFinite, ta.isFinite else { throw ValidationError("--v10 must be ≥ 0 and --ta a number") }
    }

    func run() throws {
        let radiant = tmrt ?? ta
        var utci: Double? = nil, invalid: String? = nil
        do { utci = try UTCI.value(airTemperature: ta, meanRadiantTemperature: radiant, wind: v10, relativeHumidity: rh) } catch { invalid = "\(error)" }
        let round1 = { (x: Double) in (x * 10).rounded() / 10 }
        let humidex = ComfortIndices.humidex(airTemperature: ta, relativeHumidity: rh)
        let heatIndex = ComfortIndices.heatIndex(airTemperature: ta, relativeHumidity: rh)
        let output = Output(inputs: ["ta": ta, "rh": rh, "v10": v10, "tmrt": radiant],
                            utci: utci.map(round1), utciClass: utci.map { UTCI.StressClass(utci: $0).label }, utciInvalid: invalid,
                            humidex: round1(humidex), humidexReading: ComfortIndices.humidexReading(humidex),
                            heatIndex: round1(heatIndex), heatIndexReading: ComfortIndices.heatIndexReading(heatIndex),
                            apparentTemperature: round1(ComfortIndices.apparentTemperature(airTemperature: ta, relativeHumidity: rh, wind: v10)))
        if json {
            try printJSON(output)
            return
        }
        print(String(format: "Conditions: air %.1f °C, humidity %.0f %%, wind %.1f m/s at 10 m, mean radiant %.1f °C", ta, rh, v10, radiant))
        if let utci = output.utci { print("UTCI                  \(utci) °C — \(output.utciClass!)") } else { print("UTCI                  not defined: \(invalid!)") }
        print("Humidex               \(output.humidex) — \(output.humidexReading)")
        print("Heat index (NWS)      \(output.heatIndex) °C — \(output.heatIndexReading)")
        print("Apparent temperature  \(output.apparentTemperature) °C (Steadman, shade)")
    }
}
