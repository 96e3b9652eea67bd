//! The app used as a person would, headless (`egui_kittest`, no GPU): paste, read claims, load a
//! key through the file interface, see the verdict, edit, re-sign, verify, tamper; and the
//! workbench's trust: a verdict that flips at `exp` with no input, a verdict area where nothing
//! hides, a policy editor reachable at the minimum window size, round trips that verify, a
//! status line that never moves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use tokenbench::core::engine::clock::Clock;
use tokenbench::core::engine::keys::SecretEncoding;
use tokenbench::ui::app::{Settings, Tab, TokenbenchApp};
use tokenbench::ui::platform::FakePlatform;
use tokenbench::ui::state::{ClockCommand, Command, SAMPLES};

fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)
}

fn app_with(platform: FakePlatform) -> Harness<'static, TokenbenchApp> {
    sized(platform, 1400.0, 900.0)
}

fn sized(platform: FakePlatform, width: f32, height: f32) -> Harness<'static, TokenbenchApp> {
    Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_eframe(move |_cc| TokenbenchApp::with_platform(Box::new(platform), Settings::default()))
}

/// An instant inside the samples' validity (May 2026): tests that need sample 0 valid pin the
/// clock here, so they pass in any year, not only before it expires in 2036.
const SAMPLE_ERA: f64 = 1_780_000_000.0;

fn pin_clock(h: &mut Harness<'static, TokenbenchApp>) {
    use tokenbench::ui::state::{ClockCommand, Command};
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Set(SAMPLE_ERA))]);
}

/// A real-time clock whose "now" the test sets.
fn injected_clock(at: f64) -> (Arc<Mutex<f64>>, Clock) {
    let t = Arc::new(Mutex::new(at));
    let source = Arc::clone(&t);
    (t, Clock::with_source(move || *source.lock().unwrap()))
}

/// An HS256 token signed with `secret`, with this header and these claims.
fn hs256(header: &str, claims: &str, secret: &[u8]) -> String {
    let key = tokenbench::core::engine::keys::load_secret(secret, SecretEncoding::Raw, "t").unwrap();
    tokenbench::core::engine::sign::sign(
        &serde_json::from_str(header).unwrap(),
        &serde_json::from_str(claims).unwrap(),
        "HS256",
        &key,
    )
    .unwrap()
}

fn verdict_is(h: &Harness<'_, TokenbenchApp>, headline: &str) -> bool {
    // A cautioned banner shows "VALID, but:" and the findings it names as two labels.
    let shown = match headline.strip_prefix("VALID, but: ") {
        Some(concerns) => h.query_by_label("VALID, but:").is_some() && h.query_by_label(concerns).is_some(),
        None => h.query_by_label(headline).is_some(),
    };
    if !shown {
        eprintln!(
            "the banner says {:?}",
            h.state().state.judgment.as_ref().map(tokenbench::core::engine::judgment::Judgment::title)
        );
    }
    shown
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
    pin_clock(&mut h);
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
    assert!(verdict_is(&h, "VALID, but: lifetime 10.0 years (exp - iat)"), "valid with the RSA key");

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
    // exp is the pinned clock plus a day (2026-05-29 20:26:40), iat the sample's 2026-01-01:
    // 148 days and 20 hours.
    assert!(verdict_is(&h, "VALID, but: lifetime 148 days (exp - iat)"), "re-signed token verifies with the secret");
    assert_eq!(h.state().state.input, signed);

    // Tamper with the payload: invalid.
    let mut parts: Vec<String> = signed.split('.').map(str::to_owned).collect();
    parts[1] = tokenbench::core::engine::token::encode_b64url(br#"{"sub":"root"}"#);
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
    h.get_by_label("Encrypted token (JWE, RFC 7516 A.2)").click();
    h.run();
    assert!(verdict_is(&h, "ENCRYPTED (JWE)"));
    assert!(h.query_by_label_contains("content can only be read").is_some());
}

#[test]
fn the_clock_rejudges_expiry() {
    use tokenbench::ui::state::{ClockCommand, Command};
    let mut h = app_with(FakePlatform::default());
    // The fresh example is issued at the real now, so "Back to now" finds it valid in any year.
    h.state_mut().apply(vec![Command::TryExample(0)]);
    h.run();
    assert!(verdict_is(&h, "VALID"));
    let exp = {
        let state = &h.state().state;
        state.parsed().unwrap().claims().unwrap()["exp"].as_f64().unwrap()
    };
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Set(exp - 60.0))]);
    h.run();
    assert!(verdict_is(&h, "VALID"));
    h.get_by_label("+5 min").click();
    h.run();
    assert!(verdict_is(&h, "EXPIRED"), "expired once the clock passes exp");
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
    let mut jwk = tokenbench::core::engine::keys::load(&pem, "k").unwrap()[0].public_jwk();
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
    pin_clock(&mut h);
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
    assert!(verdict_is(&h, "VALID, but: lifetime 10.0 years (exp - iat)"), "the fetched key verifies, selected by kid");
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
    h.state_mut().state.keys.extend(tokenbench::core::engine::keys::load_file(&asset("ed25519-spki.pem")).unwrap());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    h.run();
    assert!(verdict_is(&h, "VALID, but: no \"exp\""), "valid; the PEM key lacks the token's kid, and there is no exp");
}

#[test]
fn a_valid_token_turns_invalid_at_exp_with_no_input() {
    const EXP: f64 = 2_082_758_400.0; // the ID token sample's exp
    let (now, clock) = injected_clock(EXP - 3.5);
    let mut h = app_with(FakePlatform::default());
    h.state_mut().state.clock = clock;
    h.state_mut().apply(vec![Command::LoadSampleKeys, Command::LoadSample(0)]);
    h.run();
    assert!(verdict_is(&h, "VALID, but: lifetime 10.0 years (exp - iat)"));
    assert!(h.query_by_label_contains("exp: expires 2036-01-01 00:00:00 UTC (in 3 s)").is_some());
    // Sleep as the window would: exactly as long as it asks, then draw one frame, no input.
    let mut wakes = 0;
    while verdict_is(&h, "VALID, but: lifetime 10.0 years (exp - iat)") {
        let wait = h.state().next_repaint().expect("a shown token in real time must wake up");
        assert!(wait.as_secs_f64() <= 1.0, "the countdown ticks each second, asked {wait:?}");
        *now.lock().unwrap() += wait.as_secs_f64();
        h.step();
        wakes += 1;
        assert!(wakes < 10, "no flip after {wakes} wake-ups");
    }
    let flipped_at = *now.lock().unwrap();
    assert!(flipped_at > EXP && flipped_at < EXP + 0.05, "flipped {:.3} s after exp", flipped_at - EXP);
    assert!(verdict_is(&h, "EXPIRED"));
    assert!(h.query_by_label_contains("exp: expired 2036-01-01 00:00:00 UTC (now)").is_some());
    assert_eq!(wakes, 4, "one wake per shown second: in 3 s, in 2 s, in 1 s, now");
}

#[test]
fn the_verdict_area_orders_folds_and_counts_warnings_once() {
    // An expired token signed with a 48-bit secret, among 14 keys (none of them loaded twice:
    // a key already in the list is not added again).
    let secret = b"secret";
    let token = hs256(r#"{"kid":"nowhere"}"#, r#"{"sub":"x","exp":1000}"#, secret);
    let mut h = sized(FakePlatform::default(), 1280.0, 800.0);
    let mut commands = vec![Command::LoadSampleKeys];
    for f in [
        "ec-p384-spki.pem",
        "ec-p521-spki.pem",
        "ec-p521-pkcs8.pem",
        "rsa2048-cert.pem",
        "ec-p384-sec1.pem",
        "ec-p256-sec1.pem",
        "ed25519-pkcs8.pem",
        "rsa2048-pkcs8.pem",
    ] {
        commands.push(Command::LoadKeyFiles(vec![asset(f)]));
    }
    commands.push(Command::AddSecret { text: "736563726574".into(), encoding: SecretEncoding::Hex });
    commands.push(Command::SetToken(token));
    h.state_mut().apply(commands);
    h.run();
    assert_eq!(h.state().state.keys.len(), 14);
    let v = h.state().state.verification().cloned().unwrap();
    let skipped =
        v.attempts.iter().filter(|a| a.outcome == tokenbench::core::engine::verify::KeyOutcome::Skipped).count();
    assert_eq!(skipped, 12, "{:?}", v.attempts);
    let y = |label: &str| h.get_by_label_contains(label).rect().min.y;
    let order =
        [y("EXPIRED"), y("Failed checks (1)"), y("Warnings (2)"), y("Checks (leeway 0 s)"), y("12 keys skipped")];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "banner, failed, warnings, checks, keys: {order:?}");
    // Every part is on screen at 1280x800, within the panel, above the status line.
    let status_top = h.get_by_label("Back to now").rect().min.y;
    assert!(order.iter().all(|y| *y < status_top), "{order:?} vs status at {status_top}");
    // The short secret is reported once in the verdict (the key card keeps its own lint).
    assert_eq!(h.query_all_by_label_contains("shorter than the 256 bits").count(), 1);
    assert_eq!(h.query_all_by_label_contains("(hex): HMAC secret is 48 bits").count(), 0);
    assert_eq!(h.query_all_by_label_contains("Warning: HMAC secret is 48 bits").count(), 1, "the key card");
    // Folded keys open on demand.
    assert!(h.query_by_label_contains("its kid is not").is_none() || skipped == 0);
    h.get_by_label("12 keys skipped").click();
    h.run();
    assert!(h.query_all_by_label_contains("never used as an HMAC secret").count() >= 1);

    // VALID with warnings is amber and says how many: the kid, the short secret, no exp.
    let valid = hs256(r#"{"kid":"nowhere"}"#, r#"{"sub":"x"}"#, secret);
    h.state_mut().apply(vec![Command::SetToken(valid)]);
    h.run();
    assert!(verdict_is(&h, "VALID, but: the HMAC secret is in a public wordlist (3 guesses); no \"exp\""));
    let v = h.state().state.verification().cloned().unwrap();
    assert_eq!(tokenbench::ui::verify::tone(&v), tokenbench::ui::theme::Tone::Warn);
}

#[test]
fn the_verdict_scrolls_back_to_the_top_for_a_new_token_and_says_when_it_was_judged() {
    let mut h = sized(FakePlatform::default(), 800.0, 480.0);
    h.state_mut().apply(vec![Command::TryExample(1)]);
    h.run();
    let top = h.get_by_label("EXPIRED").rect().min.y;
    for _ in 0..4 {
        h.get_by_label_contains("Checks (leeway").scroll_down();
        h.run();
    }
    assert!(h.get_by_label("EXPIRED").rect().min.y < top - 50.0, "scrolled down");
    h.state_mut().apply(vec![Command::LoadSample(5)]);
    h.run();
    let again = h.get_by_label("FORGERY: algorithm confusion").rect().min.y;
    assert!((again - top).abs() < 1.0, "back at the top: {again} vs {top}");
    assert!(h.query_by_label_contains("(simulated)").is_none(), "real time says nothing");
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Set(1_800_000_000.0))]);
    h.run();
    assert!(h.query_by_label("judged at 2027-01-15 08:00:00 UTC (simulated)").is_some());
}

#[test]
fn the_policy_editor_is_reachable_at_800_by_480() {
    let mut h = sized(FakePlatform::default(), 800.0, 480.0);
    h.state_mut().apply(vec![Command::TryExample(0)]);
    h.run();
    h.get_by_label("Policy: default (time claims only)").click();
    h.run();
    let status_top = h.get_by_label_contains("real time").rect().min.y;
    for label in ["ES384", "Ed25519", "Reset policy"] {
        h.get_by_label(label).scroll_to_me();
        h.run();
        let r = h.get_by_label(label).rect();
        assert!(r.min.y >= 0.0 && r.max.y <= status_top, "{label} at {r:?}, status line at {status_top}");
    }
    h.get_by_label("ES384").scroll_to_me();
    h.run();
    h.get_by_label("ES384").click();
    h.run();
    assert_eq!(h.state().state.policy.algorithms, ["ES384"]);
    assert!(h.query_by_label("Policy: ES384").is_some(), "the header summarises the policy");
    h.get_by_label("Reset policy").scroll_to_me();
    h.run();
    h.get_by_label("Reset policy").click();
    h.run();
    assert_eq!(h.state().state.policy, tokenbench::core::engine::verify::Policy::default());
}

#[test]
fn required_claims_are_parsed_when_committed_not_while_typing() {
    let mut h = app_with(FakePlatform::default());
    h.state_mut().apply(vec![Command::TryExample(0)]);
    h.run();
    h.get_by_label("Policy: default (time claims only)").click();
    h.run();
    h.get_by_label("Required").focus();
    h.run();
    h.get_by_label("Required").type_text("exp, sub, ");
    h.run();
    h.get_by_label("Required").type_text("jti");
    h.run();
    assert_eq!(h.get_by_label("Required").value().as_deref(), Some("exp, sub, jti"), "typed as typed");
    assert!(h.state().state.policy.required_claims.is_empty(), "not applied while typing");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().state.policy.required_claims, ["exp", "sub", "jti"]);
    assert!(verdict_is(&h, "INVALID CLAIMS"), "the ID token has no jti");
    assert!(h.query_by_label("Policy: 3 required claims").is_some());
}

#[test]
fn edit_then_sign_with_another_key_verifies() {
    let mut h = app_with(FakePlatform::default());
    h.state_mut().apply(vec![Command::TryExample(0), Command::LoadKeyFiles(vec![asset("ec-p384-pkcs8.pem")])]);
    h.run();
    h.get_by_label("Edit this token").click();
    h.run();
    assert_eq!(h.state().state.tab, Tab::Sign);
    // "Use to sign" on the EC key: ES384 is chosen, and the header follows.
    h.get_all_by_label("Use to sign").last().unwrap().click();
    h.run();
    assert_eq!(h.state().state.sign.alg, "ES384");
    assert_eq!(h.get_by_label("Algorithm").value().as_deref(), Some("ES384"), "the dropdown shows it");
    let header = h.state().state.sign.header().unwrap();
    assert_eq!(header["alg"], "ES384");
    assert_ne!(header["kid"], "sample-rsa-2048", "the old kid is gone");
    assert!(h.query_by_label_contains("cannot sign").is_none(), "no problem shown before signing");
    h.get_by_label("Sign token").click();
    h.run();
    h.get_by_label("Decode and verify it").click();
    h.run();
    assert!(verdict_is(&h, "VALID"), "selected by kid, verified, no warning");
}

#[test]
fn a_jwe_is_not_offered_for_re_signing() {
    let mut h = app_with(FakePlatform::default());
    h.state_mut().apply(vec![Command::LoadSample(6)]);
    h.run();
    let edit = h.get_by_label("Edit this token");
    assert!(edit.accesskit_node().is_disabled());
    edit.click();
    h.run();
    assert_eq!(h.state().state.tab, Tab::Decode);
    assert!(verdict_is(&h, "ENCRYPTED (JWE)"));
}

#[test]
fn the_status_line_never_moves() {
    let mut h = sized(FakePlatform::default(), 1280.0, 800.0);
    h.run();
    let at = |h: &Harness<'_, TokenbenchApp>, label: &str| h.get_by_label(label).rect();
    let before: Vec<egui::Rect> =
        ["x1", "x3600", "+5 min", "+1 day", "Back to now"].iter().map(|l| at(&h, l)).collect();
    let token_heading = at(&h, "Token");
    assert!((before[0].center().y - before[4].center().y).abs() < 1.0, "one row at 1280 px");
    for command in [
        Command::Clock(ClockCommand::Run(3600.0)),
        Command::Clock(ClockCommand::Pause),
        Command::AddKeyText("certainly not a key, and a long message to go with it ".repeat(8)),
        Command::Clock(ClockCommand::Shift(86_400.0 * 400.0)),
    ] {
        h.state_mut().apply(vec![command]);
        h.run();
        let now: Vec<egui::Rect> =
            ["x1", "x3600", "+5 min", "+1 day", "Back to now"].iter().map(|l| at(&h, l)).collect();
        assert_eq!(now, before, "buttons moved");
        assert_eq!(at(&h, "Token"), token_heading, "the panels did not resize");
    }
    // A click on "+5 min" lands on "+5 min" while running.
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Set(1_000_000.0))]);
    h.get_by_label("+5 min").click();
    h.run();
    assert!((h.state().state.clock.now() - 1_000_300.0).abs() < 1.0);
}

#[test]
fn status_messages_fade_and_the_hover_shows_them_whole() {
    let mut h = app_with(FakePlatform::default());
    h.state_mut().apply(vec![Command::LoadSampleKeys]);
    h.run();
    assert!(h.query_by_label("added 5 keys").is_some());
    // kittest advances egui's clock a quarter second per step.
    h.run_steps(24);
    assert!(h.state().state.message.is_none(), "gone after a few seconds");
    assert!(h.query_by_label("added 4 keys").is_none());
    // A message longer than the window stays on one line, cut with an ellipsis, and its hover
    // shows it whole.
    let long = format!("could not load {}: not a key", "/very/long/path/".repeat(30));
    h.state_mut().state.message = Some((tokenbench::ui::state::Level::Error, long.clone()));
    h.run();
    let line = h.get_by_label(&long).rect();
    let row = h.get_by_label("Back to now").rect().height();
    assert!(line.height() <= row + 1.0, "one line: {line:?} against a row of {row}");
    assert!(line.max.x <= 1400.0, "inside the window: {line:?}");
    assert_eq!(h.query_all_by_label(&long).count(), 1);
    h.get_by_label(&long).hover();
    h.run();
    assert_eq!(h.query_all_by_label(&long).count(), 2, "the hover repeats the whole message");
}

#[test]
fn the_keys_panel_keeps_its_width() {
    let mut h = sized(FakePlatform::default(), 1280.0, 800.0);
    h.run();
    let x = h.get_by_label("Token").rect().min.x;
    h.state_mut().apply(vec![
        Command::LoadSampleKeys,
        Command::LoadKeyFiles(vec![asset("rsa2048-cert.pem"), asset("rsa1024-pkcs8.pem")]),
    ]);
    h.run();
    let after = h.get_by_label("Token").rect().min.x;
    assert!((after - x).abs() < 0.5, "the centre moved from {x} to {after}");
}

#[test]
fn enter_adds_a_typed_secret_and_keys_can_be_renamed() {
    let mut h = app_with(FakePlatform::default());
    h.run();
    h.get_by_label("HMAC secret").click();
    h.run();
    h.get_by_label("Secret").focus();
    h.run();
    h.get_by_label("Secret").type_text("an adequately long secret for HS256!!");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().state.keys.len(), 1);
    h.get_by_label("Rename").click();
    h.run();
    h.get_by_label("Name").focus();
    h.run();
    h.get_by_label("Name").type_text("staging");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().state.keys.keys()[0].name.as_deref(), Some("staging"));
    assert!(h.query_by_label("staging").is_some());
}

#[test]
fn a_fetch_error_shows_beside_the_fetch_button() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut h = app_with(FakePlatform::default());
    h.run();
    h.get_by_label("Fetch keys from a URL").click();
    h.run();
    h.get_by_label("URL").focus();
    h.run();
    h.get_by_label("URL").type_text(&format!("http://127.0.0.1:{port}/jwks.json"));
    h.run();
    h.get_by_label("Fetch keys").click();
    for _ in 0..500 {
        h.step();
        if h.state().state.fetching.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
    let error = h.state().state.fetch_error.clone().expect("the fetch failed");
    let button = h.get_by_label("Fetch keys").rect();
    let shown = h.get_all_by_label(&error).find(|n| n.rect().min.x < 400.0).expect("in the keys panel").rect();
    assert!((shown.min.y - button.min.y).abs() < 60.0, "beside the button: {shown:?} vs {button:?}");
}

#[test]
fn the_first_screen_explains_and_offers_three_examples_and_the_labs() {
    let mut h = app_with(FakePlatform::default());
    h.run();
    assert!(h.query_by_label("Encoded is not encrypted.").is_some());
    for part in ["header", "payload", "signature"] {
        assert!(h.query_all_by_label(part).next().is_some(), "{part}");
    }
    for tab in Tab::ALL {
        assert!(h.query_all_by_label(tab.label()).next().is_some(), "the {} tab is visible", tab.label());
    }
    for (button, verdict) in [
        ("A valid token", "VALID"),
        ("An expired token", "EXPIRED"),
        ("A forged token", "FORGERY: algorithm confusion"),
    ] {
        h.state_mut().apply(vec![Command::ClearToken]);
        h.run();
        h.get_by_label(button).click();
        h.run();
        assert!(verdict_is(&h, verdict), "{button}");
    }
    assert!(h.query_by_label_contains("It was made by using the public key as the HMAC secret").is_some());
}

#[test]
fn history_rows_say_what_each_token_is() {
    let mut h = app_with(FakePlatform::default());
    h.state_mut().apply(vec![Command::SetHistory(true), Command::TryExample(0), Command::LoadSample(2)]);
    h.run();
    h.get_by_label("History").click();
    h.run();
    let rows: Vec<String> = h.state().state.history.iter().map(|e| format!("{} · {}", e.summary, e.verdict)).collect();
    assert!(
        h.query_by_label_contains(
            "1. HS256 · sub 1234567890 · no exp · VALID, but: the HMAC secret is in a public wordlist (21 guesses)"
        )
        .is_some(),
        "{rows:?}"
    );
    // The first screen's valid example is issued now for 15 minutes: valid, nothing to flag.
    let fresh = tokenbench::core::engine::clock::format_utc(h.state().state.clock.now() + 900.0);
    let day = fresh.split(' ').next().unwrap();
    assert!(
        h.query_by_label(&format!("2. RS256 · iss https://id.example.com/ · sub 248289761001 · exp {day} · VALID"))
            .is_some(),
        "{rows:?}"
    );
}

#[test]
fn a_key_that_cannot_sign_the_tokens_algorithm_says_so_and_offers_its_own() {
    let mut h = app_with(FakePlatform::default());
    pin_clock(&mut h);
    h.state_mut().apply(vec![
        Command::LoadKeyFiles(vec![asset("ec-p256-pkcs8.pem")]),
        Command::LoadKeyFiles(vec![asset("../keys/sample-jwks.json")]),
        Command::LoadSample(0),
    ]);
    h.run();
    h.get_by_label("Edit this token").click();
    h.run();
    // The EC key cannot sign RS256, so it is not preselected, and the header keeps its kid.
    assert_eq!(h.state().state.sign.key, None);
    assert_eq!(h.state().state.sign.header().unwrap()["kid"], "sample-rsa-2048");
    assert!(
        h.query_by_label_contains("no loaded key can sign RS256: load its private key").is_some(),
        "said before signing"
    );
    // Choosing it anyway switches to the algorithm it signs, with its kid.
    h.state_mut().apply(vec![Command::SetSignKey(Some(0))]);
    h.run();
    assert_eq!(h.state().state.sign.alg, "ES256");
    assert_eq!(h.state().state.sign.header().unwrap()["kid"], "sample-p256", "the published kid of this key");
    h.get_by_label("Sign token").click();
    h.run();
    h.get_by_label("Decode and verify it").click();
    h.run();
    assert!(verdict_is(&h, "VALID, but: lifetime 10.0 years (exp - iat)"));
}

/// A valid token with only a long lifetime has no warning, yet its banner is amber, never
/// green, and names the finding; the same token with a 15-minute life is green.
#[test]
fn a_valid_token_with_findings_is_amber_and_named() {
    let mut h = app_with(FakePlatform::default());
    let secret = b"a-secret-nobody-guesses-0123456789abcdef";
    let now = h.state().state.clock.now();
    let iat: i64 = format!("{:.0}", now.floor()).parse().unwrap();
    let years = hs256("{}", &format!(r#"{{"sub":"a","aud":"api","iat":{iat},"exp":{}}}"#, iat + 315_576_000), secret);
    let minutes = hs256("{}", &format!(r#"{{"sub":"a","aud":"api","iat":{iat},"exp":{}}}"#, iat + 900), secret);
    h.state_mut().apply(vec![
        Command::AddSecret { text: String::from_utf8(secret.to_vec()).unwrap(), encoding: SecretEncoding::Utf8 },
        Command::SetToken(years),
    ]);
    h.run();
    let j = h.state().state.judgment.clone().unwrap();
    assert!(j.verification.valid && j.verification.shown_warnings().is_empty(), "{:?}", j.verification.warnings);
    assert_eq!(tokenbench::ui::verify::tone(&j.verification), tokenbench::ui::theme::Tone::Good, "no warning");
    assert_eq!(tokenbench::ui::verify::judgment_tone(&j), tokenbench::ui::theme::Tone::Warn, "but a finding");
    assert!(verdict_is(&h, "VALID, but: lifetime 10.0 years (exp - iat)"));
    assert!(h.query_by_label_contains("long-lifetime: lifetime 10.0 years").is_some(), "listed under the banner");
    h.state_mut().apply(vec![Command::SetToken(minutes)]);
    h.run();
    let j = h.state().state.judgment.clone().unwrap();
    assert_eq!(tokenbench::ui::verify::judgment_tone(&j), tokenbench::ui::theme::Tone::Good, "{:?}", j.findings);
    assert!(verdict_is(&h, "VALID"));
}
