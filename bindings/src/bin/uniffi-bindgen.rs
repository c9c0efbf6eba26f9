//! The bindings generator, built from the same uniffi version as the library
//! (`cargo run -p bingx-passkeys --features cli --bin uniffi-bindgen -- generate …`); see
//! `scripts/bindings`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
