import Foundation

/// Reads a test fixture; nil when it does not exist.
func readFile(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { Array($0) }
}
