import AgentwsSystem

/// The file-system checks made before a plugin is opened: where it really is and who could have put
/// it there. Loading a shared object runs its code, so a plugin must be as trustworthy as the user's
/// own programs.
enum FileSafety {
    /// Resolves `path` to its real path and checks that it stays inside `directory` (itself resolved).
    static func resolve(_ path: String, inside directory: String) throws(PluginRefusal.Reason) -> String {
        guard path.hasPrefix("/") else { throw .notAbsolute }
        let resolved: String
        switch SystemCalls.realPath(path) {
        case .success(let real): resolved = real
        case .failure(let error) where error.code == ENOENT:
            if case .success(let status) = SystemCalls.linkStatus(path), status.st_mode & S_IFMT == S_IFLNK {
                throw .danglingSymlink
            }
            throw .notFound
        case .failure(let error): throw .unreadable(error: error.reason)
        }
        let realDirectory: String
        switch SystemCalls.realPath(directory) {
        case .success(let real): realDirectory = real
        case .failure(let error): throw .unreadable(error: "plugin directory \(directory): \(error.reason)")
        }
        let prefix = realDirectory == "/" ? "/" : realDirectory + "/"
        guard resolved.hasPrefix(prefix) else {
            throw .outsidePluginDirectory(resolved: resolved, directory: realDirectory)
        }
        return resolved
    }

    /// Checks owner and mode of the file at `realPath` and of every directory above it, up to `/`.
    ///
    /// Each must belong to root or to `user`, and must not be writable by group or others, except a
    /// root-owned directory with the sticky bit (such as /tmp), where others cannot replace entries
    /// they do not own.
    static func checkOwnership(of realPath: String, user: uid_t) throws(PluginRefusal.Reason) {
        let file = try status(of: realPath)
        guard file.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile }
        try checkOwnerAndMode(file, path: realPath, user: user)
        var path = realPath
        while path != "/" {
            path = path.parentDirectory
            try checkOwnerAndMode(try status(of: path), path: path, user: user)
        }
    }

    private static func status(of path: String) throws(PluginRefusal.Reason) -> stat {
        switch SystemCalls.linkStatus(path) {
        case .success(let status): return status
        case .failure(let error): throw .unreadable(error: "\(path): \(error.reason)")
        }
    }

    private static func checkOwnerAndMode(_ status: stat, path: String, user: uid_t)
        throws(PluginRefusal.Reason)
    {
        guard status.st_uid == 0 || status.st_uid == user else {
            throw .unsafeOwner(path: path, owner: status.st_uid, allowed: user)
        }
        let isDirectory = status.st_mode & S_IFMT == S_IFDIR
        let writableByOthers = status.st_mode & (S_IWGRP | S_IWOTH) != 0
        let protectedBySticky = isDirectory && status.st_uid == 0 && status.st_mode & S_ISVTX != 0
        guard !writableByOthers || protectedBySticky else {
            throw .unsafeMode(path: path, mode: status.st_mode, isDirectory: isDirectory)
        }
    }
}
