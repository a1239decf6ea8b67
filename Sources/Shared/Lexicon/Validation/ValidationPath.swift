/// Where the validator is inside a value, kept as a stack of steps and only turned into
/// text when an error is reported (so valid data costs no string building).
struct ValidationPath {
    enum Step {
        case key(String)
        case index(Int)
    }

    /// The name of the top-level value: `Record`, `Input`, `Value`…
    let root: String
    private(set) var steps: [Step] = []

    init(root: String) {
        self.root = root
        steps.reserveCapacity(8)
    }

    mutating func push(_ step: Step) { steps.append(step) }
    mutating func pop() { steps.removeLast() }

    /// `Record/embed/images/0/alt`.
    var text: String {
        var out = root
        for step in steps {
            out += "/"
            switch step {
            case .key(let k): out += k
            case .index(let i): out += String(i)
            }
        }
        return out
    }
}
