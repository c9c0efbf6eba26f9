import BingXPasskeys
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking // URLSession outside Apple platforms
#endif
import XCTest

/// The reference server the journeys run against: `passkeys-testkit serve`, its base URL in
/// BINGX_TESTKIT_URL (e.g. http://127.0.0.1:8787) and its rp id in BINGX_TESTKIT_RP_ID
/// (default `localhost`, the server's own default). Without BINGX_TESTKIT_URL the journeys skip
/// (scripts/check-swift always sets it).
struct TestKit: Sendable {
    struct Account: Sendable {
        let id: String
        let email: String
        let password: String
    }

    let baseURL: URL
    let rpId: String
    /// The back office's credential the server was started with (`X-Admin-Token`), which
    /// changing the server's global policy needs.
    var adminToken: String? = nil

    static func fromEnvironment() throws -> TestKit {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["BINGX_TESTKIT_URL"], let url = URL(string: text) else {
            throw XCTSkip("BINGX_TESTKIT_URL is not set: start `passkeys-testkit serve` and set it")
        }
        return TestKit(
            baseURL: url, rpId: environment["BINGX_TESTKIT_RP_ID"] ?? "localhost",
            adminToken: environment["BINGX_TESTKIT_ADMIN_TOKEN"])
    }

    /// A new app install talking to the server through the core, pinning the server's
    /// policy-signing key as an app does, with its secrets in `store`.
    func client(_ platform: PlatformAuthenticator, store: MemoryStore = MemoryStore()) async throws
        -> PasskeysClient
    {
        let config = PasskeysConfig(
            baseUrl: baseURL.absoluteString, rpId: rpId, androidApkKeyHashes: [],
            allowInsecureLoopback: true, policyKey: try await policyKey())
        return try PasskeysClient(config: config, platform: platform, store: store)
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
        trustDevice: Bool = false, store: MemoryStore = MemoryStore()
    ) async throws -> PasskeysClient {
        let client = try await self.client(platform, store: store)
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

    /// Enable up to a completed step-up: device check, warning, password + emailed code.
    func steppedUp(_ client: PasskeysClient, _ account: Account) async throws -> EnableFlow {
        let flow = client.enable()
        _ = try await flow.checkDevice()
        try flow.acknowledgeWarning()
        _ = try await flow.startStepUp()
        let code = try await self.code(to: account.email, purpose: "step_up")
        try await flow.finishStepUp(password: account.password, factor: .email, code: code)
        return flow
    }

    /// J1's steps with the current factor (email), without the journey's assertions.
    func enablePasskeys(_ client: PasskeysClient, _ account: Account) async throws -> PasskeyAdded {
        try await steppedUp(client, account).createPasskey(name: nil)
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

    /// An id token of the server's test identity provider for `email` at `provider`.
    func idToken(provider: String, email: String) async throws -> String {
        let body = try await call(
            "POST", "v1/testkit/idp/token", ["provider": provider, "email": email])
        return try XCTUnwrap(body["id_token"] as? String)
    }

    /// Changes the server's global policy (`PUT /v1/testkit/admin/policy`, with the back
    /// office's credential from `BINGX_TESTKIT_ADMIN_TOKEN`).
    func serverPolicy(_ change: [String: Any]) async throws {
        let token = try XCTUnwrap(
            adminToken, "BINGX_TESTKIT_ADMIN_TOKEN is not set: run the tests with scripts/check-swift")
        let (status, _) = try await request(
            "PUT", "v1/testkit/admin/policy", change, bearer: nil, adminToken: token)
        XCTAssertEqual(status, 200, "PUT v1/testkit/admin/policy: HTTP \(status)")
    }

    /// A withdrawal as the app's own backend call would make it (`POST /v1/withdrawals`), with
    /// the session of `store` and, when given, a passkey proof; the HTTP status and error code.
    func withdraw(_ params: [String: String], proof: String?, store: MemoryStore) async throws
        -> (status: Int, code: String?)
    {
        var body: [String: Any] = params
        body["proof"] = proof ?? NSNull()
        let session = store.value(MemoryStore.sessionToken)
        let (status, answer) = try await request("POST", "v1/withdrawals", body, bearer: session)
        return (status, (answer["error"] as? [String: Any])?["code"] as? String)
    }

    /// The server's policy-signing key (`GET /v1/policy-key`), which an app pins.
    func policyKey() async throws -> Data? {
        let body = try await call("GET", "v1/policy-key", nil)
        return (body["public_key"] as? String).flatMap(Data.init(base64URLEncoded:))
    }

    private func call(_ method: String, _ path: String, _ json: [String: Any]?) async throws
        -> [String: Any]
    {
        let (status, body) = try await request(method, path, json, bearer: nil)
        XCTAssertTrue((200..<300).contains(status), "\(method) \(path): HTTP \(status)")
        return body
    }

    private func request(
        _ method: String, _ path: String, _ json: [String: Any]?, bearer: String?,
        adminToken: String? = nil
    ) async throws -> (Int, [String: Any]) {
        let url = try XCTUnwrap(URL(string: path, relativeTo: baseURL))
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "content-type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        if let bearer {
            request.setValue("Bearer \(bearer)", forHTTPHeaderField: "authorization")
        }
        if let adminToken {
            request.setValue(adminToken, forHTTPHeaderField: "x-admin-token")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body = data.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (status, body ?? [:])
    }
}

/// The app's keystore in memory, readable by the tests (the session a withdrawal carries).
final class MemoryStore: SecureStore, @unchecked Sendable {
    /// Where the library keeps the session (core/src/store.rs).
    static let sessionToken = "com.bingx.passkeys/session-token"

    private let lock = NSLock()
    private var values: [String: String] = [:] // guarded by `lock`

    func get(name: String) throws -> String? {
        value(name)
    }

    func set(name: String, value: String) throws {
        lock.lock()
        defer { lock.unlock() }
        values[name] = value
    }

    func delete(name: String) throws {
        lock.lock()
        defer { lock.unlock() }
        values[name] = nil
    }

    /// The value kept under `name`.
    func value(_ name: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return values[name]
    }
}

struct TestKitError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension Data {
    /// Bytes from unpadded (or padded) base64url; nil for anything else.
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
