/// Labels 4- or 8-connected regions of cells where `isMember` is true (union–find, two passes).
public enum ConnectedComponents {
    public enum Connectivity: Sendable { case four, eight }

    /// Returns a label per cell (0 = not a member, 1…n regions) and the cell count of each region (index 0 unused).
    public static func label(width: Int, height: Int, connectivity: Connectivity = .eight,
                             isMember: (Int) -> Bool) -> (labels: [Int32], sizes: [Int]) {
        var parent: [Int32] = [0]
        func find(_ x: Int32) -> Int32 {
            var x = x
            while parent[Int(x)] != x { parent[Int(x)] = parent[Int(parent[Int(x)])]; x = parent[Int(x)] }
            return x
        }
        func union(_ a: Int32, _ b: Int32) {
            let ra = find(a), rb = find(b)
            if ra != rb { parent[Int(max(ra, rb))] = min(ra, rb) }
        }
        var labels = [Int32](repeating: 0, count: width * height)
        for row in 0..<height {
            for col in 0..<width {
                let i = row * width + col
                guard isMember(i) else { continue }
                var neighbours: [Int32] = []
                if col > 0, labels[i - 1] != 0 { neighbours.append(labels[i - 1]) }
                if row > 0 {
                    if labels[i - width] != 0 { neighbours.append(labels[i - width]) }
                    if connectivity == .eight {
                        if col > 0, labels[i - width - 1] != 0 { neighbours.append(labels[i - width - 1]) }
                        if col + 1 < width, labels[i - width + 1] != 0 { neighbours.append(labels[i - width + 1]) }
                    }
                }
                if let first = neighbours.first {
                    labels[i] = first
                    for other in neighbours.dropFirst() { union(first, other) }
                } else {
                    let new = Int32(parent.count)
                    parent.append(new)
                    labels[i] = new
                }
            }
        }
        // Second pass: compact labels to 1…n.
        var compact = [Int32](repeating: 0, count: parent.count)
        var sizes = [0]
        for i in 0..<labels.count where labels[i] != 0 {
            let root = Int(find(labels[i]))
            if compact[root] == 0 { sizes.append(0); compact[root] = Int32(sizes.count - 1) }
            labels[i] = compact[root]
            sizes[Int(compact[root])] += 1
        }
        return (labels, sizes)
    }
}
