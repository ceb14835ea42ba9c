#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// This process's id, for log lines.
enum ProcessIDs {
    static var current: Int32 { getpid() }
}
