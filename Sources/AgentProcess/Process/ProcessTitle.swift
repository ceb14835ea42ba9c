import AgentwsSystem

/// What `ps` shows for this process: its command line and its name (`comm`).
package enum ProcessTitle {
    /// `prctl` (variadic, so not imported), and its `PR_SET_NAME`.
    private static let setName = CLibrary.function(
        "prctl", as: (@convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32).self)
    private static let setNameOption: Int32 = 15

    /// Shows `title` as this process's command line (written over the original arguments, as
    /// `setproctitle` does: cut to their length) and as its name (cut to 15 bytes by the kernel).
    /// For a forked copy that serves something else than the command it was copied from.
    package static func set(_ title: String) {
        // The main thread's name is the process's; the kernel keeps 15 bytes of it.
        _ = title.withCString { setName?(Self.setNameOption, UInt(bitPattern: $0), 0, 0, 0) }
        let argv = CommandLine.unsafeArgv
        let count = Int(CommandLine.argc)
        guard count > 0, let first = argv[0], let last = argv[count - 1] else { return }
        // The arguments lie one after the other; their whole area, with the last terminator.
        let length = last - first + strlen(last) + 1
        let bytes = Array(title.utf8.prefix(length - 1))
        memset(first, 0, length)
        bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress { memcpy(first, base, buffer.count) }
        }
    }
}
