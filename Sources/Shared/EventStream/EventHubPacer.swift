/// What drives an `EventHub`'s paced walk: once started, calls `step` about every `interval`
/// until it answers false. The hub starts it again when events come after it stopped.
public protocol EventHubPacer: Sendable {
    func start(every interval: Duration, _ step: @escaping @Sendable () -> Bool)
}

/// The default pacer: a task that sleeps between steps.
public struct TaskPacer: EventHubPacer {
    public init() {}

    public func start(every interval: Duration, _ step: @escaping @Sendable () -> Bool) {
        Task {
            while true {
                try? await Task.sleep(for: interval)
                if !step() { return }
            }
        }
    }
}
