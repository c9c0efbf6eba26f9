// The generated bindings (PasskeysClient, PasskeysError, PlatformAuthenticator, …) are their own
// module, compiled in Swift 5 language mode (see Package.swift); this shell re-exports them, so
// an app writes `import BingXPasskeys` and sees one API.
@_exported import BingXPasskeysBindings
