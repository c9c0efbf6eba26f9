//! What the core's integration tests share.

use async_trait::async_trait;
use bingx_passkeys_core::{
    Capabilities, CreateRequest, GetRequest, PlatformAuthenticator, PlatformError,
};

/// Stands in for the phone's password manager in tests that never reach a ceremony, and says
/// so by failing loudly if one is attempted.
pub struct NoCeremonyExpected;

#[async_trait]
impl PlatformAuthenticator for NoCeremonyExpected {
    async fn capabilities(&self) -> Capabilities {
        Capabilities::ready_device()
    }
    async fn create(&self, _: CreateRequest) -> Result<String, PlatformError> {
        panic!("a hostile server must never get the core as far as a ceremony")
    }
    async fn get(&self, _: GetRequest) -> Result<String, PlatformError> {
        panic!("a hostile server must never get the core as far as a ceremony")
    }
    async fn signal_unknown_credential(&self, _: String, _: Vec<u8>) -> Result<(), PlatformError> {
        Ok(())
    }
    async fn signal_all_accepted_credentials(
        &self,
        _: String,
        _: Vec<u8>,
        _: Vec<Vec<u8>>,
    ) -> Result<(), PlatformError> {
        Ok(())
    }

    async fn signal_current_user_details(
        &self,
        _: String,
        _: Vec<u8>,
        _: String,
        _: String,
    ) -> Result<(), PlatformError> {
        Ok(())
    }
}
