import Foundation
import GeoIO
import Support

/// A named street, quay, square or park of the synthetic city: its centre line (or outline), in Lambert-93.
struct SyntheticStreet {
    var name: String
    var kind: String
    var points: [(x: Double, y: Double)]
    var isArea = false
}

extension SyntheticCity {
    static let streetNames = [
        "Montesquieu", "François Mauriac", "Rosa Bonheur", "Camille Jullian", "des Tilleuls", "des Platanes", "Jean Jaurès", "Victor Hugo",
        "Émile Zola", "Louise Michel", "Simone Veil", "Marie Curie", "Jules Ferry", "Gambetta", "Pasteur", "des Vignes", "du Port",
        "de la Gare", "des Écoles", "des Acacias", "Léo Lagrange", "Jean Moulin", "Lucie Aubrac", "Gisèle Halimi", "Toulouse-Lautrec",
        "Odilon Redon", "Albert Marquet", "Flora Tristan", "Joséphine Baker", "Aliénor d'Aquitaine", "des Chartrons", "de la Benauge",
        "des Douves", "des Menuts", "du Hâ", "Sainte-Catherine", "Saint-James", "de la Rousselle", "Carle Vernet", "Léon Blum",
        "Pierre Mendès France", "Olympe de Gouges", "Colette", "George Sand", "Michel de Montaigne", "Étienne de La Boétie", "Goya",
        "des Magnolias", "des Lilas", "des Peupliers", "des Chênes", "des Marronniers", "des Saules", "des Mimosas", "des Glycines",
        "du Palais Gallien", "de Pessac", "de Bègles", "de Talence", "de Cenon", "de Floirac", "de Lormont", "du Médoc", "des Landes",
        "de l'Estey", "du Peugue", "de la Devèze", "des Jacobins", "des Carmes", "des Augustins", "des Remparts", "de la Fusterie",
        "Paul Bert", "Condorcet", "Voltaire", "Diderot", "Rameau", "Ravel", "Debussy", "Berlioz", "Bizet", "Gounod", "Lamartine",
        "Alfred de Vigny", "Théophile Gautier", "Arthur Rimbaud", "Paul Verlaine", "Jacques Prévert", "Boris Vian", "Albert Camus",
        "Marguerite Duras", "Nathalie Sarraute", "Germaine Tillion", "Geneviève de Gaulle", "Danielle Casanova", "Berty Albrecht",
        "Jean Monnet", "Robert Schuman", "Marc Bloch", "Lucien Febvre", "Fernand Braudel", "Claude Lévi-Strauss",
    ]
    static let streetKinds = ["Rue", "Allée", "Avenue", "Passage"]
    static let districtNames = [
        "Saint-Michel", "Sainte-Croix", "La Bastide", "Belcier", "Capucins", "Chartrons", "Bacalan", "Saint-Seurin", "Nansouty",
        "Saint-Genès", "Brazza", "Caudéran", "Saint-Augustin", "La Benauge", "Terres-Neuves", "Carle Vernet", "Armagnac", "Victoire",
        "Grand Parc", "Tivoli", "Le Lac", "Ginko", "Bastide Niel", "Queyries", "Thiers",
    ]

    /// The district's name (1 km squares, named in order from the south-west; repeated names get a number).
    func districtName(i: Int, j: Int) -> String {
        let n = j * sizeKm + i
        let base = Self.districtNames[n % Self.districtNames.count]
        return n < Self.districtNames.count ? base : "\(base) \(n / Self.districtNames.count + 1)"
    }

    /// Every named street, district by district (a street is named once per district it runs through), then the
    /// quays along the river. Streets stop at the river and its quays, and at the park's edge.
    func forEachStreet(_ body: (SyntheticStreet) throws -> Void) rethrows {
        var counter = 0
        func nextName(_ kind: String? = nil) -> String {
            defer { counter += 1 }
            let name = Self.streetNames[counter % Self.streetNames.count]
            let round = counter / Self.streetNames.count
            return "\(kind ?? Self.streetKinds[round % Self.streetKinds.count]) \(name)"
        }
        for j in 0..<sizeKm {
            for i in 0..<sizeKm {
                let x0 = minX + Double(i) * 1000, y0 = minY + Double(j) * 1000
                let kind = district(i: i, j: j)
                let centres: [Double]
                switch kind {
                case .dense, .square: centres = stride(from: Self.denseStreet / 2, to: 1000, by: Self.densePeriod).map { $0 }
                case .houses, .quays, .park: centres = stride(from: Self.houseStreet / 2, to: 990, by: Self.housePeriod).map { $0 } + [995]
                case .industrial: centres = stride(from: 5, to: 960, by: Self.industrialPeriod).map { $0 } + [980]
                }
                for (axis, c) in centres.map({ (0, $0) }) + centres.map({ (1, $0) }) {
                    let name = nextName()
                    for run in streetRuns(i: i, j: j, along: axis, at: c) {
                        try body(SyntheticStreet(name: name, kind: "street", points: run.map { (x0 + $0.x, y0 + $0.y) }))
                    }
                }
                if kind == .dense || kind == .square {
                    for run in streetRuns(i: i, j: j, along: 0, at: 500) {
                        try body(SyntheticStreet(name: nextName("Cours"), kind: "boulevard", points: run.map { (x0 + $0.x, y0 + $0.y) }))
                    }
                }
                if kind == .square {
                    try body(SyntheticStreet(name: "Place \(Self.streetNames[(counter + 7) % Self.streetNames.count])", kind: "square",
                                             points: [(x0 + 430, y0 + 375), (x0 + 570, y0 + 375), (x0 + 570, y0 + 485), (x0 + 430, y0 + 485)], isArea: true))
                }
                if kind == .park {
                    try body(SyntheticStreet(name: "Parc \(districtName(i: i, j: j))", kind: "park",
                                             points: [(x0 + Self.parkMin.x, y0 + Self.parkMin.y), (x0 + Self.parkMax.x, y0 + Self.parkMin.y),
                                                      (x0 + Self.parkMax.x, y0 + Self.parkMax.y), (x0 + Self.parkMin.x, y0 + Self.parkMax.y)], isArea: true))
                }
            }
        }
        let offset = Self.riverHalfWidth + Self.quayWidth / 2
        for (side, name) in [(-1.0, "Quai de Queyries"), (1.0, "Quai de la Souys")] {
            let points = stride(from: minY, through: minY + size, by: 20).map { (x: riverCentre(y: $0) + side * offset, y: $0) }
            try body(SyntheticStreet(name: name, kind: "quay", points: points))
        }
    }

    /// The parts of a district's street line (axis 0: east–west at y = c; 1: north–south at x = c; district-local
    /// metres) that are on land and outside the park, sampled every 10 m.
    func streetRuns(i: Int, j: Int, along axis: Int, at c: Double) -> [[(x: Double, y: Double)]] {
        let x0 = minX + Double(i) * 1000, y0 = minY + Double(j) * 1000
        let isPark = district(i: i, j: j) == .park
        var runs: [[(x: Double, y: Double)]] = [], run: [(x: Double, y: Double)] = []
        for t in stride(from: 0.0, through: 1000, by: 10) {
            let p = axis == 0 ? (x: t, y: c) : (x: c, y: t)
            let onLand = abs(x0 + p.x - riverCentre(y: y0 + p.y)) >= Self.riverHalfWidth + Self.quayWidth
            if onLand, !(isPark && inPark(p.x, p.y)) { run.append(p) } else if !run.isEmpty { runs.append(run); run = [] }
        }
        if run.count > 1 { runs.append(run) }
        return runs.filter { $0.count > 1 }
    }
}

extension SampleWriter {
    /// The named streets, quays, squares and parks (`streets.gpkg`, attribute `nom`) and the 1 km districts
    /// (`districts.gpkg`, attribute `nom`).
    func writePlaces(_ out: StagedOutput) throws {
        let crs = try SpatialReference(definition: grid.crs)
        let streets = try VectorDataset.create(try out.path("Rasters/streets.gpkg"), driver: "GPKG")
        let layer = try streets.createLayer("streets", crs: crs, geometry: .unknown, fields: [("nom", .string), ("type", .string)])
        try streets.inTransaction {
            try city.forEachStreet { street in
                let wkb = street.isArea ? WKB.polygon([street.points]) : WKB.lineString(street.points)
                try layer.addFeature(wkb: wkb, values: ["nom": .string(street.name), "type": .string(street.kind)])
            }
        }
        let districts = try VectorDataset.create(try out.path("Rasters/districts.gpkg"), driver: "GPKG")
        let districtLayer = try districts.createLayer("districts", crs: crs, geometry: .polygon, fields: [("nom", .string), ("type", .string)])
        try districts.inTransaction {
            for j in 0..<city.sizeKm {
                for i in 0..<city.sizeKm {
                    let x0 = city.minX + Double(i) * 1000, y0 = city.minY + Double(j) * 1000
                    try districtLayer.addFeature(wkb: WKB.rectangle(minX: x0, minY: y0, maxX: x0 + 1000, maxY: y0 + 1000),
                                                 values: ["nom": .string(city.districtName(i: i, j: j)), "type": .string(city.district(i: i, j: j).rawValue)])
                }
            }
        }
    }
}
