//! The Decode tab on a JWE, drawn alone with the state its commands change: a button per key
//! that fits, the password field of a PBES2 JWE, the plaintext, the nested JWT in the usual
//! sections and its verdict, and the plaintext dropped with the token.

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::Value;

use crate::core::engine::audit::TokenAuditOptions;
use crate::core::engine::judgment;
use crate::core::engine::jwe::inner;
use crate::core::engine::keys;
use crate::ui::decode::DecodePanel;
use crate::ui::panel_harness::{self, World, click, settle};
use crate::ui::platform::FakePlatform;
use crate::ui::state::{Command, DecryptCommand, SAMPLE_KEYS, SAMPLES};

/// Index of the nested-JWT sample in [`SAMPLES`].
const NESTED: usize = 7;

fn decode_tab(setup: Vec<Command>, size: egui::Vec2) -> Harness<'static, World> {
    let mut panel = DecodePanel::default();
    panel_harness::panel(World::new(FakePlatform::default(), setup), size, move |ui, state, out| {
        panel.ui(ui, state, out);
    })
}

fn rfc7520(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors/rfc7520_cookbook/jwe").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The sample nested JWT with the sample keys: one button, for the one key that fits (the
/// RFC 7516 A.2 private key, loaded last); once clicked, the plaintext, the inner token's
/// claims and the verdict the engine gives the inner token with the same keys.
#[test]
fn a_nested_jwt_opens_with_the_key_that_fits_and_is_judged_as_the_engine_judges_it() {
    let setup = vec![Command::LoadSample(NESTED), Command::LoadSampleKeys];
    let mut h = decode_tab(setup, egui::vec2(1280.0, 2400.0));
    h.run();
    let fit_index = h.state().state.keys.keys().iter().position(|k| k.kid.as_deref() == Some("rfc7516-a2-encryption"));
    let fit_index = fit_index.expect("the sample keys hold the encryption key");
    let button = format!("Decrypt with key #{}", fit_index + 1);
    assert_eq!(h.query_all_by_label_contains("Decrypt with key #").count(), 1, "only the key that fits");
    assert!(h.query_by_label(&button).is_some());
    assert!(h.query_by_label_contains("Password").is_none(), "no PBES2 recipient");
    let before = h.state().state.judgment.as_ref().unwrap().title();
    assert!(before.starts_with("ENCRYPTED"), "{before}");

    click(&mut h, &button);
    let state = &h.state().state;
    let (opened, who) = state.decryption.opened.as_ref().expect("decrypted");
    assert!(who.starts_with(&format!("key #{}", fit_index + 1)), "{who}");
    let inner_token = opened.inner.jws().expect("a nested JWS");
    assert_eq!(inner_token.text, SAMPLES[0].1.trim(), "the sample ID token is inside");
    // The verdict judges the inner token with the same keys, policy and clock.
    let opts = TokenAuditOptions { keys: state.keys.keys(), now: state.clock.now(), ..TokenAuditOptions::default() };
    let expected = judgment::judge(inner_token, &state.policy, &opts).unwrap();
    let shown = state.judgment.as_ref().unwrap();
    assert_eq!(shown.title(), expected.title());
    assert!(shown.verification.valid);
    // And the CLI's core gives the same plaintext with the same keys.
    let cli = inner::open(SAMPLES[NESTED].1.trim(), state.keys.keys(), None).unwrap();
    assert_eq!(cli.decrypted.plaintext, opened.decrypted.plaintext);
    assert!(h.query_by_label_contains("Decrypted with key #").is_some());
    assert!(h.query_by_label("Nested JWT (the decrypted plaintext)").is_some());
    assert!(h.query_by_label("\"Jane Doe\"").is_some(), "the inner claims in the usual tree");
    assert!(h.query_by_label_contains("its verdict in the Verify panel").is_some());
}

/// A PBES2 JWE (RFC 7520 §5.3) asks for its password: a wrong one is refused with the one
/// opaque message, the right one opens it; the field empties once used.
#[test]
fn a_password_jwe_takes_its_password_and_a_wrong_one_says_nothing_more() {
    let example = rfc7520("5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json");
    let compact = example["output"]["compact"].as_str().unwrap().to_owned();
    let password = example["input"]["pwd"].as_str().unwrap().to_owned();
    let mut h = decode_tab(vec![Command::SetToken(compact)], egui::vec2(1280.0, 1600.0));
    h.run();
    assert_eq!(h.query_all_by_label_contains("Decrypt with key #").count(), 0);
    h.get_by_label("Password (PBES2):").focus();
    h.run();
    h.get_by_label("Password (PBES2):").type_text("not the password");
    h.run();
    click(&mut h, "Decrypt with the password");
    assert!(h.state().state.decryption.opened.is_none());
    assert!(h.query_by_label("Not decrypted: the JWE cannot be decrypted with these keys").is_some());

    assert!(h.state().state.message.as_ref().is_some_and(|(_, m)| m.starts_with("not decrypted with the password")));
    h.get_by_label("Password (PBES2):").focus();
    h.run();
    h.get_by_label("Password (PBES2):").type_text(&password);
    h.run();
    click(&mut h, "Decrypt with the password");
    let (opened, who) = h.state().state.decryption.opened.as_ref().expect("decrypted");
    assert_eq!(who, "the password");
    assert_eq!(opened.decrypted.plaintext, example["input"]["plaintext"].as_str().unwrap().as_bytes());
    assert!(h.query_by_label("Decrypted with the password").is_some());
    assert!(h.query_by_label_contains("a JSON object").is_some(), "the RFC's plaintext is a JWK");
}

/// With no key that fits, the section says what the recipient needs; an `RSA1_5` JWE opens with
/// the warning shown; a new token drops the plaintext, and a late result for the old one too.
#[test]
fn no_fitting_key_is_named_and_a_new_token_drops_the_plaintext() {
    let mut h = decode_tab(vec![Command::LoadSample(NESTED)], egui::vec2(1280.0, 1600.0));
    h.run();
    assert!(
        h.query_by_label_contains("No loaded key fits: recipient #1 (RSA-OAEP-256) needs an RSA private key").is_some()
    );
    // The RFC 7516 A.2 key opens the RFC's RSA1_5 sample, with the warning.
    let key = keys::load(SAMPLE_KEYS[2].1.as_bytes(), "rfc7516-a2-private.jwk").unwrap();
    assert_eq!(key.len(), 1);
    h.state_mut().state.handle(Command::AddKeyText(SAMPLE_KEYS[2].1.to_owned()), &mut FakePlatform::default());
    h.state_mut().state.handle(Command::LoadSample(NESTED - 1), &mut FakePlatform::default());
    h.run();
    click(&mut h, "Decrypt with key #1");
    assert!(h.query_by_label_contains("Bleichenbacher").is_some());
    assert!(h.query_by_label("Live long and prosper.").is_some());

    click(&mut h, "Forget the plaintext");
    assert!(h.state().state.decryption.opened.is_none());
    assert!(h.query_by_label("Live long and prosper.").is_none());

    // A result that arrives after the token changed is dropped with its plaintext.
    click(&mut h, "Decrypt with key #1");
    let late = inner::open(SAMPLES[NESTED - 1].1.trim(), h.state().state.keys.keys(), None);
    let serial = h.state().state.token_serial;
    h.state_mut().state.handle(Command::LoadSample(NESTED), &mut FakePlatform::default());
    h.state_mut().state.handle(
        Command::Decrypt(DecryptCommand::Finished {
            serial,
            opener: "key #1".into(),
            result: crate::core::jobs::Delivered::new(late),
        }),
        &mut FakePlatform::default(),
    );
    settle(&mut h);
    assert!(h.state().state.decryption.opened.is_none(), "the old token's plaintext is not shown");
    assert!(h.query_by_label_contains("Decrypt with key #1").is_some(), "the new token offers its key");
    // Removing the key takes its button away.
    h.state_mut().state.handle(Command::RemoveKey(0), &mut FakePlatform::default());
    h.run();
    assert!(h.query_by_label_contains("Decrypt with key #").is_none());
    assert!(h.query_by_label_contains("No loaded key fits").is_some());
}

/// At 800x480 the Decrypt button is reached by scrolling the column, like the rest of it.
#[test]
fn the_decrypt_button_is_reachable_at_800_by_480() {
    let setup = vec![Command::LoadSample(NESTED), Command::AddKeyText(SAMPLE_KEYS[2].1.to_owned())];
    let mut h = decode_tab(setup, egui::vec2(520.0, 430.0));
    h.run();
    let button = h.get_by_label("Decrypt with key #1");
    button.scroll_to_me();
    h.run();
    click(&mut h, "Decrypt with key #1");
    assert!(h.state().state.decryption.opened.is_some());
}

/// A JWE inside the JWE is opened with every loaded key, not only the one clicked for the
/// outer; and while any decryption runs the window asks for frames, so its result is drawn
/// without the pointer moving.
#[test]
fn a_jwe_inside_opens_with_any_loaded_key_and_a_running_decryption_repaints() {
    use crate::core::engine::jwe::{EncryptOptions, Recipient, encrypt};
    use crate::ui::app::{Settings, TokenbenchApp};
    use crate::ui::state::ClockCommand;

    let oct = |k: u8, kid: &str| {
        serde_json::json!({"kty": "oct", "k": crate::core::engine::token::encode_b64url(&[k; 16]), "kid": kid})
            .to_string()
    };
    let outer_jwk = oct(1, "outer");
    let inner_jwk = oct(2, "inner");
    let key = |text: &str| keys::load(text.as_bytes(), "k").unwrap().remove(0);
    let kw = EncryptOptions { alg: "A128KW".into(), enc: "A128GCM".into(), ..EncryptOptions::default() };
    let wrapped = encrypt(SAMPLES[0].1.trim().as_bytes(), Recipient::Key(&key(&inner_jwk)), &kw).unwrap();
    let outer = encrypt(wrapped.as_bytes(), Recipient::Key(&key(&outer_jwk)), &kw).unwrap();
    let setup = vec![Command::AddKeyText(outer_jwk), Command::AddKeyText(inner_jwk), Command::SetToken(outer)];
    let mut h = decode_tab(setup, egui::vec2(1280.0, 2400.0));
    h.run();
    click(&mut h, "Decrypt with key #1");
    let (opened, _) = h.state().state.decryption.opened.as_ref().expect("decrypted");
    assert_eq!(opened.layers.len(), 1);
    assert_eq!(opened.layers[0].key_index, 1, "the inner JWE with key #2");
    assert_eq!(opened.inner.jws().map(|t| t.text.as_str()), Some(SAMPLES[0].1.trim()));
    assert!(h.query_by_label("Its plaintext was a JWE too (A128KW): opened with key #2").is_some());

    // The whole window: a paused clock asks for no frame, a decryption under way does.
    let example = rfc7520("5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json");
    let mut app = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    app.state_mut().apply(vec![
        Command::Clock(ClockCommand::Pause),
        Command::SetToken(example["output"]["compact"].as_str().unwrap().to_owned()),
    ]);
    assert!(app.try_run().is_ok());
    assert_eq!(app.state().next_repaint(), None, "nothing under way");
    let password = example["input"]["pwd"].as_str().unwrap().to_owned();
    app.state_mut().apply(vec![Command::Decrypt(DecryptCommand::WithPassword(password))]);
    assert!(app.state().next_repaint().is_some(), "a decryption under way asks for frames");
}
