/// The compiler that built this copy of ProviderKit, for the magic block's `toolchain`.
///
/// Swift has no run-time query for this; the compiler's version is only visible to `#if`.
let swiftToolchain: String = {
    #if compiler(>=7.0)
        return "swift-7.0-or-later"
    #elseif compiler(>=6.5)
        return "swift-6.5"
    #elseif compiler(>=6.4)
        return "swift-6.4"
    #elseif compiler(>=6.3)
        return "swift-6.3"
    #elseif compiler(>=6.2)
        return "swift-6.2"
    #elseif compiler(>=6.1)
        return "swift-6.1"
    #else
        return "swift-6.0"
    #endif
}()
