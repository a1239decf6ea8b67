/// Where a subscriber that has caught up takes live events straight from the hub, instead of
/// through its queue and its own task: the gateway writes them to the connection's channel.
/// With many subscribers that saves two task switches and a promise per delivery, which is
/// most of what fan-out costs.
///
/// `deliver` runs under the hub's lock (on the publishing thread, or in the hub's pacing
/// task), so it must only hand the events on (never wait), and it sees each event once, in
/// order.
public protocol LiveSink: AnyObject, Sendable {
    /// Takes the next events. `.gap(at:)` means an event does not follow the last one sent
    /// (the feed could not repair a gap): the hub then gives the events from that index on
    /// back to the subscriber's queue, whose reader fills the gap from history.
    func deliver(_ events: ArraySlice<StreamEvent>) -> LiveDelivery

    /// Called (outside the hub's lock) once the hub has stopped delivering here because of a
    /// gap; the subscriber's reader carries on after `lastSent`.
    func fellBack()
}

/// What a `LiveSink` did with a delivery.
public enum LiveDelivery: Sendable {
    /// Sent (or queued on the connection).
    case sent
    /// The connection is gone or was cut off: the hub drops the subscriber.
    case closed
    /// The event at this index (of the slice) does not follow the last one sent.
    case gap(at: Int)
}
