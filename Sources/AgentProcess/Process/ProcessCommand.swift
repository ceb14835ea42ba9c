/// Exactly what is run: the resolved program, argv, environment and working directory.
package struct ProcessCommand: Sendable, Equatable {
    /// The absolute path of the program.
    package var executable: String
    /// argv, the program name as configured first.
    package var arguments: [String]
    /// The whole environment of the child.
    package var environment: [String: String]
    /// The child's working directory.
    package var directory: String

    package init(executable: String, arguments: [String], environment: [String: String], directory: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
    }
}
