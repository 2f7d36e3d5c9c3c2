import Foundation

/// What the ground looks like at one 2 m (or 1 m) cell of the synthetic city.
struct CellSurface {
    var canopy: Float = 0, shrub: Float = 0, grass: Float = 0
    var impervious: Float = 0, albedo: Float = 0.15, water: Float = 0
    var buildingHeight: Float = 0
    var canopyHeight: Float = 0
    /// True hydric stress of the tree over the cell (0 when no tree), of shrubs and of grass.
    var canopyStress: Float = 0, shrubStress: Float = 0, grassStress: Float = 0
    /// Ground NDMI (Sentinel-2 like) under the canopy, before any tree.
    var groundNDMI: Float = 0
}

/// A tree of the synthetic city (public ones form the municipal inventory).
struct SyntheticTree {
    var id: Int
    var x: Double, y: Double
    var crownRadius: Double
    var height: Double
    var species: String
    var planted: Int
    var stress: Double
    var isPublic: Bool
}

/// A building footprint (axis-aligned rectangle) with its height.
struct SyntheticBuilding {
    var minX: Double, minY: Double, maxX: Double, maxY: Double
    var height: Double
    var use: String
}

/// The kinds of 1 km districts; the four central rows/columns always hold the fixed layout below.
enum DistrictKind: String, CaseIterable {
    case dense = "dense core", square = "dense core with mineral square", houses = "detached houses",
         industrial = "industrial zone", park = "park", quays = "river quays"
}

/// A procedural city: every layer value is a pure function of the position, so it can be produced strip by
/// strip at any size with bounded memory. Coordinates are Lambert-93 metres.
struct SyntheticCity: Sendable {
    let seed: UInt64
    let sizeKm: Int
    let random: DeterministicRandom
    /// South-west corner (Lambert-93): the city is centred on Bordeaux's right bank / Bègles area.
    let minX: Double, minY: Double
    var size: Double { Double(sizeKm) * 1000 }
    /// The river runs north–south at about 80 % of the width, meandering.
    func riverCentre(y: Double) -> Double { minX + size * 0.8 + 120 * sin(2 * Double.pi * (y - minY) / 1800) }
    static let riverHalfWidth = 90.0, quayWidth = 40.0

    init(seed: UInt64, sizeKm: Int) {
        self.seed = seed
        self.sizeKm = sizeKm
        random = DeterministicRandom(seed: seed)
        let centre = (x: 418_000.0, y: 6_421_000.0)
        minX = centre.x - Double(sizeKm) * 500
        minY = centre.y - Double(sizeKm) * 500
    }

    // The fixed 4 × 4 km core (rows from south), so every size holds every urban form.
    static let coreLayout: [[DistrictKind]] = [
        [.houses, .houses, .industrial, .industrial],
        [.park, .dense, .square, .industrial],
        [.houses, .dense, .dense, .houses],
        [.houses, .houses, .dense, .houses],
    ]

    func district(i: Int, j: Int) -> DistrictKind {
        let core0 = sizeKm / 2 - 2
        let ci = i - core0, cj = j - core0
        if ci >= 0, ci < 4, cj >= 0, cj < 4 { return Self.coreLayout[cj][ci] }
        let u = random.uniform(7, i, j)
        switch u {
        case ..<0.3: return .dense
        case ..<0.65: return .houses
        case ..<0.82: return .industrial
        case ..<0.9: return .park
        default: return .houses
        }
    }

    /// Communes: a 3 × 3 (or finer for big cities) partition named after the metropolis's municipalities.
    static let communeNames = ["Bordeaux", "Bègles", "Talence", "Cenon", "Floirac", "Mérignac", "Pessac", "Lormont", "Bruges",
                               "Le Bouscat", "Villenave-d'Ornon", "Eysines"]
    func commune(x: Double, y: Double) -> String {
        let n = max(3, sizeKm / 2)
        let i = min(n - 1, Int((x - minX) / size * Double(n))), j = min(n - 1, Int((y - minY) / size * Double(n)))
        return Self.communeNames[(j * n + i) % Self.communeNames.count]
    }

    /// Whether a building of district (i, j), in district-local coordinates, exists: none over the river or
    /// its quays, none touching the park. Raster cells and footprints both use this rule, so they agree.
    func keeps(_ b: SyntheticBuilding, i: Int, j: Int) -> Bool {
        let x0 = minX + Double(i) * 1000, y0 = minY + Double(j) * 1000
        let dr = abs(x0 + (b.minX + b.maxX) / 2 - riverCentre(y: y0 + (b.minY + b.maxY) / 2))
        if dr < Self.riverHalfWidth + Self.quayWidth + 60 { return false }
        if district(i: i, j: j) == .park, b.maxX > Self.parkMin.x, b.minX < Self.parkMax.x, b.maxY > Self.parkMin.y, b.minY < Self.parkMax.y {
            return false
        }
        return true
    }

    // MARK: - Per-cell surface

    func surface(x: Double, y: Double) -> CellSurface {
        var s = CellSurface()
        // River and quays take precedence over districts.
        let dr = abs(x - riverCentre(y: y))
        if dr < Self.riverHalfWidth {
            s.water = 1; s.albedo = 0.08; s.groundNDMI = 0.6
            return s
        }
        let i = Int((x - minX) / 1000), j = Int((y - minY) / 1000)
        let lx = x - minX - Double(i) * 1000, ly = y - minY - Double(j) * 1000
        if dr < Self.riverHalfWidth + Self.quayWidth {
            s.impervious = 1; s.albedo = 0.3; s.groundNDMI = -0.05
        } else {
            switch district(i: i, j: j) {
            case .dense: dense(&s, i, j, lx, ly, square: false)
            case .square: dense(&s, i, j, lx, ly, square: true)
            case .houses: houses(&s, i, j, lx, ly)
            case .industrial: industrial(&s, i, j, lx, ly)
            case .park: park(&s, i, j, lx, ly)
            case .quays: houses(&s, i, j, lx, ly)
            }
        }
        if s.buildingHeight == 0, let tree = tree(coveringX: x, y: y) {
            s.canopy = 1
            s.canopyHeight = Float(tree.height)
            s.canopyStress = Float(tree.stress)
        }
        return s
    }

    // Dense core: 60 m blocks, 12 m streets; the district's middle E–W street is a 30 m tree-lined boulevard.
    static let densePeriod = 72.0, denseStreet = 12.0, boulevardHalf = 15.0
    private func dense(_ s: inout CellSurface, _ i: Int, _ j: Int, _ lx: Double, _ ly: Double, square: Bool) {
        if abs(ly - 500) < Self.boulevardHalf { street(&s); return }
        if square, abs(lx - 500) < 70, abs(ly - 430) < 55 { s.impervious = 1; s.albedo = 0.45; s.groundNDMI = -0.08; return }
        for b in denseBuildings(i: i, j: j, lx: lx, ly: ly) where keeps(b, i: i, j: j) && lx >= b.minX && lx < b.maxX && ly >= b.minY && ly < b.maxY {
            s.buildingHeight = Float(b.height); s.impervious = 0; s.albedo = 0.2; s.groundNDMI = -0.1
            return
        }
        let bx = lx.truncatingRemainder(dividingBy: Self.densePeriod), by = ly.truncatingRemainder(dividingBy: Self.densePeriod)
        if bx < Self.denseStreet || by < Self.denseStreet { street(&s); return }
        // Courtyard: half lawn, half paving.
        if bx < Self.denseStreet + 30 { s.impervious = 1; s.albedo = 0.25; s.groundNDMI = -0.05 }
        else { s.grass = 1; s.grassStress = 0.5; s.albedo = 0.2; s.groundNDMI = 0.2 }
    }

    /// Buildings of the dense block containing (lx, ly): a perimeter ring of 14 m deep wings around a courtyard.
    func denseBuildings(i: Int, j: Int, lx: Double, ly: Double) -> [SyntheticBuilding] {
        let bi = Int(lx / Self.densePeriod), bj = Int(ly / Self.densePeriod)
        return denseBlock(i: i, j: j, bi: bi, bj: bj)
    }

    func denseBlock(i: Int, j: Int, bi: Int, bj: Int) -> [SyntheticBuilding] {
        let x0 = Double(bi) * Self.densePeriod + Self.denseStreet, y0 = Double(bj) * Self.densePeriod + Self.denseStreet
        let x1 = x0 + Self.densePeriod - Self.denseStreet, y1 = y0 + Self.densePeriod - Self.denseStreet
        guard x1 <= 1000, y1 <= 1000 else { return [] }
        // Blocks cut by the boulevard or the square are left open.
        if y1 > 500 - Self.boulevardHalf && y0 < 500 + Self.boulevardHalf { return [] }
        if district(i: i, j: j) == .square, x1 > 430, x0 < 570, y1 > 375, y0 < 485 { return [] }
        let depth = 14.0
        let h = { (k: Int) in 15 + 10 * self.random.uniform(11, i, j, bi, bj, k) }
        return [
            SyntheticBuilding(minX: x0, minY: y1 - depth, maxX: x1, maxY: y1, height: h(0), use: "residential"),
            SyntheticBuilding(minX: x0, minY: y0, maxX: x1, maxY: y0 + depth, height: h(1), use: "residential"),
            SyntheticBuilding(minX: x0, minY: y0 + depth, maxX: x0 + depth, maxY: y1 - depth, height: h(2), use: "residential"),
            SyntheticBuilding(minX: x1 - depth, minY: y0 + depth, maxX: x1, maxY: y1 - depth, height: h(3),
                              use: random.uniform(12, i, j, bi, bj) < 0.08 ? "school" : "residential"),
        ]
    }

    private func street(_ s: inout CellSurface) { s.impervious = 1; s.albedo = 0.12; s.groundNDMI = -0.05 }

    // Detached houses: 80 m blocks of 8 lots (20 × 40 m), 10 m streets, a 10 × 10 m house per lot.
    static let housePeriod = 90.0, houseStreet = 10.0
    private func houses(_ s: inout CellSurface, _ i: Int, _ j: Int, _ lx: Double, _ ly: Double) {
        let bx = lx.truncatingRemainder(dividingBy: Self.housePeriod), by = ly.truncatingRemainder(dividingBy: Self.housePeriod)
        if bx < Self.houseStreet || by < Self.houseStreet || lx > 990 || ly > 990 { street(&s); return }
        for b in houseBuildings(i: i, j: j, lx: lx, ly: ly) where keeps(b, i: i, j: j) && lx >= b.minX && lx < b.maxX && ly >= b.minY && ly < b.maxY {
            s.buildingHeight = Float(b.height); s.albedo = 0.18; s.groundNDMI = -0.1
            return
        }
        let lotY = (by - Self.houseStreet).truncatingRemainder(dividingBy: 40)
        if lotY < 4 { s.impervious = 1; s.albedo = 0.2; s.groundNDMI = -0.05; return } // driveway
        if random.uniform(21, i, j, Int(lx / 6), Int(ly / 6)) < 0.2 { s.shrub = 1; s.shrubStress = 0.25; s.groundNDMI = 0.25 }
        else { s.grass = 1; s.grassStress = 0.4; s.groundNDMI = 0.18 }
        s.albedo = 0.2
    }

    func houseBuildings(i: Int, j: Int, lx: Double, ly: Double) -> [SyntheticBuilding] {
        houseLot(i: i, j: j, bi: Int(lx / Self.housePeriod), bj: Int(ly / Self.housePeriod),
                 lot: Int((lx.truncatingRemainder(dividingBy: Self.housePeriod) - Self.houseStreet) / 20),
                 row: Int((ly.truncatingRemainder(dividingBy: Self.housePeriod) - Self.houseStreet) / 40))
    }

    func houseLot(i: Int, j: Int, bi: Int, bj: Int, lot: Int, row: Int) -> [SyntheticBuilding] {
        guard lot >= 0, lot < 4, row >= 0, row < 2 else { return [] }
        let x0 = Double(bi) * Self.housePeriod + Self.houseStreet + Double(lot) * 20 + 5
        let y0 = Double(bj) * Self.housePeriod + Self.houseStreet + Double(row) * 40 + 8
        guard x0 + 10 <= 990, y0 + 10 <= 990 else { return [] }
        return [SyntheticBuilding(minX: x0, minY: y0, maxX: x0 + 10, maxY: y0 + 10,
                                  height: 5.5 + 2 * random.uniform(22, i, j, bi, bj, lot, row), use: "residential")]
    }

    // Industrial: 150 m plots, a 90 × 60 m hall, the rest a dark car park.
    static let industrialPeriod = 160.0
    private func industrial(_ s: inout CellSurface, _ i: Int, _ j: Int, _ lx: Double, _ ly: Double) {
        let bx = lx.truncatingRemainder(dividingBy: Self.industrialPeriod), by = ly.truncatingRemainder(dividingBy: Self.industrialPeriod)
        if bx < 10 || by < 10 || lx > 960 || ly > 960 { street(&s); return }
        for b in industrialBuildings(i: i, j: j, lx: lx, ly: ly) where keeps(b, i: i, j: j) && lx >= b.minX && lx < b.maxX && ly >= b.minY && ly < b.maxY {
            s.buildingHeight = Float(b.height); s.albedo = 0.3; s.groundNDMI = -0.12
            return
        }
        if bx > 150 || by > 150 { s.grass = 1; s.grassStress = 0.8; s.albedo = 0.22; s.groundNDMI = 0.05; return }
        s.impervious = 1; s.albedo = 0.1; s.groundNDMI = -0.06
    }

    func industrialBuildings(i: Int, j: Int, lx: Double, ly: Double) -> [SyntheticBuilding] {
        industrialPlot(i: i, j: j, bi: Int(lx / Self.industrialPeriod), bj: Int(ly / Self.industrialPeriod))
    }

    func industrialPlot(i: Int, j: Int, bi: Int, bj: Int) -> [SyntheticBuilding] {
        let x0 = Double(bi) * Self.industrialPeriod + 20, y0 = Double(bj) * Self.industrialPeriod + 60
        guard x0 + 90 <= 960, y0 + 60 <= 960 else { return [] }
        return [SyntheticBuilding(minX: x0, minY: y0, maxX: x0 + 90, maxY: y0 + 60,
                                  height: 8 + 4 * random.uniform(31, i, j, bi, bj), use: "industrial")]
    }

    // Park: a 500 × 400 m wooded park (20 ha) with lawns, shrubs and a pond; houses around it.
    static let parkMin = (x: 250.0, y: 300.0), parkMax = (x: 750.0, y: 700.0)
    func inPark(_ lx: Double, _ ly: Double) -> Bool {
        lx >= Self.parkMin.x && lx < Self.parkMax.x && ly >= Self.parkMin.y && ly < Self.parkMax.y
    }
    private func park(_ s: inout CellSurface, _ i: Int, _ j: Int, _ lx: Double, _ ly: Double) {
        guard inPark(lx, ly) else { houses(&s, i, j, lx, ly); return }
        if abs(lx - 560) < 40, abs(ly - 520) < 25 { s.water = 1; s.albedo = 0.08; s.groundNDMI = 0.6; return }
        if abs(ly - 500) < 2 || abs(lx - 400) < 2 { s.impervious = 0.5; s.grass = 0.5; s.albedo = 0.3; s.groundNDMI = 0.05; return }
        if random.uniform(41, i, j, Int(lx / 12), Int(ly / 12)) < 0.25 { s.shrub = 1; s.shrubStress = 0.15; s.albedo = 0.18; s.groundNDMI = 0.3 }
        else { s.grass = 1; s.grassStress = 0.15; s.albedo = 0.2; s.groundNDMI = 0.25 }
    }

    // MARK: - Trees

    /// Trees whose crown may cover (x, y): looks up only the lattice nodes nearby.
    func tree(coveringX x: Double, y: Double) -> SyntheticTree? {
        let i = Int((x - minX) / 1000), j = Int((y - minY) / 1000)
        for t in trees(nearX: x, y: y, i: i, j: j) {
            let dx = x - t.x, dy = y - t.y
            if dx * dx + dy * dy <= t.crownRadius * t.crownRadius { return t }
        }
        return nil
    }

    private func trees(nearX x: Double, y: Double, i: Int, j: Int) -> [SyntheticTree] {
        guard i >= 0, j >= 0, i < sizeKm, j < sizeKm else { return [] }
        let lx = x - minX - Double(i) * 1000, ly = y - minY - Double(j) * 1000
        var out: [SyntheticTree] = []
        let kind = district(i: i, j: j)
        if (kind == .dense || kind == .square), abs(ly - 500) < Self.boulevardHalf + 6 {
            let k = Int((lx / 8).rounded())
            for dk in -1...1 { for side in 0..<2 { if let t = boulevardTree(i: i, j: j, k: k + dk, side: side) { out.append(t) } } }
        }
        if kind == .park, inPark(lx, ly) {
            let a = Int((lx / 10).rounded()), b = Int((ly / 10).rounded())
            for da in -1...1 { for db in -1...1 { if let t = parkTree(i: i, j: j, a: a + da, b: b + db) { out.append(t) } } }
        }
        if kind == .houses || kind == .quays || (kind == .park && !inPark(lx, ly)) {
            let bi = Int(lx / Self.housePeriod), bj = Int(ly / Self.housePeriod)
            for lot in 0..<4 { for row in 0..<2 { if let t = gardenTree(i: i, j: j, bi: bi, bj: bj, lot: lot, row: row) { out.append(t) } } }
        }
        let dr = x - riverCentre(y: y)
        if abs(abs(dr) - (Self.riverHalfWidth + Self.quayWidth - 6)) < 7 {
            let k = Int(((y - minY) / 10).rounded())
            for dk in -1...1 { if let t = quayTree(k: k + dk, east: dr > 0) { out.append(t) } }
        }
        return out
    }

    /// A stable id from the tree's lattice position.
    private func treeID(_ kind: Int, _ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Int {
        Int(DeterministicRandom.mix(UInt64(kind) << 56 ^ UInt64(a & 0xFFF) << 44 ^ UInt64(b & 0xFFF) << 32 ^ UInt64(c & 0xFFFF) << 16 ^ UInt64(d & 0xFFFF)) >> 34)
    }

    /// Trees on both sides of the boulevard every 8 m. Those in the western half of the core's boulevards
    /// suffer hydric stress (the arborists' planted problem), a few are dead.
    func boulevardTree(i: Int, j: Int, k: Int, side: Int) -> SyntheticTree? {
        let lx = Double(k) * 8 + 4
        guard lx > 6, lx < 994 else { return nil }
        let kind = district(i: i, j: j)
        guard kind == .dense || kind == .square else { return nil }
        let ly = 500 + (side == 0 ? -10.5 : 10.5)
        let u = random.uniform(51, i, j, k, side)
        let stressed = lx < 400 && kind == .dense
        let stress = stressed ? (u < 0.1 ? 1.0 : 0.55 + 0.4 * u) : 0.1 * u
        return SyntheticTree(id: treeID(1, i, j, k, side), x: minX + Double(i) * 1000 + lx, y: minY + Double(j) * 1000 + ly,
                             crownRadius: 4 + 1.5 * u, height: 10 + 6 * u, species: u < 0.5 ? "Platanus x hispanica" : "Tilia cordata",
                             planted: 1960 + Int(50 * u), stress: stress, isPublic: true)
    }

    func parkTree(i: Int, j: Int, a: Int, b: Int) -> SyntheticTree? {
        let lx = Double(a) * 10 + 4 * (random.uniform(61, i, j, a, b) - 0.5)
        let ly = Double(b) * 10 + 4 * (random.uniform(62, i, j, a, b) - 0.5)
        guard inPark(lx, ly), random.uniform(63, i, j, a, b) < 0.65 else { return nil }
        guard !(abs(lx - 560) < 46 && abs(ly - 520) < 31), abs(ly - 500) > 5, abs(lx - 400) > 5 else { return nil }
        let u = random.uniform(64, i, j, a, b)
        return SyntheticTree(id: treeID(2, i, j, a, b), x: minX + Double(i) * 1000 + lx, y: minY + Double(j) * 1000 + ly,
                             crownRadius: 4 + 2.5 * u, height: 12 + 10 * u, species: u < 0.4 ? "Quercus robur" : (u < 0.7 ? "Acer campestre" : "Pinus pinaster"),
                             planted: 1930 + Int(80 * u), stress: 0.12 * random.uniform(65, i, j, a, b), isPublic: true)
    }

    func gardenTree(i: Int, j: Int, bi: Int, bj: Int, lot: Int, row: Int) -> SyntheticTree? {
        guard random.uniform(71, i, j, bi, bj, lot, row) < 0.6 else { return nil }
        let lx = Double(bi) * Self.housePeriod + Self.houseStreet + Double(lot) * 20 + 10
        let ly = Double(bj) * Self.housePeriod + Self.houseStreet + Double(row) * 40 + 30
        guard lx < 985, ly < 985 else { return nil }
        let u = random.uniform(72, i, j, bi, bj, lot, row)
        return SyntheticTree(id: treeID(3, i, j, bi * 8 + lot, bj * 2 + row), x: minX + Double(i) * 1000 + lx, y: minY + Double(j) * 1000 + ly,
                             crownRadius: 2.5 + 1.5 * u, height: 6 + 4 * u, species: "Prunus avium", planted: 1980 + Int(40 * u),
                             stress: 0.3 * u, isPublic: false)
    }

    func quayTree(k: Int, east: Bool) -> SyntheticTree? {
        let y = minY + Double(k) * 10 + 5
        guard y > minY + 5, y < minY + size - 5 else { return nil }
        let offset = Self.riverHalfWidth + Self.quayWidth - 6
        let u = random.uniform(81, k, east ? 1 : 0)
        return SyntheticTree(id: treeID(4, east ? 1 : 0, 0, k, 0), x: riverCentre(y: y) + (east ? offset : -offset), y: y,
                             crownRadius: 3.5 + u, height: 9 + 4 * u, species: "Celtis australis", planted: 2005 + Int(15 * u),
                             stress: 0.2 * u, isPublic: true)
    }

    /// Every public tree (the municipal inventory), district by district.
    func forEachPublicTree(_ body: (SyntheticTree) throws -> Void) rethrows {
        for j in 0..<sizeKm {
            for i in 0..<sizeKm {
                let kind = district(i: i, j: j)
                if kind == .dense || kind == .square {
                    for k in 0..<125 { for side in 0..<2 { if let t = boulevardTree(i: i, j: j, k: k, side: side) { try body(t) } } }
                }
                if kind == .park {
                    for a in 24...76 { for b in 29...71 { if let t = parkTree(i: i, j: j, a: a, b: b) { try body(t) } } }
                }
            }
        }
        for east in [false, true] {
            for k in 0..<(sizeKm * 100) { if let t = quayTree(k: k, east: east) { try body(t) } }
        }
    }

    /// Every building footprint, district by district, in Lambert-93.
    func forEachBuilding(_ body: (SyntheticBuilding) throws -> Void) rethrows {
        for j in 0..<sizeKm {
            for i in 0..<sizeKm {
                var list: [SyntheticBuilding] = []
                switch district(i: i, j: j) {
                case .dense, .square:
                    for bi in 0..<14 { for bj in 0..<14 { list += denseBlock(i: i, j: j, bi: bi, bj: bj) } }
                case .houses, .quays, .park:
                    for bi in 0..<11 { for bj in 0..<11 { for lot in 0..<4 { for row in 0..<2 {
                        list += houseLot(i: i, j: j, bi: bi, bj: bj, lot: lot, row: row)
                    } } } }
                case .industrial:
                    for bi in 0..<6 { for bj in 0..<6 { list += industrialPlot(i: i, j: j, bi: bi, bj: bj) } }
                }
                let x0 = minX + Double(i) * 1000, y0 = minY + Double(j) * 1000
                for b in list where keeps(b, i: i, j: j) {
                    try body(SyntheticBuilding(minX: x0 + b.minX, minY: y0 + b.minY, maxX: x0 + b.maxX, maxY: y0 + b.maxY, height: b.height, use: b.use))
                }
            }
        }
    }
}
