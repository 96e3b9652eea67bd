//! The shared state's tests: commands in, state out, with a fake platform.

use super::*;
use crate::core::engine::verify::SignatureVerdict;
use crate::ui::platform::FakePlatform;

fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)
}

/// An instant inside the samples' validity (May 2026): tests that need sample 0 valid pin the
/// clock here, so they pass in any year, not only before it expires in 2036.
const SAMPLE_ERA: f64 = 1_780_000_000.0;

fn pin_clock(s: &mut AppState, p: &mut FakePlatform) {
    s.handle(Command::Clock(ClockCommand::Set(SAMPLE_ERA)), p);
}

#[test]
fn paste_decode_load_key_verify() {
    let mut s = AppState::default();
    let mut p = FakePlatform { clipboard: format!("Bearer {}", SAMPLES[0].1.trim()), ..FakePlatform::default() };
    pin_clock(&mut s, &mut p);
    s.handle(Command::PasteToken, &mut p);
    assert_eq!(s.parsed().unwrap().claims().unwrap()["name"], "Jane Doe");
    assert_eq!(s.verification().unwrap().signature, SignatureVerdict::NoMatchingKey);
    p.picks.push_back(vec![asset("rsa2048-cert.pem")]);
    s.handle(Command::AddKeyFiles, &mut p);
    assert_eq!(p.dialogs, ["Add key files"]);
    assert!(s.verification().unwrap().valid, "{}", s.verification().unwrap().summary());
}

#[test]
fn clock_rejudges_expiry() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::LoadSampleKeys, &mut p);
    assert_eq!(s.message.as_ref().unwrap().1, "added 5 keys");
    // The fresh example is issued at the real now, so "Back to now" finds it valid in any year.
    s.handle(Command::TryExample(0), &mut p);
    assert!(s.verification().unwrap().valid);
    let exp = s.parsed().unwrap().claims().unwrap()["exp"].as_f64().unwrap();
    s.handle(Command::Clock(ClockCommand::Set(exp)), &mut p);
    assert!(!s.verification().unwrap().valid, "expired at exp");
    s.handle(Command::Clock(ClockCommand::Shift(-1.0)), &mut p);
    assert!(s.verification().unwrap().valid);
    s.handle(Command::Clock(ClockCommand::Set(exp + 86_400.0)), &mut p);
    assert!(!s.verification().unwrap().valid);
    s.handle(Command::Clock(ClockCommand::BackToNow), &mut p);
    assert!(s.verification().unwrap().valid);
}

#[test]
fn edit_resign_verify_round_trip() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::LoadSampleKeys, &mut p);
    s.handle(Command::LoadSample(2), &mut p);
    s.handle(Command::EditThisToken, &mut p);
    assert!(s.sign.claims_text.find("\"sub\"").unwrap() < s.sign.claims_text.find("\"iat\"").unwrap());
    let claims = s.sign.claims_text.replace("John Doe", "Mallory");
    s.handle(Command::SetSignClaims(claims), &mut p);
    s.handle(Command::SetTimeClaim { claim: "exp", offset: 3600 }, &mut p);
    let secret = s.keys.keys().iter().position(|k| k.source == "jwt.io secret").unwrap();
    s.handle(Command::SetSignKey(Some(secret)), &mut p);
    s.handle(Command::Sign, &mut p);
    assert!(matches!(s.sign.output, Some(Ok(_))), "{:?}", s.sign.output);
    s.handle(Command::UseSignedToken, &mut p);
    let t = s.parsed().unwrap();
    let order: Vec<&String> = t.claims().unwrap().keys().collect();
    assert_eq!(order, ["sub", "name", "admin", "iat", "exp"]);
    assert!(s.verification().unwrap().valid);
}

#[test]
fn bad_inputs_become_messages() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::AddKeyText("not a key".into()), &mut p);
    assert_eq!(s.message.as_ref().unwrap().0, Level::Error);
    s.handle(Command::LoadTokenFile(PathBuf::from("/nonexistent")), &mut p);
    assert!(
        matches!(&s.token, Some(Err(e)) if e.to_string().contains("/nonexistent")),
        "shown where the token would be"
    );
    s.handle(Command::LoadKeyFiles(vec![PathBuf::from("/nonexistent-key.pem")]), &mut p);
    assert!(s.key_errors[0].contains("/nonexistent-key.pem"), "shown where the key would be: {:?}", s.key_errors);
    assert_eq!(s.key_errors.len(), 2, "the pasted text's error too");
    s.handle(Command::DismissKeyError(0), &mut p);
    assert_eq!(s.key_errors.len(), 1);
    s.handle(Command::SetSignClaims("[1]".into()), &mut p);
    s.handle(Command::Sign, &mut p);
    assert!(matches!(&s.sign.output, Some(Err(e)) if e.to_string().contains("JSON object")));
    s.handle(Command::SaveToken, &mut p);
    assert!(s.message.as_ref().unwrap().1.contains("no token"));
    // A device as the secret file is refused after 10 MiB, not read until memory runs out.
    s.handle(Command::LoadSecretFile(PathBuf::from("/dev/zero")), &mut p);
    assert!(s.key_errors[0].contains("larger than"), "{:?}", s.key_errors);
}

#[test]
fn unreadable_claims_turn_the_banner_invalid() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(
        Command::AddSecret { text: "0123456789abcdef0123456789abcdef".into(), encoding: SecretEncoding::Utf8 },
        &mut p,
    );
    let key = s.keys.keys()[0].clone();
    let t =
        crate::core::engine::sign::sign_payload(&token::JsonObject::new(), br#"{"exp":1,"score":NaN}"#, "HS256", &key)
            .unwrap();
    s.handle(Command::SetToken(t), &mut p);
    let v = s.verification().unwrap();
    assert_eq!(v.signature, SignatureVerdict::Valid);
    assert_eq!(v.headline(), "INVALID CLAIMS");
    assert!(v.summary().contains("the claims are not valid JSON at byte 17"), "{}", v.summary());
}

#[test]
fn files_over_the_limit_are_refused_by_every_way_in() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    for path in [PathBuf::from("/dev/zero"), PathBuf::from("/dev/urandom")] {
        s.handle(Command::LoadTokenFile(path.clone()), &mut p);
        // A token file's error shows where the token would be.
        let shown = s.token.as_ref().and_then(|t| t.as_ref().err()).map(ToString::to_string).unwrap_or_default();
        assert!(shown.contains("10 MiB"), "{shown:?}");
        s.handle(Command::LoadKeyFiles(vec![path.clone()]), &mut p);
        assert!(s.message.as_ref().unwrap().1.contains("10 MiB"), "{:?}", s.message);
        s.message = None;
        s.handle(Command::Dropped { paths: vec![path], texts: Vec::new() }, &mut p);
        assert!(s.message.as_ref().unwrap().1.contains("10 MiB"), "{:?}", s.message);
    }
    s.handle(Command::AddKeyText("A".repeat(crate::core::engine::limits::MAX_INPUT_BYTES + 1)), &mut p);
    assert!(s.message.as_ref().unwrap().1.contains("10 MiB"), "{:?}", s.message);
    assert!(s.keys.is_empty() && s.parsed().is_none());
}

#[test]
fn dropped_keys_and_tokens_go_where_they_belong() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::Dropped { paths: vec![asset("ec-p256-spki.pem")], texts: vec![SAMPLES[1].1.to_owned()] }, &mut p);
    assert_eq!(s.keys.len(), 1);
    assert_eq!(s.parsed().unwrap().alg(), Some("ES256"));
}

#[test]
fn generate_in_the_background_then_export_and_save() {
    let mut s = AppState::default();
    let dir = std::env::temp_dir().join(format!("tokenbench-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut p = FakePlatform { save_to: Some(dir.join("pub.pem")), ..FakePlatform::default() };
    s.handle(Command::GenerateKey(KeySpec::Ec(crate::core::engine::keys::Curve::P256)), &mut p);
    s.handle(Command::GenerateKey(KeySpec::Hmac(256)), &mut p);
    let start = std::time::Instant::now();
    while !s.generating.is_empty() && start.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(5));
        s.tick(&mut p);
    }
    assert_eq!(s.keys.len(), 2);
    let ec = s.keys.keys().iter().position(|k| k.source == "generated EC P-256").unwrap();
    s.handle(Command::ExportKey { index: ec, format: ExportFormat::Jwk, private: false, save: false }, &mut p);
    assert!(p.clipboard.contains("\"crv\": \"P-256\"") && !p.clipboard.contains("\"d\""), "{}", p.clipboard);
    s.handle(Command::ExportKey { index: ec, format: ExportFormat::Pem, private: false, save: true }, &mut p);
    let saved = std::fs::read_to_string(dir.join("pub.pem")).unwrap();
    assert!(saved.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_eq!(keys::load(saved.as_bytes(), "x").unwrap()[0].thumbprint, s.keys.keys()[ec].thumbprint);
    let secret = 1 - ec;
    s.handle(Command::ExportKey { index: secret, format: ExportFormat::Pem, private: true, save: false }, &mut p);
    assert_eq!(s.message.as_ref().unwrap().0, Level::Error, "a secret has no PEM form");
}

#[test]
fn history_is_opt_in_deduplicated_and_forgotten() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    pin_clock(&mut s, &mut p);
    s.handle(Command::LoadSample(0), &mut p);
    assert!(s.history.is_empty(), "off by default");
    s.handle(Command::SetHistory(true), &mut p);
    s.handle(Command::LoadSample(0), &mut p);
    s.handle(Command::LoadSample(1), &mut p);
    s.handle(Command::SetToken(format!("Bearer {}", SAMPLES[0].1.trim())), &mut p);
    s.handle(Command::SetToken("not a token".into()), &mut p);
    let tokens: Vec<&str> = s.history.iter().map(|h| h.token.as_str()).collect();
    assert_eq!(tokens, [SAMPLES[0].1.trim(), SAMPLES[1].1.trim()]);
    // Each row says what the token is, not its first characters.
    assert_eq!(s.history[0].summary, "RS256 · iss https://id.example.com/ · sub 248289761001 · exp 2036-01-01");
    assert_eq!(s.history[0].verdict, "NO MATCHING KEY");
    s.handle(Command::LoadSample(0), &mut p);
    s.handle(Command::LoadSampleKeys, &mut p);
    // The sample lives ten years: valid, and the row says so with the finding, as the banner.
    assert_eq!(
        s.history[0].verdict, "VALID, but: lifetime 10.0 years (exp - iat)",
        "the current token's row follows its verdict"
    );
    s.handle(Command::SetHistory(false), &mut p);
    assert!(s.history.is_empty());
}

#[test]
fn remove_key_keeps_the_signing_choice_consistent() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::LoadSampleKeys, &mut p);
    let secret = s.sign.key.unwrap();
    s.handle(Command::RemoveKey(0), &mut p);
    assert_eq!(s.sign.key, Some(secret - 1));
    s.handle(Command::RemoveKey(secret - 1), &mut p);
    assert_eq!(s.sign.key, None);
}

/// A clock whose real time the test sets.
fn injected(at: f64) -> (std::sync::Arc<std::sync::Mutex<f64>>, Clock) {
    let t = std::sync::Arc::new(std::sync::Mutex::new(at));
    let source = std::sync::Arc::clone(&t);
    (t, Clock::with_source(move || *source.lock().unwrap()))
}

#[test]
fn the_verdict_flips_at_exp_without_any_command() {
    let (t, clock) = injected(2_082_758_400.0 - 0.5);
    let mut s = AppState { clock, ..AppState::default() };
    let mut p = FakePlatform::default();
    s.handle(Command::LoadSampleKeys, &mut p);
    s.handle(Command::LoadSample(0), &mut p);
    assert!(s.verification().unwrap().valid);
    *t.lock().unwrap() = 2_082_758_400.0 + 0.01;
    s.tick(&mut p);
    assert!(!s.verification().unwrap().valid, "tick re-judges once exp has passed");
}

#[test]
fn re_signing_with_another_key_verifies_by_kid() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    pin_clock(&mut s, &mut p);
    s.handle(Command::LoadSampleKeys, &mut p);
    s.handle(Command::LoadSample(0), &mut p); // RS256, kid sample-rsa-2048
    s.handle(Command::EditThisToken, &mut p);
    assert_eq!(s.tab, Tab::Sign);
    // Another key: a P-384 private key. "Use to sign" picks ES384 and its kid (thumbprint).
    s.handle(Command::LoadKeyFiles(vec![asset("ec-p384-pkcs8.pem")]), &mut p);
    let ec = s.keys.len() - 1;
    s.handle(Command::SetSignKey(Some(ec)), &mut p);
    assert_eq!(s.sign.alg, "ES384");
    let header = s.sign.header().unwrap();
    assert_eq!(header["alg"], "ES384", "the header follows the dropdown");
    assert_eq!(header["kid"], s.keys.keys()[ec].thumbprint.as_str());
    s.handle(Command::Sign, &mut p);
    s.handle(Command::UseSignedToken, &mut p);
    let v = s.verification().unwrap();
    assert!(v.valid, "{}", v.summary());
    assert_eq!(v.matched_key, Some(ec));
    assert_eq!(v.selection, Some(crate::core::engine::verify::Selection::Kid));
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
    // The sample P-256 private key signs with the kid its published public half has.
    s.handle(Command::LoadKeyFiles(vec![asset("ec-p256-pkcs8.pem")]), &mut p);
    s.handle(Command::SetSignKey(Some(s.keys.len() - 1)), &mut p);
    assert_eq!(s.sign.header().unwrap()["kid"], "sample-p256");
    s.handle(Command::Sign, &mut p);
    s.handle(Command::UseSignedToken, &mut p);
    let v = s.verification().unwrap();
    assert!(
        v.valid && v.selection == Some(crate::core::engine::verify::Selection::Kid) && v.warnings.is_empty(),
        "{v:?}"
    );
}

#[test]
fn a_kept_kid_is_warned_about_before_signing() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::LoadSampleKeys, &mut p);
    s.handle(Command::LoadSample(0), &mut p);
    s.handle(Command::SetSignKidFromKey(false), &mut p);
    s.handle(Command::EditThisToken, &mut p);
    s.handle(
        Command::AddSecret { text: "0123456789abcdef0123456789abcdef".into(), encoding: SecretEncoding::Utf8 },
        &mut p,
    );
    let secret = s.keys.len() - 1;
    s.handle(Command::SetSignKey(Some(secret)), &mut p);
    assert_eq!(s.sign.alg, "HS256");
    let problems = s.sign.problems(&s.keys);
    assert!(problems.iter().any(|w| w.contains("sample-rsa-2048") && w.contains("wrong key")), "{problems:?}");
    s.handle(Command::SetSignKidFromKey(true), &mut p);
    assert!(s.sign.problems(&s.keys).is_empty(), "{:?}", s.sign.problems(&s.keys));
}

#[test]
fn header_and_dropdown_stay_in_sync_and_a_jwe_is_not_re_signed() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::SetSignHeader("{\"alg\": \"PS384\", \"typ\": \"JWT\"}".into()), &mut p);
    assert_eq!(s.sign.alg, "PS384");
    s.handle(Command::SetSignAlg("ES512".into()), &mut p);
    assert_eq!(s.sign.header().unwrap()["alg"], "ES512");
    s.handle(Command::LoadSample(6), &mut p); // the JWE
    let before = s.sign.clone();
    s.handle(Command::EditThisToken, &mut p);
    assert_eq!(s.sign, before, "the editor is untouched");
    assert_eq!(s.tab, Tab::Decode);
    assert!(s.message.as_ref().unwrap().1.contains("cannot be re-signed"));
    // A JWE header typed by hand is refused at signing, not signed as RS256.
    s.handle(Command::SetSignHeader("{\"alg\": \"RSA1_5\", \"enc\": \"A128CBC-HS256\"}".into()), &mut p);
    assert_eq!(s.sign.alg, "RSA1_5");
    s.handle(Command::Sign, &mut p);
    assert!(matches!(&s.sign.output, Some(Err(e)) if e.to_string().contains("JWE")), "{:?}", s.sign.output);
}

#[test]
fn use_to_sign_picks_the_keys_algorithm() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(
        Command::AddSecret { text: "0123456789abcdef0123456789abcdef".into(), encoding: SecretEncoding::Utf8 },
        &mut p,
    );
    assert_eq!(s.sign.alg, "HS256");
    for (file, alg) in [("ec-p384-pkcs8.pem", "ES384"), ("ed25519-pkcs8.pem", "EdDSA"), ("rsa2048-pkcs8.pem", "RS256")]
    {
        s.handle(Command::LoadKeyFiles(vec![asset(file)]), &mut p);
        s.handle(Command::SetSignKey(Some(s.keys.len() - 1)), &mut p);
        assert_eq!(s.sign.alg, alg, "{file}");
        s.handle(Command::Sign, &mut p);
        assert!(matches!(s.sign.output, Some(Ok(_))), "{file}: {:?}", s.sign.output);
    }
    // A compatible choice is kept: PS256 stays PS256 with the RSA key.
    s.handle(Command::SetSignAlg("PS256".into()), &mut p);
    s.handle(Command::SetSignKey(Some(s.keys.len() - 1)), &mut p);
    assert_eq!(s.sign.alg, "PS256");
}

#[test]
fn the_forgery_sample_is_named_with_the_sample_keys() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::TryExample(5), &mut p);
    let v = s.verification().unwrap();
    assert_eq!(v.title(), "FORGERY: algorithm confusion");
    // The RSA key has the kid the forgery names: no warning may say no key has it.
    assert!(!v.warnings.iter().any(|w| w.starts_with("no loaded key has kid")), "{:?}", v.warnings);
    s.handle(Command::TryExample(0), &mut p);
    assert_eq!(s.keys.len(), 5, "the sample keys are loaded once");
    let v = s.verification().unwrap();
    assert_eq!(v.title(), "VALID", "selected by kid, no warning: {:?}", v.warnings);
    s.handle(Command::TryExample(1), &mut p);
    assert_eq!(s.verification().unwrap().title(), "EXPIRED");
}

#[test]
fn a_key_loaded_twice_is_named_not_added() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::LoadKeyFiles(vec![asset("ec-p256-spki.pem")]), &mut p);
    s.handle(Command::LoadKeyFiles(vec![asset("ec-p256-spki.pem")]), &mut p);
    assert_eq!(s.keys.len(), 1);
    assert_eq!(s.message, Some((Level::Info, "already loaded as #1 ec-p256-spki.pem".into())));
    // The same secret bytes, typed as text or as hex, are one key.
    let text = "0123456789abcdef0123456789abcdef";
    s.handle(Command::AddSecret { text: text.into(), encoding: SecretEncoding::Utf8 }, &mut p);
    assert_eq!(s.keys.len(), 2);
    let hex = crate::core::engine::crack::to_hex(text.as_bytes());
    s.handle(Command::AddSecret { text: hex, encoding: SecretEncoding::Hex }, &mut p);
    assert_eq!(s.keys.len(), 2);
    assert_eq!(s.message.as_ref().unwrap().1, "already loaded as #2 secret (text)");
    // A renamed key is named by its new name; a batch says what was new and what was not.
    s.handle(Command::RenameKey { index: 0, name: "staging".into() }, &mut p);
    s.handle(Command::LoadSampleKeys, &mut p);
    let n = s.keys.len();
    s.handle(Command::LoadSampleKeys, &mut p);
    assert_eq!(s.keys.len(), n, "nothing twice");
    assert!(s.message.as_ref().unwrap().1.starts_with("already loaded as #"), "{:?}", s.message);
    s.handle(Command::LoadKeyFiles(vec![asset("ec-p256-spki.pem"), asset("ed25519-pkcs8.pem")]), &mut p);
    assert_eq!(s.keys.len(), n + 1);
    assert!(s.message.as_ref().unwrap().1.starts_with("added 1 key"), "{:?}", s.message);
    // The private half of a loaded public key is new: it can sign.
    let before = s.keys.len();
    s.handle(Command::LoadKeyFiles(vec![asset("ec-p256-pkcs8.pem")]), &mut p);
    assert_eq!(s.keys.len(), before + 1);
    // After a removal the list is judged as it now is: the keys that moved up are found at
    // their new places (the removed file's key is also the sample P-256 key, now #3).
    s.handle(Command::RemoveKey(0), &mut p);
    s.handle(Command::LoadKeyFiles(vec![asset("ec-p256-spki.pem")]), &mut p);
    assert_eq!(s.keys.len(), before, "{:?}", s.message);
    assert_eq!(s.message.as_ref().unwrap().1, r#"already loaded as #3 kid "sample-p256" (sample-jwks.json [keys 1])"#);
    s.handle(Command::AddSecret { text: text.into(), encoding: SecretEncoding::Utf8 }, &mut p);
    assert_eq!(s.message.as_ref().unwrap().1, "already loaded as #1 secret (text)");
}

#[test]
fn keys_can_be_renamed() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::LoadKeyFiles(vec![asset("ec-p256-spki.pem")]), &mut p);
    s.handle(Command::RenameKey { index: 0, name: "  staging API  ".into() }, &mut p);
    assert_eq!(s.keys.keys()[0].label(), "staging API");
    s.handle(Command::RenameKey { index: 0, name: String::new() }, &mut p);
    assert_eq!(s.keys.keys()[0].label(), "ec-p256-spki.pem");
}
