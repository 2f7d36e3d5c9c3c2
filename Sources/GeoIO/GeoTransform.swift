/// GDAL's affine georeference: x = originX + col·cellWidth, y = originY + row·cellHeight (cellHeight < 0, north-up).
public struct GeoTransform: Equatable, Sendable {
    public var originX: Double
    public var cellWidth: Double
    public var rotationX: Double
    public var originY: Double
    public var rotationY: Double
    public var cellHeight: Double

    public init(originX: Double, cellWidth: Double, originY: Double, cellHeight: Double) {
        self.init(coefficients: [originX, cellWidth, 0, originY, 0, cellHeight])
    }

    public init(coefficients c: [Double]) {
        precondition(c.count == 6)
        originX = c[0]; cellWidth = c[1]; rotationX = c[2]; originY = c[3]; rotationY = c[4]; cellHeight = c[5]
    }

    public var coefficients: [Double] { [originX, cellWidth, rotationX, originY, rotationY, cellHeight] }
    public var isNorthUp: Bool { rotationX == 0 && rotationY == 0 && cellHeight < 0 && cellWidth > 0 }
}
