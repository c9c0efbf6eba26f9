//! The software password manager: passkey-rs behind the core's `PlatformAuthenticator`.
