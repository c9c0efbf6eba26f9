import BingXPasskeys
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking // URLSession outside Apple platforms
#endif
import XCTest

/// The reference server the journeys run against: `passkeys-testkit serve`, its base URL in
/// BINGX_TESTKIT_URL (e.g. http://127.0.0.1:8787) and its rp id in BINGX_TESTKIT_RP_ID
/// (default `localhost`, the server's own default). Without BINGX_TESTKIT_URL the journeys skip.
struct TestKit {
    struct Account {
        let id: String
        let email: String
        let password: String
    }

    let baseURL: URL
    let rpId: String

    static func fromEnvironment() throws -> TestKit {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["BINGX_TESTKIT_URL"], let url = URL(string: text) else {
            throw XCTSkip("BINGX_TESTKIT_URL is not set: start `passkeys-testkit serve` and set it")
        }
        return TestKit(baseURL: url, rpId: environment["BINGX_TESTKIT_RP_ID"] ?? "localhost")
    }

    /// A new app install talking to the server through the core.
    func client(_ platform: PlatformAuthenticator) throws -> PasskeysClient {
        let config = PasskeysConfig(
            baseUrl: baseURL.absoluteString, rpId: rpId, androidApkKeyHashes: [],
            allowInsecureLoopback: true, policyKey: nil)
        return try PasskeysClient.newWithInMemoryStore(config: config, platform: platform)
    }

    /// A fresh account (`POST /v1/accounts`), so that every run starts with the flag off.
    func signUp() async throws -> Account {
        let email = "ios-\(UUID().uuidString.lowercased())@testkit.test"
        let password = "correct horse battery"
        let body = try await call("POST", "v1/accounts", ["email": email, "password": password])
        let id = try XCTUnwrap(body["account_id"] as? String)
        return Account(id: id, email: email, password: password)
    }

    /// A client signed in on `deviceId` with the password and the emailed code.
    func signedInClient(
        _ account: Account, _ platform: PlatformAuthenticator, deviceId: String,
        trustDevice: Bool = false
    ) async throws -> PasskeysClient {
        let client = try self.client(platform)
        let signIn = client.signIn()
        let step = try await signIn.withPassword(
            email: account.email, password: account.password, deviceId: deviceId, trust: nil)
        guard case let .codeRequired(loginId, factors) = step else {
            throw TestKitError("a new device should be asked for a code, got \(step)")
        }
        XCTAssertTrue(factors.contains(.email))
        let code = try await self.code(to: account.email, purpose: "login")
        _ = try await signIn.completeWithCode(
            loginId: loginId, factor: .email, code: code, trustDevice: trustDevice)
        return client
    }

    /// J1's steps with the current factor (email), without the journey's assertions.
    func enablePasskeys(_ client: PasskeysClient, _ account: Account) async throws -> PasskeyAdded {
        let flow = client.enable()
        _ = try await flow.checkDevice()
        try flow.acknowledgeWarning()
        _ = try await flow.startStepUp()
        let code = try await self.code(to: account.email, purpose: "step_up")
        try await flow.finishStepUp(password: account.password, factor: .email, code: code)
        return try await flow.createPasskey(name: nil)
    }

    /// The newest code "delivered" to `to` for `purpose` (`login`, `step_up`).
    func code(to: String, purpose: String) async throws -> String {
        let codes = try await outbox(to: to).filter { $0["purpose"] as? String == purpose }
        return try XCTUnwrap(codes.last?["code"] as? String, "no \(purpose) code for \(to)")
    }

    /// Every message the testkit outbox holds for `to`.
    func outbox(to: String) async throws -> [[String: Any]] {
        let query = to.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? to
        let body = try await call("GET", "v1/testkit/outbox?to=\(query)", nil)
        return try XCTUnwrap(body["messages"] as? [[String: Any]])
    }

    private func call(_ method: String, _ path: String, _ json: [String: Any]?) async throws
        -> [String: Any]
    {
        let url = try XCTUnwrap(URL(string: path, relativeTo: baseURL))
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "content-type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        XCTAssertTrue((200..<300).contains(status), "\(method) \(path): HTTP \(status)")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

struct TestKitError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
