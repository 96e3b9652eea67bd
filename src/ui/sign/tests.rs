//! The signing editor drawn and driven alone: edit, choose, sign, the verdict of the signed
//! token, and encrypting it to a recipient (a nested JWT).

use std::path::PathBuf;

use super::*;
use crate::core::engine::keys::SecretEncoding;
use crate::core::engine::verify::{Selection, SignatureVerdict};
use crate::ui::platform::FakePlatform;
use crate::ui::state::Tab;

fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)
}

#[test]
fn edit_copies_the_header_as_it_is_without_a_key_that_cannot_sign_it() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    // The sample keys: public RSA/EC/Ed25519 keys and jwt.io's HMAC secret (preselected).
    s.handle(Command::LoadSampleKeys, &mut p);
    assert!(s.sign.key.is_some(), "the secret is preselected for signing");
    s.handle(Command::LoadSample(0), &mut p); // RS256, kid sample-rsa-2048
    s.handle(Command::EditThisToken, &mut p);
    assert_eq!(s.tab, Tab::Sign);
    let header = s.sign.header().unwrap();
    assert_eq!(header["kid"], "sample-rsa-2048", "the kid is not rewritten");
    assert_eq!(header["alg"], "RS256");
    assert_eq!(s.sign.alg, "RS256");
    assert_eq!(s.sign.key, None, "an HMAC secret cannot sign RS256: no key is preselected");
    let problems = s.sign.problems(&s.keys);
    assert!(problems.iter().any(|w| w.contains("no loaded key can sign RS256")), "{problems:?}");
    assert!(!problems.iter().any(|w| w.contains("HMAC secret cannot sign")), "{problems:?}");
    // The RSA private key that can sign RS256 (the same key as the kid's: its twin kid).
    s.handle(Command::LoadKeyFiles(vec![asset("rsa2048-pkcs8.pem")]), &mut p);
    s.handle(Command::LoadSample(0), &mut p);
    s.handle(Command::EditThisToken, &mut p);
    let rsa = s.keys.len() - 1;
    assert_eq!(s.sign.key, Some(rsa), "the key the kid names is preselected");
    assert_eq!(s.sign.header().unwrap()["kid"], "sample-rsa-2048", "and its kid is the token's");
    assert!(s.sign.problems(&s.keys).is_empty(), "{:?}", s.sign.problems(&s.keys));
    // Another RSA private key, no key by the kid: preselected because it signs RS256; then
    // (and only then) its kid goes in.
    let mut s = AppState::default();
    s.handle(Command::LoadSampleKeys, &mut p);
    s.handle(Command::LoadKeyFiles(vec![asset("rsa1024-pkcs8.pem")]), &mut p);
    s.handle(Command::LoadSample(0), &mut p);
    s.handle(Command::EditThisToken, &mut p);
    let other = s.keys.len() - 1;
    assert_eq!(s.sign.key, Some(other));
    assert_eq!(s.sign.header().unwrap()["kid"], s.keys.keys()[other].thumbprint.as_str());
}

#[test]
fn a_long_json_line_is_not_wrapped_in_the_editor() {
    use egui_kittest::kittest::Queryable;
    let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(800.0, 480.0)).build_eframe(|_cc| {
        crate::ui::app::TokenbenchApp::with_platform(
            Box::new(FakePlatform::default()),
            crate::ui::app::Settings::default(),
        )
    });
    h.state_mut().apply(vec![Command::SelectTab(Tab::Sign)]);
    h.run();
    let short = h.get_by_label("Claims JSON").rect().height();
    let long = format!("{{\n  \"sub\": \"{}\"\n}}", "x".repeat(300));
    h.state_mut().apply(vec![Command::SetSignClaims(long)]);
    h.run();
    let editor = h.get_by_label("Claims JSON").rect();
    assert!((editor.height() - short).abs() < 1.0, "no wrapped rows: {} vs {short}", editor.height());
    assert!(editor.width() > 1000.0, "the line keeps its length and scrolls sideways: {}", editor.width());
}

/// Every click target of the editor, by label, where it is drawn.
fn targets(h: &egui_kittest::Harness<'_, crate::ui::app::TokenbenchApp>) -> Vec<(String, egui::Rect)> {
    use egui_kittest::kittest::Queryable;
    let mut labels = vec!["Algorithm".to_owned(), "Signing key".to_owned(), "Header JSON".to_owned()];
    labels.extend(["Claims JSON", "Set kid from the signing key", "Sign token"].map(str::to_owned));
    for claim in ["iat", "nbf", "exp"] {
        labels.extend(OFFSETS.iter().map(|(l, _)| format!("{claim} {l}")));
    }
    labels.into_iter().map(|l| (l.clone(), h.get_by_label(&l).rect())).collect()
}

#[test]
fn no_button_moves_while_the_header_claims_algorithm_and_key_are_edited() {
    let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_eframe(|_cc| {
        crate::ui::app::TokenbenchApp::with_platform(
            Box::new(FakePlatform::default()),
            crate::ui::app::Settings::default(),
        )
    });
    h.state_mut().apply(vec![
        Command::AddSecret { text: "0123456789abcdef0123456789abcdef".into(), encoding: SecretEncoding::Utf8 },
        Command::SelectTab(Tab::Sign),
    ]);
    h.run();
    let before = targets(&h);
    let lines: Vec<String> = (0..12).map(|i| format!("  \"c{i}\": {i}")).collect();
    let long_claims = format!("{{\n{}\n}}", lines.join(",\n"));
    let edits = [
        Command::SetSignClaims("{\"sub\": ".into()),
        Command::SetSignClaims(long_claims),
        Command::SetSignHeader("[1, 2]".into()),
        Command::SetSignHeader("{\"alg\": \"HS256\"}".into()),
        // An RSA algorithm with a secret: a problem and "Sign with HS256 instead" appear.
        Command::SetSignAlg("RS256".into()),
        Command::SetSignClaims("{\"sub\": \"a\"}".into()),
    ];
    for edit in edits {
        let what = format!("{edit:?}");
        h.state_mut().apply(vec![edit]);
        h.run();
        for ((label, was), (_, now)) in before.iter().zip(targets(&h)) {
            assert!((now.min - was.min).length() < 0.5, "{label} moved after {what}: {was:?} -> {now:?}");
        }
    }
    assert!(!h.state().state.sign.problems(&h.state().state.keys).is_empty(), "a problem was shown");
}

#[test]
fn every_algorithm_is_reachable_by_pointer_at_the_minimum_window() {
    use egui_kittest::kittest::Queryable;
    let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(800.0, 480.0)).build_eframe(|_cc| {
        crate::ui::app::TokenbenchApp::with_platform(
            Box::new(FakePlatform::default()),
            crate::ui::app::Settings::default(),
        )
    });
    h.state_mut().apply(vec![Command::LoadSample(2), Command::SelectTab(Tab::Sign)]);
    h.run();
    // What the window shows of the centre: above the status line.
    let status = h.get_by_label("Back to now").rect().min.y - h.get_by_label("Back to now").rect().height();
    let window = egui::Rect::from_min_max(egui::Pos2::ZERO, egui::pos2(800.0, status));
    for alg in SUPPORTED_ALGORITHMS {
        // Open the dropdown with the pointer, where it is drawn without scrolling the editor.
        let combo = h.get_by_label("Algorithm").rect();
        assert!(window.contains_rect(combo), "the dropdown is on screen: {combo:?}");
        click_at(&mut h, combo.center());
        // Every algorithm is in the open list (drawn over everything), in the window, without
        // scrolling the list.
        let item = h.get_by_role_and_label(egui::accesskit::Role::Button, alg).rect();
        let whole = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(800.0, 480.0));
        assert!(whole.contains_rect(item), "{alg} at {item:?}");
        click_at(&mut h, item.center());
        assert_eq!(h.state().state.sign.alg, alg, "a click on {alg} at {item:?} chose it");
    }
}

/// A real pointer click (press and release) at `pos`, as a person gives it: what is clipped
/// or covered does not receive it.
fn click_at(h: &mut egui_kittest::Harness<'static, crate::ui::app::TokenbenchApp>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    h.run();
}

#[test]
fn a_stale_result_goes_when_its_inputs_change() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::SetSignClaims("[1]".into()), &mut p);
    s.handle(Command::Sign, &mut p);
    assert!(matches!(&s.sign.output, Some(Err(_))), "{:?}", s.sign.output);
    s.handle(Command::SetSignClaims("{\"sub\": \"a\"}".into()), &mut p);
    assert_eq!(s.sign.output, None, "the claims changed");
    s.handle(Command::Sign, &mut p);
    assert!(matches!(&s.sign.output, Some(Err(e)) if e.to_string().contains("choose a key")), "{:?}", s.sign.output);
    s.handle(
        Command::AddSecret { text: "0123456789abcdef0123456789abcdef".into(), encoding: SecretEncoding::Utf8 },
        &mut p,
    );
    assert_eq!(s.sign.output, None, "a key was chosen");
    s.handle(Command::Sign, &mut p);
    assert!(matches!(&s.sign.output, Some(Ok(_))));
    let changes = [
        Command::SetSignHeader("{\"alg\": \"HS256\", \"typ\": \"at+jwt\"}".into()),
        Command::SetSignAlg("HS384".into()),
        Command::SetSignKidFromKey(false),
        Command::SetTimeClaim { claim: "exp", offset: 60 },
        Command::SetSignKey(Some(0)),
        Command::RemoveKey(0),
    ];
    for change in changes {
        s.handle(Command::Sign, &mut p);
        assert!(s.sign.output.is_some());
        let what = format!("{change:?}");
        s.handle(change, &mut p);
        assert_eq!(s.sign.output, None, "{what}");
    }
}

#[test]
fn a_removed_key_named_by_kid_is_named_in_the_verdict() {
    // Sign with a generated RSA key (its kid goes in), decode, then remove that key: the
    // sample RSA key is still loaded and tried, and the verdict names the missing kid.
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::LoadSampleKeys, &mut p);
    s.handle(Command::GenerateKey(crate::core::engine::sign::KeySpec::Rsa(2048)), &mut p);
    let start = std::time::Instant::now();
    while !s.generating.is_empty() && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
        s.tick(&mut p);
    }
    let signer = s.keys.len() - 1;
    s.handle(Command::SetSignKey(Some(signer)), &mut p);
    assert_eq!(s.sign.alg, "RS256");
    s.handle(Command::Sign, &mut p);
    s.handle(Command::UseSignedToken, &mut p);
    let v = s.verification().unwrap();
    assert!(v.selection == Some(Selection::Kid), "{}", v.summary());
    let kid = s.keys.keys()[signer].kid.clone().unwrap();
    s.handle(Command::RemoveKey(signer), &mut p);
    let v = s.verification().unwrap();
    assert_eq!(v.signature, SignatureVerdict::NoMatchingKey);
    assert_eq!(v.title(), "NO MATCHING KEY");
    assert!(v.summary().contains(&format!("no loaded key has kid {kid:?}")), "{}", v.summary());
    assert!(v.summary().contains("1 other compatible key was tried"), "{}", v.summary());
}

/// After signing, the tab shows the new token's verdict (judged with the same keys, policy
/// and clock as the Verify tab), never the decoded token's; a stale one is not shown.
#[test]
fn the_signed_token_shows_its_own_verdict() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    // The decoded token: the jwt.io example, no key for it.
    s.handle(Command::LoadSample(2), &mut p);
    s.handle(Command::AddSecret { text: "secret".into(), encoding: SecretEncoding::Utf8 }, &mut p);
    assert!(s.verification().is_some_and(|v| !v.valid), "the decoded token does not verify with \"secret\"");
    s.handle(Command::Sign, &mut p);
    let Some(Ok(token)) = s.sign.output.clone() else { panic!("{:?}", s.sign.output) };
    let (judged, verdict) = s.sign.verdict.clone().expect("a verdict for the signed token");
    assert_eq!(judged, token);
    // Signed with "secret" and no exp: valid, but both named; amber.
    assert!(verdict.title.starts_with("VALID, but: the HMAC secret is in a public wordlist"), "{verdict:?}");
    assert_eq!(verdict.tone, crate::ui::theme::Tone::Warn);
    // An edit makes the output stale: no verdict is shown for it.
    s.handle(Command::SetSignClaims("{\"sub\": \"b\"}".into()), &mut p);
    assert_eq!(s.sign.output, None);
}

/// The signed token, encrypted to the sample encryption key (RFC 7516 A.2, `use: enc`), comes
/// back through Decode: decrypted with that key, the nested JWT is the token signed, valid.
/// Keys published for signing are not offered as recipients.
#[test]
fn a_signed_token_encrypts_to_a_recipient_and_decrypts_back_to_itself() {
    use egui_kittest::kittest::Queryable;

    use crate::ui::panel_harness::{self, World, click, settle};
    use crate::ui::state::EncryptCommand;

    let world = World::new(FakePlatform::default(), [Command::LoadSampleKeys, Command::Sign]);
    let mut h = panel_harness::panel(world, egui::vec2(1280.0, 1400.0), super::ui);
    h.run();
    let signed = match &h.state().state.sign.output {
        Some(Ok(t)) => t.clone(),
        other => panic!("not signed: {other:?}"),
    };
    let keys = h.state().state.keys.keys().to_vec();
    let recipients: Vec<usize> =
        (0..keys.len()).filter(|&i| !crate::core::engine::jwe::encryption_algorithms(&keys[i]).is_empty()).collect();
    let enc_key = keys.iter().position(|k| k.kid.as_deref() == Some("rfc7516-a2-encryption")).unwrap();
    assert_eq!(recipients, vec![enc_key], "only the key published for encryption is a recipient");
    assert!(h.query_by_label("Encrypt it (a nested JWT)").is_some());

    // Chosen in the list as a user would: the recipient's entry names its kid.
    h.get_by_label("Encrypt to").click();
    h.run();
    click(&mut h, &format!("#{} kid \"rfc7516-a2-encryption\" (rfc7516-a2-private.jwk) (RSA 2048)", enc_key + 1));
    assert_eq!(h.state().state.sign.encrypt.to, Some(enc_key));
    assert_eq!(h.state().state.sign.encrypt.alg, "RSA-OAEP-256", "the SHA-256 OAEP is preferred");
    h.state_mut().state.handle(Command::Encrypt(EncryptCommand::Alg("RSA-OAEP".into())), &mut FakePlatform::default());
    h.state_mut()
        .state
        .handle(Command::Encrypt(EncryptCommand::Alg("RSA-OAEP-256".into())), &mut FakePlatform::default());
    h.run();
    click(&mut h, "Encrypt");
    let jwe = h.state().state.sign.encrypt.encrypted_of(&signed).expect("encrypted").to_owned();
    let header = crate::core::engine::token::parse(&jwe).unwrap().header().clone();
    assert_eq!(header["alg"], "RSA-OAEP-256");
    assert_eq!(header["enc"], "A256GCM");
    assert_eq!(header["cty"], "JWT");
    assert!(h.query_by_label(&jwe).is_some(), "the JWE is shown");

    click(&mut h, "Decode and decrypt it");
    assert_eq!(h.state().state.tab, Tab::Decode);
    assert_eq!(h.state().state.input, jwe);
    // Decrypted with the recipient's key without another click.
    settle(&mut h);
    let nested = h.state().state.decryption.nested().expect("a nested JWT").text.clone();
    assert_eq!(nested, signed, "the plaintext is the token signed");
    assert!(h.state().state.judgment.as_ref().unwrap().verification.valid);
}

/// A new signature hides the JWE of the old one; removing the recipient forgets the choice.
#[test]
fn the_jwe_follows_the_signed_token_and_its_recipient() {
    use crate::ui::state::EncryptCommand;

    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::LoadSampleKeys, &mut p);
    s.handle(Command::Encrypt(EncryptCommand::Encrypt), &mut p);
    assert!(s.message.as_ref().is_some_and(|(_, m)| m.starts_with("sign a token first")), "{:?}", s.message);
    s.handle(Command::Sign, &mut p);
    let enc_key = s.keys.keys().iter().position(|k| k.kid.as_deref() == Some("rfc7516-a2-encryption")).unwrap();
    s.handle(Command::Encrypt(EncryptCommand::Encrypt), &mut p);
    assert!(s.message.as_ref().is_some_and(|(_, m)| m == "not encrypted: choose the recipient's key first"));
    s.handle(Command::Encrypt(EncryptCommand::To(enc_key)), &mut p);
    s.handle(Command::Encrypt(EncryptCommand::Enc("A512GCM".into())), &mut p);
    s.handle(Command::Encrypt(EncryptCommand::Encrypt), &mut p);
    assert!(s.message.as_ref().is_some_and(|(_, m)| m.contains("A512GCM")), "{:?}", s.message);
    s.handle(Command::Encrypt(EncryptCommand::Enc("A128CBC-HS256".into())), &mut p);
    s.handle(Command::Encrypt(EncryptCommand::Encrypt), &mut p);
    let first = match &s.sign.output {
        Some(Ok(t)) => t.clone(),
        other => panic!("{other:?}"),
    };
    assert!(s.sign.encrypt.encrypted_of(&first).is_some());
    s.handle(Command::SetSignClaims("{\"sub\": \"someone else\"}".into()), &mut p);
    s.handle(Command::Sign, &mut p);
    let second = match &s.sign.output {
        Some(Ok(t)) => t.clone(),
        other => panic!("{other:?}"),
    };
    assert!(s.sign.encrypt.encrypted_of(&second).is_none(), "the old JWE is not the new token's");
    s.handle(Command::RemoveKey(enc_key), &mut p);
    assert_eq!(s.sign.encrypt.to, None);
}

/// A private key published for encryption (`use: enc`), loaded first, is never preselected to
/// sign: the secret loaded after it is.
#[test]
fn an_encryption_key_is_not_preselected_to_sign() {
    let mut s = AppState::default();
    let mut p = FakePlatform::default();
    s.handle(Command::AddKeyText(crate::ui::state::SAMPLE_KEYS[2].1.to_owned()), &mut p);
    assert_eq!(s.sign.key, None, "the RFC 7516 A.2 key says use: enc");
    s.handle(
        Command::AddSecret { text: "a-string-secret-at-least-256-bits-long".into(), encoding: SecretEncoding::Utf8 },
        &mut p,
    );
    assert_eq!(s.sign.key, Some(1));
    assert!(!s.keys.keys()[0].signs() && s.keys.keys()[1].signs());
}
