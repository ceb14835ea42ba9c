// The one place that names the C library. Every module that makes system calls imports
// AgentwsSystem instead of Glibc, so a port to another platform starts in this folder (see
// docs/architecture.md, "System calls"). Only Linux with glibc is built and tested; anything else
// stops here rather than compiling untested code.
#if canImport(Glibc)
    @_exported import Glibc
#else
    #error(
        "agentws is built and tested on Linux (glibc) only; a port starts in sdk/swift/agentws-provider-kit/Sources/AgentwsSystem/Platform"
    )
#endif
