/// The pre-`dlopen` check of a plugin's ELF header: a file for another CPU or word size would only
/// fail later with a less helpful `dlopen` message, and this costs one 64-byte read.
enum ELFHeader {
    /// The size of an ELF64 header, which holds every field checked here.
    static let size = 64

    /// `e_machine` of this host's CPU.
    static let hostMachine: UInt16 = {
        #if arch(x86_64)
            return 62
        #elseif arch(arm64)
            return 183
        #else
            #error("agentws plugins are supported on x86_64 and aarch64 only")
        #endif
    }()

    /// Checks magic, class, byte order, machine and type, in that order.
    static func check(_ bytes: [UInt8]) throws(PluginRefusal.Reason) {
        guard bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else { throw .notELF }
        guard bytes.count > 5 else { throw .truncatedELF }
        guard bytes[4] == 2 else { throw .notELF64(elfClass: bytes[4]) }
        guard bytes[5] == 1 else { throw .notLittleEndian(encoding: bytes[5]) }
        guard bytes.count >= size else { throw .truncatedELF }
        let type = UInt16(bytes[16]) | UInt16(bytes[17]) << 8
        let machine = UInt16(bytes[18]) | UInt16(bytes[19]) << 8
        guard machine == hostMachine else { throw .foreignMachine(machine: machine, host: hostMachine) }
        guard type == 3 else { throw .notSharedObject(elfType: type) }
    }

    /// A readable name for the `e_machine` values someone is likely to meet.
    static func machineName(_ machine: UInt16) -> String {
        switch machine {
        case 3: return "i386"
        case 8: return "mips"
        case 20: return "ppc"
        case 21: return "ppc64"
        case 22: return "s390"
        case 40: return "arm"
        case 62: return "x86_64"
        case 183: return "aarch64"
        case 243: return "riscv"
        default: return "an unknown CPU"
        }
    }
}
