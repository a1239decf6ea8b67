import Foundation
import Synchronization

/// Spawning one child of `pds up` and relaying its output, line by line, with its name in front.
enum ChildProcess {
    /// Starts `executable arguments` with `environment`, its stdout and stderr joined into one
    /// pipe, in a process group of its own (so a terminal's Ctrl-C reaches only the supervisor,
    /// which forwards it) and with default signal handling restored. Returns the pid and the
    /// read end of the output pipe.
    static func spawn(executable: String, arguments: [String], environment: [String: String]) throws -> (pid_t, Int32) {
        var fds: [Int32] = [0, 0]
        // The supervisor spawns under a lock, so no other spawn can inherit these before
        // close-on-exec is set.
        guard pipe(&fds) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (readFD, writeFD) = (fds[0], fds[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 1)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(writeFD)
        guard rc == 0 else {
            close(readFD)
            throw POSIXError(.init(rawValue: rc) ?? .EIO)
        }
        return (pid, readFD)
    }

    /// Copies `fd` to stdout line by line as "name | line" on a thread of its own until the
    /// child's end of the pipe closes, then closes `fd`.
    static func relayOutput(from fd: Int32, name: String, output: OutputLines) {
        let thread = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                pending += buffer[0..<n]
                // Every complete line of this read goes out in one write: a busy gateway logs a
                // line per request, and a syscall per line would cost it throughput.
                guard let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) else { continue }
                output.write(name: name, lines: pending[...lastNewline])
                pending.removeSubrange(...lastNewline)
            }
            if !pending.isEmpty { output.write(name: name, lines: pending[...] + [UInt8(ascii: "\n")]) }
            close(fd)
        }
        thread.name = "relay \(name)"
        thread.start()
    }
}

/// The supervisor's stdout, shared by every child's relay thread; one lock keeps lines whole.
/// With a log directory, each process's lines also go to its own rotating file.
final class OutputLines: Sendable {
    private let width: Int
    /// Each process's log file; the lock also keeps stdout lines whole.
    private let files: Mutex<[String: RotatingLogFile]>

    init(names: [String], logs: (directory: URL, policy: RotatingLogFile.Policy)? = nil) {
        width = names.map(\.count).max() ?? 8
        var files: [String: RotatingLogFile] = [:]
        if let logs {
            for name in names { files[name] = RotatingLogFile(directory: logs.directory, name: name, policy: logs.policy) }
        }
        self.files = Mutex(files)
    }

    /// Writes `lines` (each ending in a newline) with the prefix in front of each.
    func write(name: String, lines: ArraySlice<UInt8>) {
        let prefix = Array((name.padding(toLength: width, withPad: " ", startingAt: 0) + " | ").utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.count + 16 * prefix.count)
        var start = lines.startIndex
        while start < lines.endIndex {
            let end = lines[start...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? lines.endIndex
            bytes += prefix
            bytes += lines[start..<end]
            start = end
        }
        files.withLock { files in
            files[name]?.write(Array(lines))
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Foundation.write(1, $0.baseAddress, $0.count) }
                if n <= 0 { if errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }

    /// A line from the supervisor itself.
    func note(_ text: String) { write(name: "up", lines: Array((text + "\n").utf8)[...]) }
}
