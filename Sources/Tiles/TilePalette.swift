import GeoIO
import Reports

/// A tile's palette and each pixel's index in it, straight from the values: the colouring and the palette lookup in
/// one pass. A bin of the ramp whose values all have one colour (`ColourRamp.uniformColour`) is looked up once per
/// tile and remembered; a value in a bin straddling a change of colour has its colour computed and looked up. Colours
/// are numbered in the order the pixels first show them, transparent (no data) included, as `PNGImage.palette` numbers
/// the packed pixels: the PNG is the same, byte for byte.
enum TilePalette {
    /// The palette and indices of `values` on `ramp` (NaN transparent), or nil when the tile has more than 256 colours.
    static func indexed(_ values: UnsafeBufferPointer<Float>, ramp: ColourRamp) -> (colours: [UInt32], indices: [UInt8])? {
        var colours = PaletteIndex()
        var binIndex = [Int16](repeating: -1, count: ColourRamp.binCount)
        var indices = [UInt8](repeating: 0, count: values.count)
        var noDataIndex: Int16 = -1
        let complete = indices.withUnsafeMutableBufferPointer { out in
            binIndex.withUnsafeMutableBufferPointer { known in
                for i in 0..<values.count {
                    let value = values[i]
                    if value.isNaN {
                        if noDataIndex < 0 { guard let k = colours.index(of: 0) else { return false }; noDataIndex = Int16(k) }
                        out[i] = UInt8(noDataIndex)
                        continue
                    }
                    let bin = ramp.bin(value)
                    if known[bin] >= 0 { out[i] = UInt8(known[bin]); continue }
                    let uniform = ramp.uniformColour(bin: bin)
                    guard let k = colours.index(of: uniform != 0 ? uniform : ramp.packed(value)) else { return false }
                    if uniform != 0 { known[bin] = Int16(k) }
                    out[i] = UInt8(k)
                }
                return true
            }
        }
        return complete ? (colours.colours, indices) : nil
    }
}
