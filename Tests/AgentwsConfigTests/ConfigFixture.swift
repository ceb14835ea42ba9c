import AgentwsConfig
import AgentwsCore
import AgentwsTestSupport
import Foundation

/// A temporary directory holding configuration files for one test, removed when the test ends.
final class ConfigFixture {
    private let temporary: TemporaryDirectory
    var directory: String { temporary.path }

    init() throws { temporary = try TemporaryDirectory(prefix: "agentws-config-tests") }

    /// Writes `text` to `name` inside the fixture and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = "\(directory)/\(name)"
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Loads with an optional user and workspace file given as text.
    func load(
        user: String? = nil,
        workspace: String? = nil,
        environment: [String: String] = [:],
        overrides: [ConfigOverride] = []
    ) throws -> LoadedConfiguration {
        let userPath = try user.map { try write("user/config.yaml", $0) }
        let workspacePath = try workspace.map { try write("workspace/.agentws/config.yaml", $0) }
        return try ConfigurationLoader(
            environment: environment,
            userConfigPath: userPath,
            workspaceConfigPath: workspacePath,
            overrides: overrides
        ).load()
    }

    /// The diagnostics a load fails with, as printed; empty when it succeeds.
    func errors(
        user: String? = nil,
        workspace: String? = nil,
        environment: [String: String] = [:],
        overrides: [ConfigOverride] = []
    ) throws -> [String] {
        do {
            _ = try load(user: user, workspace: workspace, environment: environment, overrides: overrides)
            return []
        } catch let error as ConfigurationError {
            return error.diagnostics.map(\.description)
        }
    }

    var userPath: String { "\(directory)/user/config.yaml" }
    var workspacePath: String { "\(directory)/workspace/.agentws/config.yaml" }
}
