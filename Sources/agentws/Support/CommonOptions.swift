import ArgumentParser

/// Options every workspace command takes.
struct WorkspaceOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The workspace directory (default: the nearest directory holding .agentws/, or $AGENTWS_WORKSPACE)."
    )
    var workspace: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a configuration value for this command, e.g. --set reaper.idle_timeout=5m.",
            valueName: "key=value"))
    var overrides: [String] = []
}

/// `--json` for commands that list or show things.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}
