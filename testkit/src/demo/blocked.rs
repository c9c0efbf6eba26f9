//! Part two, step 14: H5 and third-party login are refused — on the device before anything is
//! sent, and by BingX for a browser that knows nothing.

use bingx_passkeys_core::{LoginPath, PasskeysError};

use super::format::shown;
use super::{DemoError, Story, check, detail, say};

/// Step 14: the blocked paths, on the phone (no request) and from a browser (the server).
pub(super) async fn h5_and_third_party(story: &Story) -> Result<(), DemoError> {
    say(
        14,
        "On the login screen, H5 and \"Continue with Google\" are refused:",
    );
    refused_on_the_device(story)?;
    refused_by_the_server(story).await
}

/// The phone refuses H5 and Google itself and sends nothing.
fn refused_on_the_device(story: &Story) -> Result<(), DemoError> {
    let phone = &story.phone;
    let before = phone.requests_sent();
    for (path, label) in [
        (LoginPath::H5, "H5 (web) login"),
        (LoginPath::ThirdParty, "Google"),
    ] {
        let err = phone.sign_in().check_path(path).err();
        check(
            err.is_some(),
            "blocked path",
            "the device allowed a blocked path",
        )?;
        detail(&format!(
            "{label}: refused on the device, nothing sent — \"{}\"",
            err.map(|e| shown(&e.text())).unwrap_or_default()
        ));
    }
    check(
        phone.requests_sent() == before,
        "blocked path",
        "a request was sent",
    )
}

/// A browser (a fresh client that knows no policy) tries H5; BingX refuses it.
async fn refused_by_the_server(story: &Story) -> Result<(), DemoError> {
    let (harness, alice) = (&story.harness, &story.alice);
    let web = harness.client(harness.password_manager());
    let err = web
        .sign_in()
        .with_h5(&alice.email, &alice.password, "browser")
        .await
        .err();
    check(
        matches!(err, Some(PasskeysError::PathBlocked { .. })),
        "h5 on the server",
        "H5 login was not refused",
    )?;
    detail(&format!(
        "From a browser the device knows nothing, so BingX refuses: \"{}\"",
        err.map(|e| shown(&e.text())).unwrap_or_default()
    ));
    Ok(())
}
