import AgentwsSystem

/// Waiting for plugin files to be as old as installed ones are, before a row times commands that
/// discover them.
///
/// Discovery does not remember a plugin file changed within `FileStamp.racyWindowNanoseconds` (its
/// stamp could repeat), so every command in that window examines it again: an isolated one in a
/// probe host, one in process by mapping it. A row that times sends right after linking or
/// building its plugins times that examination, which no installed plugin costs. Row 13 did, and
/// its first 2–4 s of rounds read 1.3–1.5× instead of 1.1–1.15× (docs/performance.md).
enum SettledPlugins {
    /// Returns once no `.so` file in `directories` changed within the racy window.
    static func wait(in directories: [String]) throws {
        for directory in directories {
            for name in try Files.list(directory) where name.hasSuffix(".so") {
                let path = directory + "/" + name
                while let stamp = try FileStamp.of(path), stamp.isRacy(now: FileStamp.wallClockNow()) {
                    usleep(50_000)
                }
            }
        }
    }
}
