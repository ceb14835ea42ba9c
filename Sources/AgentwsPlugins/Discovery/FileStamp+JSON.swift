import AgentwsJSON
import AgentwsSystem

/// A file's stamp as agentws keeps it in its state files (the probe cache, the markers a spare
/// plugin host reads): one integer per field.
extension FileStamp {
    var json: JSONValue {
        [
            "inode": .integer(Int64(bitPattern: inode)), "size": .integer(size),
            "mtime": .integer(modifiedSeconds), "mtimeNanoseconds": .integer(modifiedNanoseconds),
            "ctime": .integer(changedSeconds), "ctimeNanoseconds": .integer(changedNanoseconds),
        ]
    }

    /// The stamp `json` wrote; nil when a field is missing or not an integer.
    init?(json value: JSONValue) {
        guard let inode = value["inode"]?.integerValue, let size = value["size"]?.integerValue,
            let modified = value["mtime"]?.integerValue,
            let modifiedNanoseconds = value["mtimeNanoseconds"]?.integerValue,
            let changed = value["ctime"]?.integerValue,
            let changedNanoseconds = value["ctimeNanoseconds"]?.integerValue
        else { return nil }
        self.init(
            inode: UInt64(bitPattern: inode), size: size, modifiedSeconds: modified,
            modifiedNanoseconds: modifiedNanoseconds, changedSeconds: changed,
            changedNanoseconds: changedNanoseconds)
    }
}
