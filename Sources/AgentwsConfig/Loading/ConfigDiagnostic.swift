import AgentwsCore

/// One problem found in the configuration, printed as `location: message`.
package struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// `path:line:column`, a bare path (a file that cannot be read), `environment variable NAME` or
    /// `--set key=value`.
    package let location: String
    /// What is wrong and, where it helps, what would be right.
    package let message: String

    /// Creates a diagnostic; `location` is what the user should look at.
    package init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    init(at origin: ConfigOrigin, _ message: String) {
        self.init(location: origin.diagnosticLocation, message: message)
    }

    /// `location: message`, the form printed to the user.
    package var description: String { "\(location): \(message)" }
}

/// The configuration could not be loaded. Carries every problem found, not only the first, so one run
/// shows the user everything to fix.
package struct ConfigurationError: AgentwsFailure, Equatable {
    /// The problems, in layer order (user file, workspace file, environment, flags), then the checks
    /// that span layers.
    package let diagnostics: [ConfigDiagnostic]

    /// Creates an error from its diagnostics (never empty when thrown by the loader).
    package init(diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    /// Always `.invalidData` (exit code 5): the configuration, not the program, needs fixing.
    package var category: ErrorCategory { .invalidData }

    /// One diagnostic per line.
    package var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
