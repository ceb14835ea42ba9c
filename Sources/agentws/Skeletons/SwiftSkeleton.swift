/// The Swift plugin `agentws plugin new --lang swift` writes: a package of its own that depends on the
/// plugin kit by path, one provider type and the two exports.
enum SwiftSkeleton {
    static func files(_ names: SkeletonNames, kit: PluginKitLocation) -> [(path: String, text: String)] {
        let type = names.swiftModule
        return [
            ("Package.swift", packageManifest(names, kit: kit)),
            ("Sources/\(type)/\(type).swift", plugin(names)),
            ("Sources/\(type)/Exports.swift", exports(names)),
            (".gitignore", ".build/\n.swiftpm/\nPackage.resolved\n"),
            ("README.md", readme(names, kit: kit)),
        ]
    }

    private static func packageManifest(_ names: SkeletonNames, kit: PluginKitLocation) -> String {
        """
        // swift-tools-version: 6.1
        import PackageDescription

        // The agentws plugin kit: ProviderKit (re-exporting AgentwsJSON), AgentwsSystem, the C header.
        // Its package identity is its directory name, agentws-provider-kit.
        let kit = "\(kit.swiftPackage)"

        let package = Package(
            name: "\(names.name)",
            products: [
                // lib\(names.swiftModule).so: the file agentws loads.
                .library(name: "\(names.swiftModule)", type: .dynamic, targets: ["\(names.swiftModule)"])
            ],
            dependencies: [.package(path: kit)],
            targets: [
                .target(
                    name: "\(names.swiftModule)",
                    dependencies: [
                        .product(name: "ProviderKit", package: "agentws-provider-kit"),
                        .product(name: "AgentwsSystem", package: "agentws-provider-kit"),
                    ],
                    swiftSettings: [.swiftLanguageMode(.v6)],
                    // Export the two ABI functions and nothing else.
                    linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\\(kit)/plugin-exports.map"])]
                )
            ]
        )

        """
    }

    private static func plugin(_ names: SkeletonNames) -> String {
        """
        import AgentwsSystem
        import ProviderKit

        /// The \(names.name) provider. It answers every turn with "\(names.name) turn N: <text>"; put your
        /// agent where `send` makes that reply.
        ///
        /// Without the agentws daemon every command is a new process that loads this plugin afresh, so
        /// what a later command must find again (the conversation a resume cursor names) is kept on disk
        /// under the state directory the host gives, never only in memory.
        final class \(names.swiftModule): ProviderPlugin {
            static let name = "\(names.name)"
            static let version = "0.1.0"

            /// `<stateDirectory>/conversations`: one file per conversation, `{"turns": N}`.
            private let conversations: String
            private let host: PluginHost
            /// The live sessions of this process: session id → conversation id.
            private let sessions = Locked<[String: String]>([:])

            init(configuration: PluginConfiguration, host: PluginHost) throws {
                conversations = configuration.stateDirectory + "/conversations"
                self.host = host
            }

            func describe() async throws -> PluginCapabilities {
                PluginCapabilities(modelSwitch: .inSession, models: ["\(names.name)-1"], canResume: true)
            }

            func start(_ request: StartRequest) async throws -> StartResult {
                let conversation: String
                if let cursor = request.resumeCursor {
                    guard let id = cursor["conversation"]?.stringValue, Self.isID(id), try turns(of: id) != nil
                    else {
                        throw PluginError(
                            code: .resumeFailed, message: "\(names.name): no conversation \\(cursor) in \\(conversations)")
                    }
                    conversation = id
                } else {
                    conversation = Self.newID()
                    try save(conversation, turns: 0)
                }
                let session = Self.newID()
                sessions.withLock { $0[session] = conversation }
                return StartResult(
                    session: session, cursor: ["conversation": .string(conversation)],
                    resumed: request.resumeCursor != nil)
            }

            func send(_ request: PluginTurnRequest) async throws -> PluginTurnResult {
                let conversation = try conversation(of: request.session)
                let turn = (try turns(of: conversation) ?? 0) + 1
                try save(conversation, turns: turn)
                host.emit(.text("\(names.name) turn \\(turn): \\(request.text)"), session: request.session)
                return PluginTurnResult(stopReason: .endTurn)
            }

            func interrupt(session: String) async throws {
                _ = try conversation(of: session)
            }

            func status(session: String) async throws -> SessionStatus {
                _ = try conversation(of: session)
                return SessionStatus(busy: false)
            }

            func stop(session: String) async throws {
                guard sessions.withLock({ $0.removeValue(forKey: session) }) != nil else {
                    throw PluginError(code: .notFound, message: "\(names.name): no session \\(session)")
                }
            }

            // export, import and fork: not offered yet. ProviderKit answers `unsupported` for them and
            // describe says so; conform to TranscriptExporting, TranscriptImporting or
            // ConversationForking to add one (docs/plugin-abi.md, "Transcripts and forks").

            private func conversation(of session: String) throws -> String {
                guard let conversation = sessions.withLock({ $0[session] }) else {
                    throw PluginError(code: .notFound, message: "\(names.name): no session \\(session)")
                }
                return conversation
            }

            /// The turns of a stored conversation, or nil when there is none.
            private func turns(of id: String) throws -> Int64? {
                let path = conversations + "/" + id + ".json"
                do {
                    guard let bytes = try FileIO.readIfPresent(path) else { return nil }
                    guard let turns = try JSONParser.parse(bytes: bytes)["turns"]?.integerValue else {
                        throw PluginError(code: .providerFailed, message: "\(names.name): \\(path) is damaged")
                    }
                    return turns
                } catch let error as PluginError {
                    throw error
                } catch {
                    throw PluginError(code: .providerFailed, message: "\(names.name): \\(path): \\(error)")
                }
            }

            /// Writes a conversation's file whole: temporary file, fsync, rename.
            private func save(_ id: String, turns: Int64) throws {
                do {
                    try FileIO.makeDirectories(conversations, mode: 0o700)
                    try AtomicFile.replace(
                        JSONWriter.canonical(["turns": .integer(turns)]), directory: conversations,
                        fileName: id + ".json")
                } catch {
                    throw PluginError(code: .providerFailed, message: "\(names.name): \\(error)")
                }
            }

            private static func newID() -> String {
                String(UInt64.random(in: 1...UInt64.max), radix: 16) + String(UInt64.random(in: 1...UInt64.max), radix: 16)
            }

            /// Cursors come from files anyone could edit: only ids this plugin makes become paths.
            private static func isID(_ id: String) -> Bool {
                !id.isEmpty && id.count <= 32 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }
            }
        }

        """
    }

    private static func exports(_ names: SkeletonNames) -> String {
        """
        import ProviderKit

        // The two functions of the plugin ABI (agentws_provider.h); ProviderKit builds their tables.

        @_cdecl("agentws_provider_magic")
        package func agentwsProviderMagic() -> UnsafeRawPointer {
            ProviderExport.magic(\(names.swiftModule).self)
        }

        @_cdecl("agentws_provider_entry")
        package func agentwsProviderEntry() -> UnsafeRawPointer {
            ProviderExport.entry(\(names.swiftModule).self)
        }

        """
    }

    private static func readme(_ names: SkeletonNames, kit: PluginKitLocation) -> String {
        """
        # \(names.name): an agentws provider plugin in Swift

        Written by `agentws plugin new \(names.name) --lang swift`. It builds against the agentws plugin
        kit at `\(kit.swiftPackage)` (a path dependency; nothing is fetched), with the Swift release
        agentws was built with (`agentws --version` names it).

        ## Build

            swift build
            # → .build/debug/lib\(names.swiftModule).so

        \(names.developmentLoop(pluginPath: "$PWD/.build/debug", library: ".build/debug/lib\(names.swiftModule).so"))
        ## Rules that matter

        - Every agentws command without the daemon is a new process: keep what must outlive it under
          `configuration.stateDirectory` (private to the provider instance), never only in memory.
        - Answer every call; report failures as `PluginError` with one of the ABI's codes.
        - The contract: `agentws plugin header`, and docs/plugin-abi.md in the agentws repository.

        """
    }
}
