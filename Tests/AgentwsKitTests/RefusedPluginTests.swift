import AgentwsSystem
import AgentwsTestSupport
import Testing

/// A configured plugin whose file was refused reads as refused, not as missing.
@Suite("A refused plugin is named where it is needed")
struct RefusedPluginTests {
    @Test func providersExitsFiveAndSendNamesTheFirstRefusal() throws {
        let kit = try KitWorkspace()
        // Not an ELF file, and its name says nothing of the plugin it was meant to be.
        try AtomicFile.replace(Array("not a shared object\n".utf8), path: kit.plugins + "/libmine.so")
        try kit.configure(provider: "mine", plugin: "my-provider", model: "m1")

        let providers = try kit.run("providers")
        #expect(providers.status == 5, "\(providers)")
        #expect(providers.stdout.contains("refused"))
        #expect(providers.stdout.contains(kit.plugins + "/libmine.so"))
        let json = try kit.run("providers", "--json")
        #expect(json.status == 5, "\(json)")
        #expect(json.stdout.contains("libmine.so"))

        let send = try kit.run("send", "--thread", "t1", "hello")
        #expect(send.status == 3, "\(send)")
        #expect(send.stderr.contains("needs plugin 'my-provider', which was not found"))
        #expect(
            send.stderr.contains(
                "1 plugin file was refused, the first: plugin \(kit.plugins)/libmine.so refused:"))
    }
}
