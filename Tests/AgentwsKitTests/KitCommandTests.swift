import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Testing

/// `agentws plugin header` and `plugin install`, and the Rust crate against the header.
@Suite("The plugin kit's commands and the Rust crate")
struct KitCommandTests {
    static let header =
        BuildProducts.repositoryRoot
        + "/sdk/swift/agentws-provider-kit/Sources/CAgentwsProvider/include/agentws_provider.h"

    @Test func headerPrintsTheKitsHeader() throws {
        let printed = try KitTools.run(BuildProducts.agentws, ["plugin", "header"])
        #expect(printed.stdout == (try String(contentsOfFile: Self.header, encoding: .utf8)))
        let path = try KitTools.run(BuildProducts.agentws, ["plugin", "header", "--path"])
        #expect(path.stdout == Self.header + "\n")
    }

    /// Into the workspace's plugin directory by default, into the user's with --user; mode 0755;
    /// found there afterwards; a refused file is not installed.
    @Test func installCopiesCheckedPluginsWithTheRightMode() throws {
        let kit = try KitWorkspace()
        let source = try BuildProducts.library("AgentwsCEcho")
        let workspaceCopy = kit.workspace + "/.agentws/plugins/libAgentwsCEcho.so"
        let installed = try kit.run("plugin", "install", source)
        #expect(installed.status == 0, "\(installed)")
        #expect(installed.stdout.contains("installed plugin c-echo 1.0.0 as \(workspaceCopy)"))
        var status = stat()
        #expect(stat(workspaceCopy, &status) == 0 && status.st_mode & 0o777 == 0o755)
        #expect(try FileIO.readIfPresent(workspaceCopy) == (try FileIO.readIfPresent(source)))

        let user = try kit.run("plugin", "install", "--user", source)
        let userCopy = kit.root.path + "/home/.local/share/agentws/plugins/libAgentwsCEcho.so"
        #expect(user.status == 0 && user.stdout.contains(userCopy), "\(user)")
        #expect(stat(userCopy, &status) == 0 && status.st_mode & 0o777 == 0o755)
        let providers = try kit.run("providers")
        #expect(
            providers.stdout.contains("plugins.paths") && providers.stdout.contains(workspaceCopy),
            "\(providers)")
        // The workspace's copy wins; the user's is refused as shadowed by it, which providers reports.
        #expect(providers.stdout.contains(userCopy), "\(providers)")

        try AtomicFile.replace(Array("not a plugin".utf8), path: kit.root.path + "/plugins/libjunk.so")
        let refused = try kit.run("plugin", "install", kit.root.path + "/plugins/libjunk.so")
        #expect(refused.status == 5, "\(refused)")
        #expect(refused.stderr.contains("refused"), "\(refused)")
        #expect(!FileIO.exists(kit.workspace + "/.agentws/plugins/libjunk.so"))
    }

    /// The crate's struct sizes are the header's documented ones, its unit tests pass, and its
    /// example plugin builds (cargo test builds examples), offline with an empty CARGO_HOME.
    @Test func rustCrateAgreesWithTheHeaderAndBuilds() throws {
        let header = try String(contentsOfFile: Self.header, encoding: .utf8)
        let crate = BuildProducts.repositoryRoot + "/sdk/rust/agentws-provider"
        let abi = try String(contentsOfFile: crate + "/src/abi.rs", encoding: .utf8)
        for (macro, constant) in [
            ("AGENTWS_PLUGIN_MAGIC_SIZE", "PLUGIN_MAGIC_SIZE"),
            ("AGENTWS_HOST_CALLBACKS_SIZE", "HOST_CALLBACKS_SIZE"),
            ("AGENTWS_PLUGIN_ENTRY_SIZE", "PLUGIN_ENTRY_SIZE"),
        ] {
            let size = try #require(
                header.firstMatch(of: try Regex("#define \(macro) ([0-9]+)"))?.output[1].substring)
            #expect(abi.contains("pub const \(constant): usize = \(size);"), "\(constant) is not \(size)")
        }
        let magic = try #require(
            header.firstMatch(of: #/#define AGENTWS_PROVIDER_MAGIC 0x([0-9A-F]+)ULL/#)?.output.1)
        #expect(abi.replacingOccurrences(of: "_", with: "").contains("0x\(magic)"))

        let scratch = try TemporaryDirectory(prefix: "agentws-crate")
        let tested = try KitTools.run(
            try KitTools.cargo, ["test", "--offline", "--target-dir", scratch.path + "/target"], in: crate,
            environment: ProcessInfo.processInfo.environment.merging([
                "CARGO_HOME": scratch.path + "/cargo-home"
            ]) {
                $1
            })
        #expect(tested.stdout.contains("test result: ok. 1 passed"), "\(tested)")
        let example = scratch.path + "/target/debug/examples/libprovider.so"
        #expect(
            try KitTools.exportedSymbols(example) == ["agentws_provider_entry", "agentws_provider_magic"])
        let checked = try KitTools.run(BuildProducts.agentws, ["plugin", "check", example])
        #expect(checked.stdout.contains("plugin rust-example 0.1.0: accepted"), "\(checked)")
    }
}
