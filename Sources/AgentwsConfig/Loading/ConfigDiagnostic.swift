import AgentwsCore

/// One problem found in the configuration, printed as `location: message`.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// `path:line:column`, a bare path (a file that cannot be read), `environment variable NAME` or
    /// `--set key=value`.
    public let location: String
    /// What is wrong and, where it helps, what would be right.
    public let message: String

    /// Creates a diagnostic; `location` is what the user should look at.
    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    init(at origin: ConfigOrigin, _ message: String) {
        self.init(location: origin.diagnosticLocation, message: message)
    }

    /// `location: message`, the form printed to the user.
    public var description: String { "\(location): \(message)" }
}

/// The configuration could not be loaded. Carries every problem found, not only the first, so one run
/// shows the user everything to fix.
public struct ConfigurationError: AgentwsFailure, Equatable {
    /// The problems, in layer order (user file, workspace file, environment, flags), then the checks
    /// that span layers.
    public let diagnostics: [ConfigDiagnostic]

    /// Creates an error from its diagnostics (never empty when thrown by the loader).
    public init(diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    /// Always `.invalidData` (exit code 5): the configuration, not the program, needs fixing.
    public var category: ErrorCategory { .invalidData }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
