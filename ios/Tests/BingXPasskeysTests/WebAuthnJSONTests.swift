import XCTest
@testable import BingXPasskeys

/// The shell's JSON (what the core receives from AuthenticationServices), byte for byte.
final class WebAuthnJSONTests: XCTestCase {
    func testBase64URLIsUnpaddedWithTheURLAlphabet() {
        XCTAssertEqual(Data([0xfb, 0xff]).base64URLEncodedString(), "-_8")
        XCTAssertEqual(Data().base64URLEncodedString(), "")
    }

    func testRegistrationJSONHasTheLevel3ShapeAndThePlatformsAttachment() throws {
        let json = try WebAuthnJSON.registration(
            credentialID: Data([1, 2, 3]), clientDataJSON: Data("{}".utf8),
            attestationObject: Data([0xa0]), attachment: "cross-platform")
        XCTAssertEqual(json, """
            {"authenticatorAttachment":"cross-platform","clientExtensionResults":{},"id":"AQID",\
            "rawId":"AQID","response":{"attestationObject":"oA","clientDataJSON":"e30"},\
            "type":"public-key"}
            """)
    }

    func testAssertionJSONOmitsAnEmptyUserHandleAndAnUnknownAttachment() throws {
        let json = try WebAuthnJSON.assertion(
            credentialID: Data([1]), clientDataJSON: Data("{}".utf8),
            authenticatorData: Data([2]), signature: Data([3]), userHandle: Data(),
            attachment: nil)
        XCTAssertEqual(json, """
            {"clientExtensionResults":{},"id":"AQ","rawId":"AQ","response":\
            {"authenticatorData":"Ag","clientDataJSON":"e30","signature":"Aw"},"type":"public-key"}
            """)
    }

    func testAssertionJSONCarriesTheUserHandle() throws {
        let json = try WebAuthnJSON.assertion(
            credentialID: Data([1]), clientDataJSON: Data("{}".utf8),
            authenticatorData: Data([2]), signature: Data([3]), userHandle: Data([0xff]),
            attachment: "platform")
        XCTAssertTrue(json.contains(#""userHandle":"_w""#), json)
        XCTAssertTrue(json.contains(#""authenticatorAttachment":"platform""#), json)
    }

    #if canImport(CryptoKit)
    /// The CBOR of SoftwareAuthenticator (Apple platforms: it needs CryptoKit).
    func testCBOREncodesHeadsAndMaps() {
        let key = CBOR.map([(.unsigned(1), .unsigned(2)), (.unsigned(3), .negative(-7))])
        XCTAssertEqual(key.encoded, Data([0xa2, 0x01, 0x02, 0x03, 0x26]))
        XCTAssertEqual(CBOR.text("fmt").encoded, Data([0x63, 0x66, 0x6d, 0x74]))
        XCTAssertEqual(CBOR.bytes(Data(count: 32)).encoded.prefix(2), Data([0x58, 0x20]))
        XCTAssertEqual(CBOR.unsigned(500).encoded, Data([0x19, 0x01, 0xf4]))
    }
    #endif
}
