import CSecp256k1

/// The one libsecp256k1 context of the process, created and randomized once on first use and
/// never destroyed.
///
/// Sharing is safe: libsecp256k1's header (secp256k1.h, "A constructed context can safely be
/// used from multiple threads simultaneously, but API calls that take a non-const pointer to a
/// context need exclusive access to it") lists `secp256k1_context_destroy` and
/// `secp256k1_context_randomize` as the only calls needing exclusive access, and adds
/// "either [randomize] once at creation time (in which case you do not need any locking for the
/// other calls), or use a read-write lock". We randomize exactly once, inside the lazy,
/// thread-safe initializer of `shared` before the pointer is published, and never destroy it;
/// every later call takes it as `const secp256k1_context*`.
final class Secp256k1Context: @unchecked Sendable {
    // @unchecked Sendable: the only stored state is an immutable pointer to a context that, per
    // the comment above, libsecp256k1 allows to be used concurrently once randomized.
    let pointer: OpaquePointer

    static let shared = Secp256k1Context()

    private init() {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("secp256k1_context_create failed")
        }
        var seed = RandomBytes.make(32)
        let ok = secp256k1_context_randomize(ctx, &seed)
        precondition(ok == 1, "secp256k1_context_randomize failed")
        pointer = ctx
    }
}
