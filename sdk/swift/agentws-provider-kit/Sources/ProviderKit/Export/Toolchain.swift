import AgentwsToolchain

/// The compiler that built this copy of ProviderKit (and the plugin linking it), for the magic
/// block's `toolchain`.
let swiftToolchain = SwiftToolchain.identifier
