import AgentwsConfig
import AgentwsCore
import AgentwsTestSupport
import Foundation
import Testing

/// The repository's top-level `config.yaml` documents the defaults (SPEC §7); this keeps it honest.
@Suite struct RepositoryConfigFileTests {
    static let path = URL(fileURLWithPath: BuildProducts.repositoryRoot).appendingPathComponent("config.yaml")
        .path

    @Test func decodesToExactlyTheBuiltInDefaults() throws {
        let loaded = try ConfigurationLoader(
            environment: [:], userConfigPath: Self.path, workspaceConfigPath: nil
        )
        .load()
        #expect(loaded.configuration == Configuration.defaults)
    }

    @Test func spellsOutEveryKey() throws {
        let loaded = try ConfigurationLoader(
            environment: [:], userConfigPath: Self.path, workspaceConfigPath: nil
        )
        .load()
        // Every reported value must come from the file itself, not from the built-in layer beneath it.
        for line in loaded.report() {
            guard case .file(let path, _, _) = line.origin else {
                Issue.record("\(line.key) is not written in config.yaml (origin: \(line.origin))")
                continue
            }
            #expect(path == Self.path)
        }
    }
}
