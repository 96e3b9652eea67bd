//! The Security tab's tests: each view through the whole window, and panel by panel.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::core::labs::security::lab::SecurityCommand;
use crate::ui::app::{Settings, Tab, TokenbenchApp};
use crate::ui::panel_harness::{self, World, settle};
use crate::ui::platform::FakePlatform;
use crate::ui::state::Command;

fn app(platform: FakePlatform) -> Harness<'static, TokenbenchApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| TokenbenchApp::with_platform(Box::new(platform), Settings::default()));
    h.run();
    h
}

/// Runs frames until `done` holds (background work) or 20 s pass. While work runs the
/// progress text changes every frame, so frames are stepped without waiting to settle.
fn run_until(h: &mut Harness<'static, TokenbenchApp>, done: impl Fn(&TokenbenchApp) -> bool) {
    let start = std::time::Instant::now();
    while !done(h.state()) && start.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    // Settle (and check accessibility) once nothing runs any more.
    if h.state().state.security.busy() {
        h.step();
    } else {
        h.run();
    }
}

fn open_security(h: &mut Harness<'static, TokenbenchApp>) {
    // The tab bar's entry (the first screen lists the tabs too, further down).
    h.get_all_by_label("Security").next().unwrap().click();
    h.run();
    assert_eq!(h.state().state.tab, Tab::Security);
}

/// The Security tab's Crack view.
fn open_crack(h: &mut Harness<'static, TokenbenchApp>) {
    open_security(h);
    h.get_by_label("Crack the secret").click();
    h.run();
}

/// Starts a crack and waits until it has ended.
fn crack_to_the_end(h: &mut Harness<'static, TokenbenchApp>) {
    h.get_by_label("Start cracking").click();
    h.step();
    run_until(h, |a| !a.state.security.busy());
}

#[test]
fn run_the_audit_and_the_cookie_audit() {
    let mut h = app(FakePlatform::default());
    h.state_mut().apply(vec![Command::LoadSample(2)]);
    open_security(&mut h);
    h.get_by_label("Run the audit").click();
    h.run();
    assert!(h.query_by_label("weak-secret").is_some(), "the jwt.io secret is in the bundled list");
    assert!(h.query_by_label_contains("a-string-secret-at-least-256-bits-long").is_some());
    assert!(h.query_by_label("missing-exp").is_some());
    assert!(h.query_by_label_contains("would exit 1").is_some());
    h.get_by_label("Audit the cookie").click();
    h.run();
    assert!(h.query_by_label("session-id-low-entropy").is_some());
    assert!(h.query_by_label("cookie-no-httponly").is_some());
}

#[test]
fn start_and_cancel_a_crack() {
    use std::io::Write;
    let path = std::env::temp_dir().join(format!("tokenbench-ui-crack-{}.txt", std::process::id()));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..50_000 {
        writeln!(f, "guess-{i}").unwrap();
    }
    drop(f);
    let mut platform = FakePlatform::default();
    platform.picks.push_back(vec![path.clone()]);
    let mut h = app(platform);
    h.state_mut().apply(vec![Command::LoadSample(2)]);
    open_crack(&mut h);
    h.get_by_label("Choose a wordlist…").click();
    h.run();
    // 50,000 lines x 628 rule variants: far more than the test will wait for.
    h.get_by_label("Rules: case variants, digits 0-99, years").click();
    h.run();
    h.get_by_label("Start cracking").click();
    h.step();
    assert!(h.state().state.security.busy());
    run_until(&mut h, |a| a.state.security.job.as_ref().is_some_and(|j| j.progress.candidates() > 1000));
    assert!(h.query_by_label_contains("guesses,").is_some(), "progress with the rate");
    h.get_by_label("Cancel").click();
    h.step();
    run_until(&mut h, |a| !a.state.security.busy());
    let outcome = h.state().state.security.outcome.clone().unwrap();
    let report = outcome.result.unwrap();
    assert!(report.cancelled && report.secret.is_none());
    assert!(outcome.stop_latency.unwrap() < std::time::Duration::from_secs(1));
    assert!(h.query_by_label_contains("Cancelled:").is_some());
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_found_secret_becomes_a_key_in_one_click() {
    let mut h = app(FakePlatform::default());
    h.state_mut().apply(vec![Command::LoadSample(2)]);
    open_crack(&mut h);
    crack_to_the_end(&mut h);
    assert!(h.query_by_label_contains("Found:").is_some());
    assert!(h.state().state.verification().is_some_and(|v| !v.valid), "no key yet");
    h.get_by_label("Add as a key").click();
    h.run();
    assert_eq!(h.state().state.keys.len(), 1);
    assert!(h.state().state.verification().unwrap().valid, "the recovered secret verifies the token");
}

#[test]
fn a_binary_secret_is_shown_in_hex_and_added_as_its_bytes() {
    use crate::core::engine::keys::{SecretEncoding, load_secret};
    let secret = [0xff, 0xe1, 0x00, b'a'];
    let key = load_secret(&secret, SecretEncoding::Raw, "t").unwrap();
    let claims = serde_json::json!({"sub": "x", "exp": 4_000_000_000u64});
    let t = crate::core::engine::sign::sign(
        &crate::core::engine::token::JsonObject::new(),
        claims.as_object().unwrap(),
        "HS256",
        &key,
    )
    .unwrap();
    let path = std::env::temp_dir().join(format!("tokenbench-ui-binary-{}.txt", std::process::id()));
    std::fs::write(&path, [&b"a\n"[..], &secret, b"\n"].concat()).unwrap();
    let mut platform = FakePlatform::default();
    platform.picks.push_back(vec![path.clone()]);
    let mut h = app(platform);
    h.state_mut().apply(vec![Command::SetToken(t)]);
    open_crack(&mut h);
    h.get_by_label("Choose a wordlist…").click();
    h.run();
    crack_to_the_end(&mut h);
    assert!(h.query_all_by_label_contains("\"hex:ffe10061\"").next().is_some(), "shown in hex, never lossy");
    h.get_by_label("Add as a key").click();
    h.run();
    let keys = h.state().state.keys.keys();
    assert_eq!(keys[0].material, crate::core::engine::keys::KeyMaterial::Oct { k: secret.to_vec() }, "the exact bytes");
    assert!(h.state().state.verification().unwrap().valid);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn open_an_attack_and_read_its_verdict() {
    let mut h = app(FakePlatform::default());
    h.state_mut().apply(vec![Command::LoadSampleKeys, Command::LoadSample(0)]);
    open_security(&mut h);
    h.get_by_label("Forge attacks").click();
    h.run();
    h.get_by_label("Algorithm confusion (RS/ES to HS256)").click();
    h.run();
    assert!(h.query_by_label("This workbench: REJECTED").is_some());
    assert!(h.query_by_label_contains("HMAC secret used: the PEM of key #1").is_some());
    assert!(h.query_by_label_contains("never used as an HMAC secret").is_some(), "why");
    assert!(h.query_by_label_contains("Bind each key to one algorithm").is_some(), "the defence");
    for attack in crate::core::engine::forge::Attack::ALL {
        h.get_by_label(attack.title()).click();
        h.run();
        assert!(h.query_by_label("This workbench: REJECTED").is_some(), "{attack:?}");
    }
}

#[test]
fn hostile_pastes_never_panic_the_window() {
    let mut state = crate::ui::state::AppState::default();
    let mut p = FakePlatform::default();
    // The report's cookie (a character across byte 11), a bad date, a huge Max-Age; a URL
    // without a token; a kid and an alg full of escapes.
    for cookie in
        ["aaaaaaaaaa\u{20ac}=1", "Set-Cookie: s\u{202e}id\n=\u{9b}; Expires=\u{1b}]0;x; Max-Age=99999999999999999999"]
    {
        state.handle(Command::Security(SecurityCommand::SetCookieText(cookie.into())), &mut p);
        state.handle(Command::Security(SecurityCommand::AuditCookie), &mut p);
        assert!(matches!(state.security.cookie_audit, Some(Ok(_))), "{cookie}");
    }
    state.handle(Command::SetToken("https://app.example/cb?code=x".into()), &mut p);
    state.handle(Command::Security(SecurityCommand::RunAudit), &mut p);
    let audit = state.security.audit.as_ref().unwrap().1.as_ref();
    assert!(audit.is_err_and(|e| e.contains("no JWT found in this URL")), "{audit:?}");
    let header = crate::core::engine::token::encode_b64url(br#"{"alg":"HS\u001b\u009b","kid":["..\u202e"]}"#);
    state.handle(Command::SetToken(format!("{header}.e30.AAAA")), &mut p);
    state.handle(Command::Security(SecurityCommand::RunAudit), &mut p);
    let findings = state.security.audit.as_ref().unwrap().1.as_ref().unwrap();
    assert!(findings.iter().any(|f| f.id == "kid-injection"), "{findings:?}");
    assert!(findings.iter().all(|f| !f.message.chars().any(crate::core::text::is_hostile)), "{findings:?}");
}

#[test]
fn a_huge_token_skips_the_wordlist_in_the_window() {
    use crate::core::engine::keys::{SecretEncoding, load_secret};
    let key = load_secret(b"secret", SecretEncoding::Utf8, "t").unwrap();
    let mut claims = crate::core::engine::token::JsonObject::new();
    claims.insert("blob".into(), "x".repeat(1 << 20).into());
    let big = crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
        .unwrap();
    let mut state = crate::ui::state::AppState::default();
    let mut p = FakePlatform::default();
    state.handle(Command::SetToken(big), &mut p);
    state.handle(Command::Security(SecurityCommand::RunAudit), &mut p);
    let findings = state.security.audit.as_ref().unwrap().1.as_ref().unwrap();
    let weak: Vec<_> = findings.iter().filter(|f| f.id == "weak-secret").collect();
    assert_eq!(weak.len(), 1);
    assert_eq!(weak[0].severity, crate::core::engine::audit::Severity::Info, "{:?}", weak[0]);
    assert!(weak[0].message.contains("use Crack the secret"));
}

#[test]
fn a_new_token_clears_the_crack_result_and_cancels_a_running_crack() {
    use std::io::Write;
    let mut h = app(FakePlatform::default());
    h.state_mut().apply(vec![Command::LoadSample(2)]);
    open_crack(&mut h);
    crack_to_the_end(&mut h);
    assert!(h.query_by_label_contains("Found:").is_some());
    // Another token (typed or pasted: every change goes through AppState::handle).
    h.state_mut().apply(vec![Command::LoadSample(0)]);
    h.run();
    assert!(h.state().state.security.outcome.is_none());
    assert!(h.query_by_label_contains("Found:").is_none(), "the old token's secret is gone");
    assert!(h.query_by_label("Add as a key").is_none());
    // A running crack of the old token is cancelled when the token changes.
    let path = std::env::temp_dir().join(format!("tokenbench-ui-stale-{}.txt", std::process::id()));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..50_000 {
        writeln!(f, "guess-{i}").unwrap();
    }
    drop(f);
    let mut state = crate::ui::state::AppState::default();
    let mut p = FakePlatform::default();
    state.handle(Command::LoadSample(2), &mut p);
    for c in
        [SecurityCommand::SetWordlist(Some(path.clone())), SecurityCommand::SetRules(true), SecurityCommand::StartCrack]
    {
        state.handle(Command::Security(c), &mut p);
    }
    let progress = std::sync::Arc::clone(&state.security.job.as_ref().unwrap().progress);
    state.handle(Command::SetToken(crate::ui::state::SAMPLES[1].1.trim().to_owned()), &mut p);
    assert!(state.security.job.is_none() && state.security.outcome.is_none());
    assert!(progress.cancelled(), "the worker was told to stop");
    // Setting the very token the crack attacks keeps it running.
    state.handle(Command::LoadSample(2), &mut p);
    state.handle(Command::Security(SecurityCommand::StartCrack), &mut p);
    state.handle(Command::LoadSample(2), &mut p);
    assert!(state.security.busy(), "the same token: nothing to clear");
    state.handle(Command::Security(SecurityCommand::CancelCrack), &mut p);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn choosing_a_wordlist_without_a_file_dialog_says_so() {
    let mut h = app(FakePlatform { no_dialogs: true, ..FakePlatform::default() });
    h.state_mut().apply(vec![Command::LoadSample(2)]);
    open_crack(&mut h);
    h.get_by_label("Choose a wordlist…").click();
    h.run();
    let (level, text) = h.state().state.message.clone().unwrap();
    assert_eq!(level, crate::ui::state::Level::Error);
    assert!(text.starts_with("no file dialog is available here: crack with the bundled list"), "{text}");
    assert!(h.query_by_label_contains("no file dialog is available here").is_some(), "in the window");
    assert!(h.state().state.security.wordlist.is_none());
    // A dialog that was shown and cancelled is only noted.
    let mut h = app(FakePlatform::default());
    open_crack(&mut h);
    h.get_by_label("Choose a wordlist…").click();
    h.run();
    assert_eq!(h.state().state.message.clone().unwrap(), (crate::ui::state::Level::Info, "no file chosen".into()));
}

#[test]
fn a_tiny_crack_shows_no_rate() {
    let mut h = app(FakePlatform::default());
    h.state_mut().apply(vec![Command::LoadSample(2)]);
    open_crack(&mut h);
    crack_to_the_end(&mut h);
    let report = h.state().state.security.outcome.clone().unwrap().result.unwrap();
    assert!(report.measured_rate().is_none(), "a few hundred guesses: {report:?}");
    assert!(h.query_by_label_contains("too short to rate").is_some());
    assert!(h.query_all_by_label_contains("(s)").next().is_none());
}

#[test]
fn the_audit_names_the_confusion_forgery_without_markdown() {
    use egui_kittest::kittest::By;
    let mut h = app(FakePlatform::default());
    h.state_mut().apply(vec![Command::TryExample(5)]);
    open_security(&mut h);
    h.run();
    assert!(h.query_by_label("alg-confusion").is_some(), "the audit finding");
    assert!(h.query_by_label_contains("as the HMAC secret: this token was forged from a public key").is_some());
    assert!(h.query_by_label_contains("would exit 1").is_some());
    assert!(h.query_by_label("tokenbench audit").is_some(), "the command, code-styled");
    let text = |n: &egui_kittest::kittest::AccessKitNode<'_>| {
        if n.role() == egui::accesskit::Role::Label { n.value() } else { n.label() }
    };
    let ticks = h.query_all(By::new().predicate(move |n| text(n).is_some_and(|l| l.contains('`')))).count();
    assert_eq!(ticks, 0, "no literal backticks");
}

#[test]
fn the_forge_verdict_uses_the_verdict_panels_words() {
    let mut h = app(FakePlatform::default());
    h.state_mut().apply(vec![Command::LoadSampleKeys, Command::LoadSample(0)]);
    open_security(&mut h);
    h.get_by_label("Forge attacks").click();
    h.run();
    for attack in crate::core::engine::forge::Attack::ALL {
        h.get_by_label(attack.title()).click();
        h.run();
        let view = h.state().state.security.forged.clone().unwrap().1.unwrap();
        let (title, detail) = (view.verification.title(), view.verification.detail());
        assert!(h.query_by_label(&title).is_some(), "{attack:?}: {title}");
        assert!(h.query_by_label(&detail).is_some(), "{attack:?}: {detail}");
        // Opened in Decode, the verdict panel's banner says the same.
        let forged = view.forged.token.clone();
        let mut state = crate::ui::state::AppState::default();
        let mut p = FakePlatform::default();
        state.handle(Command::LoadSampleKeys, &mut p);
        state.handle(Command::SetToken(forged), &mut p);
        let panel = state.verification().unwrap();
        assert_eq!((panel.title(), panel.detail()), (title, detail));
    }
    h.get_by_label("Algorithm confusion (RS/ES to HS256)").click();
    h.run();
    assert!(h.query_by_label("FORGERY: algorithm confusion").is_some());
}

#[test]
fn session_risks_read_as_product_text_and_name_a_jwe() {
    let mut h = app(FakePlatform::default());
    h.state_mut().apply(vec![Command::LoadSample(6)]);
    open_security(&mut h);
    h.get_by_label("Session risks").click();
    h.run();
    assert!(
        h.query_by_label(
            "This walk-through's outcome, on the lifetimes above (log scale: 1 s to 10 years, every page)."
        )
        .is_some()
    );
    assert!(h.query_all_by_label_contains("will refine").next().is_none());
    assert!(h.query_all_by_label_contains("revocation lab's model").next().is_none());
    assert!(h.query_by_label_contains("encrypted (JWE): its claims cannot be read without the key").is_some());
    assert!(h.query_all_by_label_contains("no claims").next().is_none());
}

#[test]
fn step_through_a_session_scenario() {
    let mut h = app(FakePlatform::default());
    open_security(&mut h);
    h.get_by_label("Session risks").click();
    h.run();
    h.get_by_label("Show all steps").click();
    h.run();
    assert!(h.query_by_label_contains("The attacker is the victim until the session ends").is_some());
    assert_eq!(h.query_all_by_label("8 h").count(), 1, "the never-logged-out bar");
    h.get_by_label("The server issues a new session id at login").click();
    h.run();
    assert!(h.query_by_label("step 5 of 5").is_some(), "a defence toggled keeps the step");
    assert!(h.query_by_label_contains("Blocked").is_some());
    // The bars are the same run's: blocked, no longer the session's 8 h.
    assert_eq!(h.query_all_by_label("blocked").count(), 2);
    assert_eq!(h.query_all_by_label("8 h").count(), 0);
    h.get_by_label("Stolen JWT").click();
    h.run();
    h.get_by_label("Show all steps").click();
    h.run();
    assert!(h.query_by_label_contains("logout does not end a JWT").is_some());
}

/// One part of the lab drawn alone, after `setup`.
fn panel(section: super::Section, setup: Vec<Command>) -> Harness<'static, World> {
    panel_harness::panel(
        World::new(FakePlatform::default(), setup),
        egui::vec2(1000.0, 1400.0),
        move |ui, state, out| super::section_ui(ui, section, state, out),
    )
}

#[test]
fn panel_sessions_shows_the_models_figures_for_every_scenario_and_defence() {
    use crate::core::engine::audit::SameSite;
    use crate::core::labs::security::session_risk::{self, CookieFlags, ScenarioKind, SessionLifetimes};
    let settings = [
        (ScenarioKind::Fixation, false, CookieFlags::NONE),
        (ScenarioKind::Fixation, true, CookieFlags::NONE),
        (ScenarioKind::CookieTheft, false, CookieFlags::NONE),
        (ScenarioKind::CookieTheft, false, CookieFlags { http_only: true, ..CookieFlags::NONE }),
        (ScenarioKind::CookieTheft, false, CookieFlags { http_only: true, secure: true, same_site: SameSite::Lax }),
        (ScenarioKind::JwtTheft, false, CookieFlags::NONE),
    ];
    for (kind, regenerate, flags) in settings {
        let mut h = panel(
            super::Section::Sessions,
            vec![
                Command::Security(SecurityCommand::ShowScenario(kind)),
                Command::Security(SecurityCommand::SetRegenerate(regenerate)),
                Command::Security(SecurityCommand::SetCookieFlags(flags)),
            ],
        );
        h.run();
        h.get_by_label("Show all steps").click();
        h.run();
        // The model on the lab's defaults: no token, so the one-hour fallback.
        let l =
            SessionLifetimes { jwt_remaining: session_risk::FALLBACK_TOKEN_LIFETIME, ..SessionLifetimes::default() };
        let model = session_risk::scenario(kind, regenerate, flags, &l);
        assert!(h.query_by_label(&model.title).is_some(), "{kind:?}: {}", model.title);
        for (i, step) in model.steps.iter().enumerate() {
            assert!(h.query_by_label(&format!("{}.", i + 1)).is_some(), "{kind:?} step {}", i + 1);
            assert!(h.query_by_label(&step.text).is_some(), "{kind:?}: {}", step.text);
        }
        assert!(h.query_by_label(&format!("step {n} of {n}", n = model.steps.len())).is_some());
        assert!(h.query_by_label(&model.verdict).is_some(), "{kind:?}: {}", model.verdict);
        assert!(h.query_by_label(&format!("Defence: {}", model.defence)).is_some());
        // The bars are the walk-through's own run (a blocked attack reads "blocked" twice).
        for row in session_risk::usefulness(&model) {
            assert!(h.query_by_label(row.label).is_some(), "{}", row.label);
            assert!(h.query_all_by_label(&row.text).next().is_some(), "{}: {}", row.label, row.text);
        }
    }
}

#[test]
fn the_next_step_button_stays_put_across_steps() {
    let mut h = panel(super::Section::Sessions, vec![]);
    h.run();
    let first = h.get_by_label("Next step").rect();
    for step in 2..=4 {
        h.get_by_label("Next step").click();
        h.run();
        assert_eq!(h.state().state.security.step, step);
        assert_eq!(h.get_by_label("Next step").rect(), first, "step {step}");
    }
}

#[test]
fn the_step_buttons_stay_put_across_scenarios() {
    use crate::core::labs::security::session_risk::ScenarioKind;
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(800.0, 480.0)] {
        let mut h = panel(super::Section::Sessions, vec![]);
        h.set_size(size);
        h.run();
        let places = |h: &Harness<'static, World>| {
            ["Previous step", "Next step", "Show all steps"].map(|b| h.get_by_label(b).rect())
        };
        let first = places(&h);
        for kind in [ScenarioKind::CookieTheft, ScenarioKind::JwtTheft, ScenarioKind::Fixation] {
            h.get_by_label(kind.label()).click();
            h.run();
            assert_eq!(h.state().state.security.scenario, kind);
            assert_eq!(places(&h), first, "{kind:?} at {size:?}");
        }
        assert!(h.query_by_label(super::sessions::NO_JWT_DEFENCE_TOGGLE).is_none(), "only on the stolen JWT");
    }
}

#[test]
fn panel_sessions_toggles_emit_the_labs_commands() {
    use crate::core::engine::audit::SameSite;
    use crate::core::labs::security::session_risk::ScenarioKind;
    let mut h = panel(super::Section::Sessions, vec![]);
    h.run();
    h.get_by_label("Stolen session cookie").click();
    h.run();
    assert_eq!(h.state().state.security.scenario, ScenarioKind::CookieTheft);
    h.get_by_label("HttpOnly").click();
    h.run();
    h.get_by_label("Strict").click();
    h.run();
    let flags = h.state().state.security.flags;
    assert!(flags.http_only && !flags.secure && flags.same_site == SameSite::Strict, "{flags:?}");
    h.get_by_label("Next step").click();
    h.run();
    assert_eq!(h.state().state.security.step, 2);
    assert!(h.query_by_label_contains("step 2 of").is_some());
}

#[test]
fn panel_crack_runs_on_the_apps_one_runner_and_the_audit_names_the_secret_once() {
    let mut h = panel(super::Section::Crack, vec![Command::LoadSample(2)]);
    h.run();
    h.get_by_label("Start cracking").click();
    h.step();
    assert_eq!(h.state().state.jobs.running(), 1, "the crack is a job of AppState::jobs");
    settle(&mut h);
    assert!(h.query_by_label_contains("Found:").is_some());
    assert!(
        h.query_by_label_contains("The HMAC secret is \"a-string-secret-at-least-256-bits-long\"").is_some(),
        "the secret, as the crack engine shows it"
    );
    // The audit of the same token: one weak-secret finding, the judgment's, worded as
    // `tokenbench audit` words it (no finding of the lab's own beside it).
    let mut world = h.into_state();
    world.state.handle(Command::Security(SecurityCommand::RunAudit), &mut world.platform);
    let token = world.state.parsed().unwrap().clone();
    let mut h = Harness::builder().with_size(egui::vec2(1000.0, 1400.0)).build_ui_state(
        |ui, world: &mut World| {
            let mut out = Vec::new();
            super::section_ui(ui, super::Section::Audit, &world.state, &mut out);
        },
        world,
    );
    h.run();
    assert_eq!(h.query_all_by_label("weak-secret").count(), 1);
    let cli = crate::core::engine::audit::audit_token(
        &token,
        &crate::core::engine::audit::TokenAuditOptions {
            now: h.state().state.clock.now(),
            ..crate::core::engine::audit::TokenAuditOptions::default()
        },
    )
    .unwrap();
    let weak = cli.iter().find(|f| f.id == "weak-secret").unwrap();
    assert!(h.query_by_label(&weak.message).is_some(), "{}", weak.message);
    assert!(h.query_by_label("Add as a key").is_some());
}

#[test]
fn panel_forge_names_the_published_key_the_confusion_attack_used() {
    let mut h = panel(super::Section::Forge, vec![Command::LoadSampleKeys, Command::LoadSample(0)]);
    h.run();
    h.get_by_label("Algorithm confusion (RS/ES to HS256)").click();
    h.run();
    let keys = h.state().state.keys.keys().to_vec();
    let (_, named) = crate::core::labs::security::lab::published_key_pem(&keys).unwrap();
    assert!(h.query_by_label(&format!("HMAC secret used: {named}.")).is_some(), "{named}");
    assert!(h.query_by_label("This workbench: REJECTED").is_some());
}

#[test]
fn every_severity_reads_at_4_5_to_1_on_both_themes_panels() {
    use crate::core::engine::audit::Severity;
    use crate::ui::theme::{contrast, visuals};
    for dark in [true, false] {
        let v = visuals(dark);
        for s in [Severity::High, Severity::Medium, Severity::Low, Severity::Info] {
            for bg in [v.panel_fill, v.window_fill] {
                let ratio = contrast(super::audit::severity_colour(s, dark), bg);
                assert!(ratio >= 4.5, "{s:?} dark={dark}: {ratio:.2}:1");
            }
        }
    }
}

#[test]
fn panel_leakage_shows_the_clis_lines_and_outcomes_for_each_defence() {
    use crate::core::labs::security::leakage::{self, LeakSettings, ReferrerPolicy};
    use crate::ui::state::ClockCommand;
    const AT: f64 = 1_700_000_000.0;
    let base = LeakSettings::default();
    for settings in [
        base,
        LeakSettings { in_header: true, ..base },
        LeakSettings { referrer_policy: ReferrerPolicy::SameOrigin, ..base },
        LeakSettings { short_lifetime: true, revocation_check: true, ..base },
    ] {
        let mut h = panel(
            super::Section::Leakage,
            vec![Command::Clock(ClockCommand::Set(AT)), Command::Security(SecurityCommand::SetLeakSettings(settings))],
        );
        h.run();
        assert!(h.query_all_by_label(super::leakage::CAPTION).next().is_some());
        // The command line's JSON for the same token (the sample), clock and settings.
        let cli = crate::cli::leakage_json(&leakage::leakage(None, AT, &settings).unwrap());
        let text = |k: &str| cli[k].as_str().map(str::to_owned);
        for line in
            [text("request_line"), text("access_log"), text("third_party_log"), text("referer")].into_iter().flatten()
        {
            assert!(h.query_all_by_label(&line).next().is_some(), "{settings:?}: {line}");
        }
        assert!(h.query_all_by_label(cli["copy"]["text"].as_str().unwrap()).next().is_some(), "{settings:?}");
        for d in cli["defences"].as_array().unwrap() {
            assert!(h.query_all_by_label(d["label"].as_str().unwrap()).next().is_some());
            assert!(h.query_all_by_label(d["if_switched"]["text"].as_str().unwrap()).next().is_some(), "{d}");
        }
    }
}

#[test]
fn panel_leakage_controls_change_the_outcome() {
    use crate::core::labs::security::leakage::{CopyStatus, LeakDefence, ReferrerPolicy};
    let mut h = panel(super::Section::Leakage, vec![]);
    h.run();
    assert!(h.query_all_by_label("holds the token").count() >= 3, "log, Referer, third-party log");
    h.get_all_by_label(&LeakDefence::Header.label()).next().unwrap().click();
    h.run();
    assert!(h.state().state.security.leak.in_header);
    assert!(
        h.query_all_by_label("Nothing to copy: neither the log line nor the Referer holds the token.").next().is_some()
    );
    h.run();
    assert_eq!(h.query_all_by_label("holds the token").count(), 0);
    h.get_all_by_label(&LeakDefence::Header.label()).next().unwrap().click();
    h.get_by_label("no-referrer").click();
    h.run();
    assert_eq!(h.state().state.security.leak.referrer_policy, ReferrerPolicy::NoReferrer);
    assert!(h.query_by_label("(none: the policy sends no Referer)").is_some());
    h.get_all_by_label(&LeakDefence::ShortLifetime.label()).next().unwrap().click();
    h.run();
    let leak = crate::core::labs::security::leakage::leakage(
        None,
        h.state().state.clock.now(),
        &h.state().state.security.leak,
    )
    .unwrap();
    assert_eq!(leak.copy.status, CopyStatus::Expired);
    assert!(h.query_all_by_label(&leak.copy.text).next().is_some());
}

#[test]
fn the_security_tab_lists_the_leak_demonstration_at_800x480() {
    let mut h = Harness::builder()
        .with_size(egui::vec2(800.0, 480.0))
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    h.run();
    open_security(&mut h);
    h.get_by_label("Leaks via logs and URLs").click();
    h.run();
    assert_eq!(h.state().state.security.section, super::Section::Leakage);
    assert!(h.query_all_by_label(super::leakage::CAPTION).next().is_some());
    // The lesson links to the tool that looks for the same leak in the user's logs.
    h.get_by_label("Scan your logs for tokens: Leaks tab").click();
    h.run();
    assert_eq!(h.state().state.tab, crate::ui::state::Tab::Leaks);
    assert!(h.query_by_label("Add a folder").is_some());
}

#[test]
fn the_sections_stay_reachable_however_far_a_section_is_scrolled() {
    use crate::core::labs::security::lab::Section;
    let mut h = Harness::builder()
        .with_size(egui::vec2(800.0, 480.0))
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    h.run();
    open_security(&mut h);
    h.state_mut().apply(vec![Command::Security(SecurityCommand::Show(Section::Leakage))]);
    h.run();
    let row = h.get_by_label(Section::Audit.label()).rect();
    // Scroll the leak view to its end: the sections' row does not move and still answers.
    h.get_by_label("Each defence, switched the other way").scroll_to_me();
    h.run();
    assert!(h.get_by_label("Security lab").rect().max.y < 0.0, "the page scrolled past its heading");
    assert_eq!(h.get_by_label(Section::Audit.label()).rect(), row);
    h.get_by_label(Section::Audit.label()).click();
    h.run();
    assert_eq!(h.state().state.security.section, Section::Audit);
    assert!(
        h.query_by_label("Run the audit").is_some_and(|r| r.rect().max.y <= 480.0),
        "a new section opens at its top"
    );
}
