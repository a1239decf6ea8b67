import IPLD

/// One entry of an MST node: a key, its value (a record CID) and the subtree to its right.
public struct MSTEntry: Sendable, Hashable {
    public var key: [UInt8]
    public var value: CID
    public var right: CID?

    public init(key: [UInt8], value: CID, right: CID?) {
        self.key = key
        self.value = value
        self.right = right
    }

    /// The key as a string (keys are ASCII repo paths).
    public var keyString: String { String(decoding: key, as: UTF8.self) }
}

/// A node of the Merkle Search Tree: `{l, e: [{p, k, v, t}]}` in DAG-CBOR.
///
/// `left` is the subtree of keys below the first entry; keys are stored in full here and
/// prefix-compressed only in the encoding.
public struct MSTNode: Sendable, Hashable {
    public var left: CID?
    public var entries: [MSTEntry]

    public init(left: CID?, entries: [MSTEntry]) {
        self.left = left
        self.entries = entries
    }

    /// The empty node: the root of an empty repo.
    public static let empty = MSTNode(left: nil, entries: [])

    /// True when the node holds nothing (no entries, no left subtree).
    public var isEmpty: Bool { entries.isEmpty && left == nil }

    /// The subtree pointer before entry `i` (`left` for 0); `i == entries.count` is the last.
    public func pointer(before i: Int) -> CID? { i == 0 ? left : entries[i - 1].right }

    /// Replaces the subtree pointer before entry `i`.
    public mutating func setPointer(before i: Int, to cid: CID?) {
        if i == 0 { left = cid } else { entries[i - 1].right = cid }
    }

    /// The canonical DAG-CBOR bytes: keys `e` then `l`; entry keys `k`, `p`, `t`, `v`;
    /// `l` and `t` always present (null when empty), as the reference encodes them.
    public func encode() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(16 + entries.count * 80)
        out.append(0xa2)
        DAGCBOR.writeString("e", into: &out)
        DAGCBOR.writeHead(4, UInt64(entries.count), into: &out)
        var previous: [UInt8] = []
        for e in entries {
            let p = MSTKey.commonPrefixLength(previous, e.key)
            out.append(0xa4)
            out.append(0x61); out.append(UInt8(ascii: "k"))
            DAGCBOR.writeHead(2, UInt64(e.key.count - p), into: &out)
            out.append(contentsOf: e.key[p...])
            out.append(0x61); out.append(UInt8(ascii: "p"))
            DAGCBOR.writeHead(0, UInt64(p), into: &out)
            out.append(0x61); out.append(UInt8(ascii: "t"))
            if let t = e.right { DAGCBOR.writeLink(t, into: &out) } else { out.append(0xf6) }
            out.append(0x61); out.append(UInt8(ascii: "v"))
            DAGCBOR.writeLink(e.value, into: &out)
            previous = e.key
        }
        DAGCBOR.writeString("l", into: &out)
        if let l = left { DAGCBOR.writeLink(l, into: &out) } else { out.append(0xf6) }
        return out
    }

    /// Decodes a node, rebuilding full keys from the prefix compression.
    public static func decode(_ bytes: [UInt8]) throws(RepoError) -> MSTNode {
        if let node = MSTNodeDecoding.fastDecode(bytes) { return node }
        let value: DataValue
        do { value = try DAGCBOR.decode(bytes) } catch { throw .data(error) }
        guard case .map(let map) = value else { throw .malformed("MST node is not a map") }
        for k in map.keys where k != "e" && k != "l" { throw .malformed("MST node has unexpected field \(k)") }
        let left: CID?
        switch map["l"] {
        case nil, .null?: left = nil
        case .link(let c)?: left = c
        default: throw .malformed("MST node l is not a link")
        }
        guard case .array(let rawEntries)? = map["e"] else { throw .malformed("MST node has no entry list") }
        var entries = [MSTEntry]()
        entries.reserveCapacity(rawEntries.count)
        var previous: [UInt8] = []
        for raw in rawEntries {
            guard case .map(let e) = raw else { throw .malformed("MST entry is not a map") }
            for k in e.keys where !["k", "p", "t", "v"].contains(k) { throw .malformed("MST entry has unexpected field \(k)") }
            guard case .int(let p)? = e["p"], p >= 0, p <= previous.count else { throw .malformed("MST entry prefix length invalid") }
            guard case .bytes(let suffix)? = e["k"] else { throw .malformed("MST entry key is not bytes") }
            // Refused before the key is built: prefix-compressed keys could otherwise grow
            // without bound across a node's entries (quadratic memory in the node's size).
            guard Int(p) + suffix.count <= MSTKey.maxLength else {
                throw .malformed("MST entry key longer than \(MSTKey.maxLength) bytes")
            }
            guard case .link(let v)? = e["v"] else { throw .malformed("MST entry value is not a link") }
            let right: CID?
            switch e["t"] {
            case nil, .null?: right = nil
            case .link(let c)?: right = c
            default: throw .malformed("MST entry t is not a link")
            }
            let key = Array(previous[0..<Int(p)]) + suffix
            entries.append(MSTEntry(key: key, value: v, right: right))
            previous = key
        }
        return MSTNode(left: left, entries: entries)
    }
}
