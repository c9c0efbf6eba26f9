import SwiftUI

/// One screen: sign in (password, then a code or the passkey) and Enable passkeys.
@main
struct BingXPasskeysSampleApp: App {
    var body: some Scene {
        WindowGroup {
            ContentView()
        }
    }
}

struct ContentView: View {
    @StateObject private var model = SampleModel()

    var body: some View {
        Form {
            Section("Account") {
                TextField("Email", text: $model.email)
                    .textContentType(.username)
                    .keyboardType(.emailAddress)
                    .textInputAutocapitalization(.never)
                SecureField("Password", text: $model.password)
                    .textContentType(.password)
                if model.needsCode {
                    TextField("Code", text: $model.code)
                        .textContentType(.oneTimeCode)
                        .keyboardType(.numberPad)
                }
            }
            Section {
                Button("Sign in") { Task { await model.signIn() } }
                Button(model.enableTitle) { Task { await model.enable() } }
                if model.needsCode {
                    Button("Submit code") { Task { await model.submitCode() } }
                }
            }
            Section("Status") {
                Text(model.status)
            }
        }
    }
}
