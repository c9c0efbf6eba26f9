import Foundation

/// What a registration does where the system cannot exclude credentials.
///
/// `excludedCredentials` for platform passkeys needs iOS 17.4 / macOS 14.4 (shared/PLATFORM.md
/// §2). Before that, iCloud Keychain keeps one passkey per relying party and user handle, so a
/// second registration for the same account silently replaces the passkey already saved there
/// while the server keeps both records: the old one is dead, and an account that requires
/// passkeys can end up locked out. So on such a system a registration whose request excludes any
/// credential (the account already has a passkey) is refused before the sheet is shown, as
/// `AlreadyRegistered`: the core's kind for "this password manager cannot take another passkey
/// for this account", which the app shows as `error.already_registered` and never retries by
/// itself. A first passkey (nothing to exclude) is registered as usual.
///
/// A pure function, so that it is tested without a device (`ExcludedCredentialsTests`, on Linux
/// too); `AuthenticationServicesAuthenticator` gives it the running system's answer.
enum ExcludedCredentials {
    /// The error to throw instead of running a registration that must exclude `count` existing
    /// credentials, or nil when the ceremony may run.
    /// - Parameter systemCanExclude: whether the running system takes `excludedCredentials`.
    static func refusal(excluding count: Int, systemCanExclude: Bool) -> PlatformAuthenticatorError? {
        guard count > 0, !systemCanExclude else { return nil }
        return .AlreadyRegistered
    }
}
