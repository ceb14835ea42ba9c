import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Testing

/// `agentws plugin new` for each language: the skeleton is generated into a temporary directory
/// outside the repository, built offline against the kit alone, checked with `agentws plugin check`
/// and driven by the real CLI from AGENTWS_PLUGIN_PATH — send, send, stop, send resumes.
@Suite("Plugin skeletons: generated, built, checked and resumed", .serialized)
struct SkeletonTests {
    /// Generates a skeleton with `agentws` (the built one unless given) into a fresh directory.
    private func generate(_ name: String, lang: String, agentws: String = BuildProducts.agentws) throws
        -> (root: TemporaryDirectory, directory: String)
    {
        let root = try TemporaryDirectory(prefix: "agentws-skeleton")
        let directory = root.path + "/" + name
        let made = try KitTools.run(
            agentws, ["plugin", "new", name, "--lang", lang, directory], in: root.path)
        #expect(made.stdout.contains("created \(directory)"), "\(made)")
        #expect(FileIO.exists(directory + "/README.md"))
        return (root, directory)
    }

    /// The whole loop against a built plugin in `buildDirectory`.
    private func sendSendStopSend(plugin name: String, library: String, buildDirectory: String) throws {
        let checked = try KitTools.run(BuildProducts.agentws, ["plugin", "check", library])
        #expect(checked.stdout.contains("plugin \(name) 0.1.0: accepted"), "\(checked)")
        #expect(
            checked.stdout.contains("resume yes, export no, import no, fork no, replace no"), "\(checked)")
        #expect(
            try KitTools.exportedSymbols(library) == ["agentws_provider_entry", "agentws_provider_magic"])

        let kit = try KitWorkspace(pluginPath: buildDirectory)
        try kit.configure(provider: name, plugin: name, model: "\(name)-1")
        let providers = try kit.run("providers")
        #expect(providers.status == 0, "\(providers)")
        #expect(providers.stdout.contains("AGENTWS_PLUGIN_PATH"), "\(providers)")
        let first = try kit.run("send", "--thread", "t1", "one")
        #expect(first.status == 0 && first.stdout == "\(name) turn 1: one\n", "\(first)")
        let second = try kit.run("send", "--thread", "t1", "two")
        #expect(second.status == 0 && second.stdout == "\(name) turn 2: two\n", "\(second)")
        #expect(try kit.run("stop", "t1").status == 0)
        let third = try kit.run("send", "--thread", "t1", "three")
        #expect(third.status == 0 && third.stdout == "\(name) turn 3: three\n", "\(third)")
        #expect(third.stderr.contains("resumed"), "\(third)")
    }

    /// C, compiled against the header that scripts/install installed, with the installed agentws.
    @Test func cSkeleton() throws {
        let prefix = try TemporaryDirectory(prefix: "agentws-prefix")
        try KitTools.run(
            "/usr/bin/env",
            [
                "bash", BuildProducts.repositoryRoot + "/scripts/install", "--prefix", prefix.path,
                "--configuration", "debug", "--skip-build",
            ])
        let installed = prefix.path + "/bin/agentws"
        let header = try KitTools.run(installed, ["plugin", "header", "--path"])
        #expect(header.stdout == prefix.path + "/include/agentws_provider.h\n")
        let pc = try String(
            contentsOfFile: prefix.path + "/lib/pkgconfig/agentws-provider.pc", encoding: .utf8)
        #expect(pc.contains("includedir=${prefix}/include") && pc.contains("Cflags: -I${includedir}"))

        let (root, directory) = try generate("c-skeleton", lang: "c", agentws: installed)
        _ = root
        let makefile = try String(contentsOfFile: directory + "/Makefile", encoding: .utf8)
        #expect(makefile.contains("AGENTWS_INCLUDE ?= \(prefix.path)/include"))
        try KitTools.run(
            try KitTools.tool("make", hint: ".ci/run installs it with the C compiler"), [], in: directory)
        try sendSendStopSend(
            plugin: "c-skeleton", library: directory + "/libc-skeleton.so", buildDirectory: directory)
    }

    /// Rust, on the in-repository crate, built offline.
    @Test func rustSkeleton() throws {
        let (root, directory) = try generate("rust-skeleton", lang: "rust")
        _ = root
        let manifest = try String(contentsOfFile: directory + "/Cargo.toml", encoding: .utf8)
        #expect(manifest.contains("path = \"\(BuildProducts.repositoryRoot)/sdk/rust/agentws-provider\""))
        try KitTools.run(
            try KitTools.cargo, ["build", "--offline"], in: directory,
            environment: ProcessInfo.processInfo.environment.merging(
                ["CARGO_HOME": root.path + "/cargo-home"]) { $1 })
        try sendSendStopSend(
            plugin: "rust-skeleton", library: directory + "/target/debug/librust_skeleton.so",
            buildDirectory: directory + "/target/debug")
    }

    /// Swift, against the plugin-facing package only: its own build directory (never this test's
    /// .build, whose lock `swift test` holds), no dependency fetched, none of the host's resolved.
    @Test func swiftSkeleton() throws {
        let (root, directory) = try generate("swift-skeleton", lang: "swift")
        _ = root
        let manifest = try String(contentsOfFile: directory + "/Package.swift", encoding: .utf8)
        #expect(
            manifest.contains("let kit = \"\(BuildProducts.repositoryRoot)/sdk/swift/agentws-provider-kit\""))
        let built = try KitTools.run(
            try KitTools.swift,
            ["build", "--disable-automatic-resolution", "--scratch-path", directory + "/.build"],
            in: directory)
        #expect(!built.stdout.contains("warning:") && !built.stderr.contains("warning:"), "\(built)")
        #expect(!built.stdout.contains("Fetching") && !built.stderr.contains("Fetching"), "\(built)")
        #expect(!FileIO.exists(directory + "/.build/checkouts/swift-nio"))
        if let resolved = try FileIO.readIfPresent(directory + "/Package.resolved") {
            #expect(!String(decoding: resolved, as: UTF8.self).contains("\"location\""))
        }
        try sendSendStopSend(
            plugin: "swift-skeleton", library: directory + "/.build/debug/libSwiftSkeletonProvider.so",
            buildDirectory: directory + "/.build/debug")
    }

    /// Deliberately broken builds of the C skeleton are refused with the reason, by `plugin check`,
    /// `providers` and `send`.
    @Test(arguments: [
        (
            ".struct_size = sizeof(agentws_plugin_magic),", ".struct_size = 40,",
            "its magic block declares 40 bytes, but ABI 1 needs at least 48"
        ),
        (
            "EXPORT const agentws_plugin_entry *agentws_provider_entry(void)",
            "EXPORT const agentws_plugin_entry *agentws_provider_entry_renamed(void)",
            "it does not export agentws_provider_entry()"
        ),
    ])
    func brokenBuildIsRefusedWithTheReason(original: String, broken: String, reason: String) throws {
        let (root, directory) = try generate("broken", lang: "c")
        _ = root
        let source = directory + "/src/broken.c"
        let text = try String(contentsOfFile: source, encoding: .utf8)
        try #require(text.contains(original))
        try AtomicFile.replace(
            Array(text.replacingOccurrences(of: original, with: broken).utf8), path: source)
        try KitTools.run(
            try KitTools.tool("make", hint: ".ci/run installs it with the C compiler"), [], in: directory)

        let library = directory + "/libbroken.so"
        let checked = try ChildProcess.run(BuildProducts.agentws, ["plugin", "check", library])
        #expect(checked.status == 5, "\(checked)")
        #expect(checked.stderr.contains("plugin \(library) refused: \(reason)"), "\(checked)")

        let kit = try KitWorkspace(pluginPath: directory)
        try kit.configure(provider: "broken", plugin: "broken", model: "broken-1")
        let providers = try kit.run("providers")
        #expect(providers.status == 5 && providers.stdout.contains(reason), "\(providers)")
        let send = try kit.run("send", "--thread", "t1", "hello")
        #expect(send.status == 3 && send.stderr.contains(reason), "\(send)")
    }

    /// A bound thread whose plugin file turns bad: `show` names the refusal in its plugin row (and
    /// `pluginProblem` with --json), `send` fails with it.
    @Test func showNamesTheRefusalOfABoundThreadsPlugin() throws {
        let (root, directory) = try generate("show-me", lang: "c")
        _ = root
        try KitTools.run(
            try KitTools.tool("make", hint: ".ci/run installs it with the C compiler"), [], in: directory)
        let kit = try KitWorkspace(pluginPath: directory)
        try kit.configure(provider: "show-me", plugin: "show-me", model: "show-me-1")
        #expect(try kit.run("send", "--thread", "t1", "one").status == 0)
        let shown = try kit.run("show", "t1")
        #expect(shown.stdout.contains("plugin       show-me 0.1.0 (\(directory)/libshow-me.so)"), "\(shown)")

        try AtomicFile.replace(Array("no longer a plugin".utf8), path: directory + "/libshow-me.so")
        let refusal = "plugin \(directory)/libshow-me.so refused: it is not an ELF shared object"
        let broken = try kit.run("show", "t1")
        #expect(broken.status == 0, "\(broken)")
        #expect(
            broken.stdout.contains(
                "plugin       show-me: unavailable: provider 'show-me' needs plugin 'show-me', which was not found; refused candidates: \(refusal)"
            ), "\(broken)")
        let json = try kit.run("show", "--json", "t1")
        #expect(json.stdout.contains("\"pluginProblem\""), "\(json)")
        let send = try kit.run("send", "--thread", "t1", "two")
        #expect(send.status == 3 && send.stderr.contains(refusal), "\(send)")
    }

    /// `plugin check` runs the plugin in a plugin host: a plugin that aborts in `create` is reported
    /// with how its host died, and the check itself survives to say so.
    @Test func checkSurvivesAPluginThatCrashes() throws {
        let (root, directory) = try generate("crasher", lang: "c")
        _ = root
        let source = directory + "/src/crasher.c"
        let text = try String(contentsOfFile: source, encoding: .utf8)
        let original = "    json_span config, state;\n"
        try #require(text.contains(original))
        try AtomicFile.replace(
            Array(text.replacingOccurrences(of: original, with: "    abort();\n" + original).utf8),
            path: source)
        try KitTools.run(
            try KitTools.tool("make", hint: ".ci/run installs it with the C compiler"), [], in: directory)
        let checked = try ChildProcess.run(
            BuildProducts.agentws, ["plugin", "check", directory + "/libcrasher.so"])
        #expect(checked.status == 6, "\(checked)")
        #expect(checked.stderr.contains("(plugin crasher) died: killed by SIGABRT"), "\(checked)")
        // The message sends the author to the host's log: it is still there to read.
        let marker = "(full log: "
        let range = try #require(checked.stderr.range(of: marker), "\(checked)")
        let log = String(checked.stderr[range.upperBound...].prefix { $0 != ")" })
        #expect(FileManager.default.fileExists(atPath: log), "\(log)")
        #expect(log.contains("/agentws-plugin-check-"), "\(log)")
        if let scratch = log.range(of: #"^.*/agentws-plugin-check-[^/]+"#, options: .regularExpression) {
            try? FileManager.default.removeItem(atPath: String(log[scratch]))
        }
    }
}
