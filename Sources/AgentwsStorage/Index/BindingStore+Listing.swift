import AgentwsCore
import AgentwsSystem

extension BindingStore {
    /// Every binding file, sorted by thread id; unreadable files are listed with their reason so one
    /// bad file never hides the others.
    ///
    /// Files whose stamp matches `state/bindings.index` come from the index; the others are read
    /// and parsed, and the index is brought up to date (see `BindingIndex`).
    package func list() throws(SystemError) -> [BindingListing] {
        try listing(now: FileStamp.wallClockNow()).listings
    }

    /// One listing, and how many binding files it had to read rather than take from the index.
    struct Listing {
        var listings: [BindingListing]
        var filesRead: Int
    }

    /// `list()` at wall-clock time `now` (nanoseconds since the epoch), which decides which files
    /// changed too recently to enter the index.
    func listing(now: Int64) throws(SystemError) -> Listing {
        guard let directory = try OpenDirectory(workspace.bindingsDirectory) else {
            return Listing(listings: [], filesRead: 0)
        }
        let names = directory.names().filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
        let previous = BindingIndex.load(workspace.bindingIndexPath).entries
        var result = Listing(listings: [], filesRead: 0)
        result.listings.reserveCapacity(names.count)
        // What the next index holds, in name order; only built into entries if something changed.
        var next: [IndexSource] = []
        next.reserveCapacity(names.count)
        var changed = false
        var cursor = 0
        for name in names {
            // Both lists are sorted by name: walk them together.
            while cursor < previous.count && previous[cursor].name < name {
                cursor += 1
                changed = true  // a file that is gone
            }
            if cursor < previous.count && previous[cursor].name == name {
                let cached = cursor
                cursor += 1
                do throws(SystemError) {
                    guard let stamp = try directory.stamp(of: name) else {
                        changed = true  // removed since the directory was read
                        continue
                    }
                    if stamp == previous[cached].stamp {
                        result.listings.append(.binding(previous[cached].binding))
                        next.append(.previous(cached))
                        continue
                    }
                } catch {
                    result.listings.append(unreadable(name, error))
                    changed = true
                    continue
                }
                changed = true  // the file changed: its entry is replaced or dropped below
            }
            let stem = String(name.dropLast(5))
            guard let thread = try? ThreadID(stem) else {
                let reason = ThreadID.problem(with: stem) ?? "invalid"
                result.listings.append(
                    .unreadable(
                        thread: stem,
                        error: BindingFileError(
                            path: directory.path + "/" + name,
                            problem: .invalid("the file name is not a valid thread id: \(reason)"))))
                continue
            }
            result.filesRead += 1
            let read: (bytes: [UInt8], stamp: FileStamp)?
            do {
                read = try directory.read(name)
            } catch {
                result.listings.append(unreadable(name, error))
                continue
            }
            guard let read else { continue }
            do {
                let binding = try BindingCodec.decode(read.bytes, expectedThread: thread)
                result.listings.append(.binding(binding))
                if !read.stamp.isRacy(now: now) {
                    next.append(.read(BindingIndex.Entry(name: name, stamp: read.stamp, binding: binding)))
                    changed = true
                }
            } catch {
                result.listings.append(
                    .unreadable(
                        thread: stem,
                        error: BindingFileError(path: directory.path + "/" + name, problem: error)))
            }
        }
        if changed || cursor < previous.count {
            saveIndex(
                next.map { source in
                    switch source {
                    case .previous(let position): return previous[position]
                    case .read(let entry): return entry
                    }
                })
        }
        return result
    }

    /// Where an entry of the next index comes from.
    private enum IndexSource {
        case previous(Int)
        case read(BindingIndex.Entry)
    }

    private func unreadable(_ name: String, _ error: SystemError) -> BindingListing {
        .unreadable(
            thread: String(name.dropLast(5)),
            error: BindingFileError(
                path: workspace.bindingsDirectory + "/" + name, problem: .invalid("\(error)")))
    }

    /// Replaces the index; a failure only costs the next listing its speed, so it is not reported.
    private func saveIndex(_ entries: [BindingIndex.Entry]) {
        try? FileIO.makeDirectories(workspace.stateDirectory)
        try? AtomicFile.replace(
            BindingIndex.encode(entries), directory: workspace.stateDirectory, fileName: "bindings.index",
            durable: false)
    }
}
