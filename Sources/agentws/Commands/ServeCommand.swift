import AgentwsCore
import AgentwsDaemon
import AgentwsStorage
import ArgumentParser
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the workspace's daemon: warm sessions, the idle reaper, ACP on a Unix socket.",
        discussion: """
            One daemon per workspace (it holds .agentws/state/daemon.lock). It listens on \
            .agentws/state/agentws.sock (mode 0600; peers of another uid are refused), keeps sessions \
            live between turns, stops idle ones every reaper.sweep_interval, and logs to stderr and \
            .agentws/state/logs/daemon.log. While it runs, send, stop, interrupt, reset, unbind, list, \
            show, reap and acp go through it. SIGTERM or SIGINT stops every session (bindings stopped, \
            cursors kept) and exits 0. See docs/daemon.md.
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions

    mutating func run() async throws {
        let options = workspaceOptions
        try await reportingFailures {
            let context = try CommandContext.open(options)
            let workspace = context.workspace
            try FileManager.default.createDirectory(
                atPath: workspace.logsDirectory, withIntermediateDirectories: true)
            LoggingSetup.daemonMode(logFile: try LogFile(path: workspace.daemonLogPath))
            guard let lock = try await DaemonLock.acquire(workspace) else {
                let pid = DaemonLock.holder(workspace)?.pid.map { "pid \($0)" } ?? "another process"
                throw AgentwsError(
                    .conflict,
                    "a daemon (\(pid)) already serves \(workspace.root); stop it (kill -TERM) before starting another"
                )
            }
            defer { lock.release() }
            let logger = Logger(label: "agentws.daemon")
            let agent = try context.makeAgent(logger: logger)
            try await Daemon.serve(agent: agent, workspace: workspace, holding: lock, logger: logger)
        }
    }
}

struct AcpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acp",
        abstract: "Speak the Agent Client Protocol on stdin/stdout, for an editor to launch.",
        discussion: """
            Through the workspace's daemon when one runs (its warm sessions), else with sessions in \
            this process, stopped (cursors kept) when stdin ends or on SIGTERM. Logs go to stderr. \
            See docs/daemon.md for the methods and editor set-up.
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions

    mutating func run() async throws {
        let options = workspaceOptions
        try await reportingFailures {
            let context = try CommandContext.open(options)
            let logger = Logger(label: "agentws.acp")
            if !options.overrides.isEmpty, DaemonLock.holder(context.workspace) != nil {
                throw AgentwsError(
                    .usage,
                    "--set applies in-process, but a daemon serves this workspace with its own configuration; restart it with the setting, or stop it"
                )
            }
            if try await StdioProxy.run(context.workspace, logger: logger) { return }
            try await Daemon.serveStdio(agent: try context.makeAgent(logger: logger), logger: logger)
        }
    }
}
