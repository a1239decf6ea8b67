/// A data-model map, kept in DAG-CBOR canonical key order (shorter keys first, then bytewise).
///
/// Keeping the canonical order in the value makes encoding a straight walk and decoding a
/// check, with no hashing; maps in records are small, so lookups scan.
public struct DataMap: Sendable, Hashable, Sequence {
    /// One key/value pair.
    public struct Entry: Sendable, Hashable {
        public let key: String
        public var value: DataValue
    }

    public private(set) var entries: [Entry]

    /// An empty map.
    public init() { entries = [] }

    /// A map from pairs in any order; a later duplicate key replaces an earlier one.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, DataValue) {
        var sorted = pairs.map { Entry(key: $0.0, value: $0.1) }
        sorted.sort { DataMap.canonicalPrecedes($0.key, $1.key) }
        var deduped = [Entry]()
        deduped.reserveCapacity(sorted.count)
        for e in sorted {
            if let last = deduped.last, last.key == e.key { deduped[deduped.count - 1] = e } else { deduped.append(e) }
        }
        entries = deduped
    }

    /// Entries already in strictly increasing canonical order (the decoder checks this).
    init(canonicalEntries: [Entry]) { entries = canonicalEntries }

    /// The DAG-CBOR canonical key order: length first, then bytes.
    public static func canonicalPrecedes(_ a: String, _ b: String) -> Bool {
        let la = a.utf8.count, lb = b.utf8.count
        if la != lb { return la < lb }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }

    public subscript(key: String) -> DataValue? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let v = newValue { entries[i].value = v } else { entries.remove(at: i) }
            } else if let v = newValue {
                let i = entries.firstIndex(where: { DataMap.canonicalPrecedes(key, $0.key) }) ?? entries.count
                entries.insert(Entry(key: key, value: v), at: i)
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
