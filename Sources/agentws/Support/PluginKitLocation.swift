import AgentwsCore
import AgentwsPlugins
import AgentwsSystem
import Foundation

/// Where the plugin author's kit is: the directory holding `swift/agentws-provider-kit` (the Swift
/// package with the C header and the C JSON helper) and `rust/agentws-provider` (the Rust crate).
///
/// Looked for, in order: `$AGENTWS_SDK`; `<executable's directory>/../share/agentws/sdk`, where
/// `scripts/install` puts it; the `sdk` directory of the checkout this agentws was built from.
struct PluginKitLocation {
    static let environmentVariable = "AGENTWS_SDK"

    /// The kit's root directory.
    let root: String
    /// Where it was found, for messages.
    let origin: String
    /// The installation prefix when the kit is an installed one (its header is in `<prefix>/include`).
    let installPrefix: String?

    var swiftPackage: String { root + "/swift/agentws-provider-kit" }
    var rustCrate: String { root + "/rust/agentws-provider" }
    var exportsMap: String { swiftPackage + "/plugin-exports.map" }
    var cJSONSources: String { swiftPackage + "/Sources/CAgentwsJSON" }

    /// The directory of `agentws_provider.h` to compile against.
    var headerDirectory: String {
        if let installPrefix, FileIO.exists(installPrefix + "/include/agentws_provider.h") {
            return installPrefix + "/include"
        }
        return swiftPackage + "/Sources/CAgentwsProvider/include"
    }

    var header: String { headerDirectory + "/agentws_provider.h" }

    static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executableDirectory: String? = PluginSearchPath.executableDirectory()
    ) throws -> PluginKitLocation {
        if let given = environment[environmentVariable], !given.isEmpty {
            guard given.hasPrefix("/"), isKit(given) else {
                throw AgentwsError(
                    .notFound,
                    "\(environmentVariable)=\(given) is not the agentws plugin kit (an absolute directory holding swift/agentws-provider-kit); unset it or point it at <agentws checkout>/sdk"
                )
            }
            return PluginKitLocation(root: given, origin: environmentVariable, installPrefix: nil)
        }
        if let executableDirectory {
            let prefix = (executableDirectory as NSString).deletingLastPathComponent
            let installed = prefix + "/share/agentws/sdk"
            if isKit(installed) {
                return PluginKitLocation(root: installed, origin: "installed", installPrefix: prefix)
            }
        }
        // Sources/agentws/Support/PluginKitLocation.swift → the checkout's root.
        var checkout = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { checkout.deleteLastPathComponent() }
        let source = checkout.path + "/sdk"
        if isKit(source) {
            return PluginKitLocation(root: source, origin: "source checkout", installPrefix: nil)
        }
        throw AgentwsError(
            .notFound,
            "cannot find the agentws plugin kit: not installed beside this agentws (scripts/install puts it in <prefix>/share/agentws/sdk) and the checkout it was built from is gone; set \(environmentVariable) to <agentws checkout>/sdk"
        )
    }

    private static func isKit(_ directory: String) -> Bool {
        FileIO.exists(directory + "/swift/agentws-provider-kit/Package.swift")
    }
}
