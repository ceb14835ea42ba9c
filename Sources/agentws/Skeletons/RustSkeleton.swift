import AgentwsCore
import AgentwsSystem
import Foundation

/// The Rust plugin `agentws plugin new --lang rust` writes: a `cdylib` crate that depends on the kit's
/// `agentws-provider` crate by path, its source the crate's example plugin under the new name.
enum RustSkeleton {
    static func files(_ names: SkeletonNames, kit: PluginKitLocation) throws -> [(path: String, text: String)]
    {
        let example = kit.rustCrate + "/examples/provider.rs"
        guard let bytes = try FileIO.readIfPresent(example) else {
            throw AgentwsError(
                .notFound, "the plugin kit at \(kit.root) has no \(example); reinstall agentws")
        }
        let source = String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "rust-example", with: names.name)
            .replacingOccurrences(
                of: "//! `agentws plugin new NAME --lang rust` starts a new plugin from this file.\n",
                with: "//! Written by `agentws plugin new \(names.name) --lang rust`.\n")
        return [
            ("Cargo.toml", manifest(names, kit: kit)),
            ("src/lib.rs", source),
            (".gitignore", "/target\n"),
            ("README.md", readme(names)),
        ]
    }

    private static func manifest(_ names: SkeletonNames, kit: PluginKitLocation) -> String {
        """
        [package]
        name = "\(names.rustCrate)"
        version = "0.1.0"
        edition = "2021"
        publish = false

        [lib]
        # target/debug/lib\(names.rustLibrary).so: the file agentws loads.
        crate-type = ["cdylib"]

        [dependencies]
        # The agentws plugin kit's crate (standard library only; nothing is fetched).
        agentws-provider = { path = "\(kit.rustCrate)" }

        """
    }

    private static func readme(_ names: SkeletonNames) -> String {
        """
        # \(names.name): an agentws provider plugin in Rust

        Written by `agentws plugin new \(names.name) --lang rust`. `src/lib.rs` is the plugin, on the
        kit's `agentws-provider` crate: the ABI's `#[repr(C)]` structs (their sizes checked against the
        header when the crate compiles), a `Provider` trait and `export_provider!`, which exports the two
        ABI functions and nothing else.

        ## Build

            cargo build --offline     # → target/debug/lib\(names.rustLibrary).so

        \(names.developmentLoop(pluginPath: "$PWD/target/debug", library: "target/debug/lib\(names.rustLibrary).so"))
        ## Rules that matter

        - Every agentws command without the daemon is a new process: keep what must outlive it under
          `config.state_directory`, never only in memory.
        - `call` may run on several threads at once; a panic is turned into a `provider-failed` answer.
        - The contract: `agentws plugin header`, and docs/plugin-abi.md in the agentws repository.

        """
    }
}
