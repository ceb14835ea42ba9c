import AgentwsTestSupport

extension BuildProducts {
    /// The directory of agentws_provider.h.
    static var headerDirectory: String {
        repositoryRoot + "/sdk/swift/agentws-provider-kit/Sources/CAgentwsProvider/include"
    }
}
