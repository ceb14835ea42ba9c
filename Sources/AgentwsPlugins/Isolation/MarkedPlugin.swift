import AgentwsJSON
import AgentwsSystem
import Logging

/// The plugin file an instance's marker names (`SparePluginHost.markerPath`): the one its plugin
/// host loaded the last time, with the stamp the file had then. A forked spare host maps it ahead
/// (`mapAhead`) while the send reads its configuration, so that the `dlopen` is done when `create`
/// comes; `create` loads the file again with every check, which for a mapped file costs little.
///
/// The marker is only a hint in the workspace's state, so the stamp is what makes it trusted: a
/// file is mapped ahead only from a directory discovery searches by default, and only while its
/// inode, size and times are those agentws saw when its host loaded it (`SparePluginHost.markers`).
/// Nobody can forge a marker that passes without having looked at the file on this machine (the
/// change time, to the nanosecond, cannot be set), and a file changed since is not mapped ahead. A
/// copy that mapped one file never serves another (`SparePluginHost.take`).
package struct MarkedPlugin: Sendable, Equatable {
    package var path: String
    package var directory: String
    package var stamp: FileStamp

    /// The longest marker read: two paths of `PATH_MAX` and a stamp fit in it several times.
    static let maximumMarkerSize = 16 * 1024

    /// The marker's bytes: one line of compact JSON.
    var encoded: [UInt8] {
        let value: JSONValue = [
            "path": .string(path), "directory": .string(directory), "stamp": stamp.json,
        ]
        return JSONWriter.compact(value) + [UInt8(ascii: "\n")]
    }

    /// Loads the file ahead of `create` (whoever asks has checked its stamp). A refusal here is
    /// `create`'s to report (it loads the file again), so the loader's own messages (a toolchain
    /// warning) are not said twice.
    func mapAhead(logger: Logger) {
        var quiet = logger
        quiet.logLevel = .critical
        if (try? PluginLoader.load(path: path, directory: directory, logger: quiet)) != nil {
            logger.debug("plugin file \(path) mapped ahead of create")
        }
    }
}

// In an extension, so that the memberwise initializer stays.
extension MarkedPlugin {
    /// The plugin a marker's bytes name; nil when they name none (a marker written before markers
    /// named their plugin is empty) or cannot be read as one.
    init?(marker bytes: [UInt8]) {
        guard bytes.count <= Self.maximumMarkerSize, let value = try? JSONParser.parse(bytes: bytes),
            let path = value["path"]?.stringValue,
            let directory = value["directory"]?.stringValue, path.hasPrefix("/"), directory.hasPrefix("/"),
            let stampValue = value["stamp"], let stamp = FileStamp(json: stampValue)
        else { return nil }
        self.init(path: path, directory: directory, stamp: stamp)
    }
}
