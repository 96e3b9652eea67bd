//! The app used as a person would, headless (`egui_kittest`, no GPU): paste, read claims, load a
//! key through the file interface, see the verdict, edit, re-sign, verify, tamper.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::PathBuf;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tokenbench::ui::app::{Settings, Tab, TokenbenchApp};
use tokenbench::ui::platform::FakePlatform;
use tokenbench::ui::state::SAMPLES;

fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)
}

fn app_with(platform: FakePlatform) -> Harness<'static, TokenbenchApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| TokenbenchApp::with_platform(Box::new(platform), Settings::default()))
}

fn verdict_is(h: &Harness<'_, TokenbenchApp>, headline: &str) -> bool {
    h.query_by_label(headline).is_some()
}

#[test]
fn paste_read_claims_load_key_verify_edit_resign() {
    let id_token = SAMPLES[0].1.trim().to_owned();
    let mut platform =
        FakePlatform { clipboard: format!("Authorization: Bearer {id_token}"), ..FakePlatform::default() };
    platform.picks.push_back(vec![asset("rsa2048-spki.pem")]);
    let saved_to = std::env::temp_dir().join(format!("tokenbench-ui-{}.jwt", std::process::id()));
    platform.save_to = Some(saved_to.clone());
    let mut h = app_with(platform);
    h.run();

    // Paste through the app's paste action, read the decoded claims.
    h.get_by_label("Paste").click();
    h.run();
    assert!(h.query_by_label_contains("Jane Doe").is_some(), "the name claim is shown");
    assert!(h.query_by_label_contains("email_verified").is_some());
    assert!(verdict_is(&h, "NO MATCHING KEY"));

    // Load a key through the file interface: the verdict turns valid, amber: the PEM key has no
    // kid, so the token's kid selected nothing and every compatible key was tried.
    h.get_by_label("Add key files…").click();
    h.run();
    assert!(verdict_is(&h, "VALID, 1 warning"), "valid with the RSA key");

    // Edit the token: it lands in the Sign tab, claim order kept.
    h.get_by_label("Edit this token").click();
    h.run();
    assert_eq!(h.state().state.tab, Tab::Sign);
    let claims = h.state().state.sign.claims_text.clone();
    assert!(claims.find("\"iss\"").unwrap() < claims.find("\"exp\"").unwrap());

    // An RSA public key cannot sign; add a secret and re-sign with HS256.
    h.get_by_label("HMAC secret").click();
    h.run();
    h.get_by_label("Show").click();
    h.run();
    h.get_by_label("Secret").focus();
    h.run();
    h.get_by_label("Secret").type_text("0123456789abcdef0123456789abcdef");
    h.run();
    h.get_by_label("Add secret").click();
    h.run();
    // Edit a claim in the editor, and push exp a day ahead with its button.
    h.get_by_label("Claims JSON").set_text_value_accesskit(&claims.replace("Jane Doe", "Mallory"));
    h.run();
    assert!(h.state().state.sign.claims_text.contains("Mallory"));
    h.get_by_label("exp +1 day").click();
    h.run();
    h.get_by_label("Algorithm").click();
    h.run();
    h.get_by_label("HS256").click();
    h.run();
    // Adding a secret made it the signing key (public keys cannot sign).
    let key = h.state().state.sign.key.unwrap();
    assert_eq!(h.state().state.keys.keys()[key].source, "secret (text)");
    h.get_by_label("Sign token").click();
    h.run();
    let signed = h.state().state.sign.output.clone().unwrap().unwrap();
    h.get_by_label("Save token…").click();
    h.run();
    assert_eq!(std::fs::read_to_string(&saved_to).unwrap().trim(), signed, "saved through the file interface");
    h.get_by_label("Decode and verify it").click();
    h.run();
    assert_eq!(h.state().state.tab, Tab::Decode);
    assert!(h.query_by_label_contains("Mallory").is_some());
    assert!(verdict_is(&h, "VALID"), "re-signed token verifies with the secret");
    assert_eq!(h.state().state.input, signed);

    // Tamper with the payload: invalid.
    let mut parts: Vec<String> = signed.split('.').map(str::to_owned).collect();
    parts[1] = tokenbench::core::token::encode_b64url(br#"{"sub":"root"}"#);
    h.state_mut().apply(vec![tokenbench::ui::state::Command::SetToken(parts.join("."))]);
    h.run();
    assert!(verdict_is(&h, "INVALID SIGNATURE"));
}

#[test]
fn samples_menu_and_alg_none_and_confusion() {
    let mut h = app_with(FakePlatform::default());
    h.run();
    h.get_by_label("Samples").click();
    h.run();
    h.get_by_label("Load the sample keys").click();
    h.run();
    h.get_by_label("Samples").click();
    h.run();
    h.get_by_label("Unsecured token (alg none)").click();
    h.run();
    assert!(verdict_is(&h, "NEVER VALID: alg none"));
    h.get_by_label("Samples").click();
    h.run();
    h.get_by_label("Algorithm-confusion forgery (HS256 vs RSA key)").click();
    h.run();
    assert!(h.query_all_by_label_contains("algorithm confusion").next().is_some(), "the attack is named");
    h.get_by_label("Samples").click();
    h.run();
    h.get_by_label("Encrypted token (JWE)").click();
    h.run();
    assert!(verdict_is(&h, "ENCRYPTED (JWE)"));
    assert!(h.query_by_label_contains("content can only be read").is_some());
}

#[test]
fn the_clock_rejudges_expiry() {
    let mut h = app_with(FakePlatform::default());
    h.state_mut()
        .apply(vec![tokenbench::ui::state::Command::LoadSampleKeys, tokenbench::ui::state::Command::LoadSample(0)]);
    h.run();
    assert!(verdict_is(&h, "VALID"));
    // Jump ten years ahead, one day at a time would take long: set the clock past exp.
    h.state_mut().apply(vec![tokenbench::ui::state::Command::Clock(tokenbench::ui::state::ClockCommand::Set(
        2_082_758_400.0 - 3600.0,
    ))]);
    h.run();
    assert!(verdict_is(&h, "VALID"));
    h.get_by_label("+1 h").click();
    h.run();
    assert!(verdict_is(&h, "INVALID: claims"), "expired once the clock passes exp");
    h.get_by_label("Back to now").click();
    h.run();
    assert!(verdict_is(&h, "VALID"));
}

#[test]
fn malformed_input_points_at_the_problem() {
    let mut h = app_with(FakePlatform {
        clipboard: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi?In0.AAAA".into(),
        ..FakePlatform::default()
    });
    h.run();
    h.get_by_label("Paste").click();
    h.run();
    assert!(h.query_by_label("Not a token").is_some());
    assert!(h.query_by_label_contains("payload segment").is_some());
    assert!(h.query_by_label_contains("[?]").is_some(), "a snippet marks the bad character");
}

#[test]
fn generate_a_key_and_export_it() {
    let mut h = app_with(FakePlatform::default());
    h.run();
    h.get_by_label("Generate a key").click();
    h.run();
    h.get_by_label("Generate Ed25519").click();
    for _ in 0..200 {
        h.step();
        if !h.state().state.keys.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
    assert_eq!(h.state().state.keys.keys()[0].material.describe(), "Ed25519");
    h.get_by_label("Export").click();
    h.run();
    h.get_by_label("Copy public JWK").click();
    h.run();
    assert!(h.query_by_label_contains("copied the public key").is_some());
}

#[test]
fn fetch_a_jwks_from_a_local_server_then_verify() {
    use std::io::{Read as _, Write as _};
    // A JWKS with the sample RSA key, served once on 127.0.0.1.
    let pem = std::fs::read(asset("rsa2048-spki.pem")).unwrap();
    let mut jwk = tokenbench::core::keys::load(&pem, "k").unwrap()[0].public_jwk();
    jwk.insert("kid".into(), "sample-rsa-2048".into());
    let body = serde_json::json!({ "keys": [jwk] }).to_string();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });

    let mut h = app_with(FakePlatform::default());
    h.state_mut().apply(vec![tokenbench::ui::state::Command::LoadSample(0)]);
    h.run();
    assert!(verdict_is(&h, "NO MATCHING KEY"));
    h.get_by_label("Fetch keys from a URL").click();
    h.run();
    h.get_by_label("URL").focus();
    h.run();
    h.get_by_label("URL").type_text(&url);
    h.run();
    h.get_by_label("Fetch keys").click();
    for _ in 0..500 {
        h.step();
        if !h.state().state.keys.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
    assert!(verdict_is(&h, "VALID"), "the fetched key verifies, selected by kid");
    assert!(h.query_by_label_contains("fetched 1 key from").is_some());
}

#[test]
fn keyboard_shortcuts_open_paste_verify_save() {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/samples/03-jwt-io-hs256.jwt");
    let saved_to = std::env::temp_dir().join(format!("tokenbench-keys-{}.jwt", std::process::id()));
    let mut platform = FakePlatform { save_to: Some(saved_to.clone()), ..FakePlatform::default() };
    platform.picks.push_back(vec![sample.clone()]);
    let mut h = app_with(platform);
    h.run();
    // Ctrl+O opens a token file through the file interface.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run();
    assert!(h.query_by_label_contains("John Doe").is_some());
    // Ctrl+S saves it.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    assert_eq!(std::fs::read_to_string(&saved_to).unwrap().trim(), std::fs::read_to_string(&sample).unwrap().trim());
    // Ctrl+V with no text field focused replaces the token.
    h.event(egui::Event::Paste(SAMPLES[3].1.trim().to_owned()));
    h.run();
    assert!(h.query_by_label_contains("device-7").is_some());
    // Ctrl+Enter re-verifies (after keys were added without a verify in between).
    h.state_mut().state.keys.extend(tokenbench::core::keys::load_file(&asset("ed25519-spki.pem")).unwrap());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    h.run();
    assert!(verdict_is(&h, "VALID, 1 warning"), "valid; the PEM key lacks the token's kid");
}
