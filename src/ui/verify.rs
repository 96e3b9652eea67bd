//! The verdict and the policy, in one scroll area that nothing can hide: the policy (collapsed
//! to a one-line summary), a banner that cannot be misread, then failed checks, warnings, the
//! other checks, and each key tried and why (skipped keys folded). The scroll position starts
//! at the top for each new token. Policy text fields apply on Enter or when they lose focus,
//! so typing is never rewritten under the cursor.

use egui::{RichText, Ui};

use crate::core::engine::audit::Severity;
use crate::core::engine::clock::{ClockMode, format_utc};
use crate::core::engine::judgment::Judgment;
use crate::core::engine::verify::{
    CheckStatus, KeyOutcome, Policy, SUPPORTED_ALGORITHMS, SignatureVerdict, Verification,
};
use crate::ui::state::{AppState, Command};
use crate::ui::theme::{Tone, check_mark, palette};

/// The banner's tone: green only when valid without warnings; amber when valid with warnings,
/// without a key or encrypted; red otherwise.
#[must_use]
pub fn tone(v: &Verification) -> Tone {
    match v.signature {
        _ if v.valid && v.shown_warnings().is_empty() => Tone::Good,
        _ if v.valid => Tone::Warn,
        SignatureVerdict::NoMatchingKey | SignatureVerdict::Encrypted if v.forgery().is_none() => Tone::Warn,
        _ => Tone::Bad,
    }
}

/// The banner's tone for a judgment: amber, never green, for a valid token with a finding of
/// medium or high severity; else the verification's [`tone`].
#[must_use]
pub fn judgment_tone(j: &Judgment) -> Tone {
    if j.cautioned() { Tone::Warn } else { tone(&j.verification) }
}

/// "Policy: iss, aud, 3 algorithms", or what the default checks.
#[must_use]
pub fn policy_summary(p: &Policy) -> String {
    let mut parts = Vec::new();
    if p.issuer.is_some() {
        parts.push("iss".to_owned());
    }
    if !p.audience.is_empty() {
        parts.push("aud".to_owned());
    }
    if p.typ.is_some() {
        parts.push("typ".to_owned());
    }
    match p.required_claims.len() {
        0 => {}
        1 => parts.push(format!("requires {}", p.required_claims[0])),
        n => parts.push(format!("{n} required claims")),
    }
    if p.leeway > 0 {
        parts.push(format!("leeway {} s", p.leeway));
    }
    if let Some(max) = p.max_lifetime {
        parts.push(format!(
            "max lifetime {}",
            crate::core::engine::clock::human_duration(std::time::Duration::from_secs(max))
        ));
    }
    match p.algorithms.len() {
        0 => {}
        1 => parts.push(p.algorithms[0].clone()),
        n => parts.push(format!("{n} algorithms")),
    }
    if p.allow_json_serialization {
        parts.push("JWS JSON".to_owned());
    }
    if parts.is_empty() { "Policy: default (time claims only)".into() } else { format!("Policy: {}", parts.join(", ")) }
}

/// The verify panel's own view state: policy fields as typed, and the token the scroll position
/// belongs to.
#[derive(Debug, Default)]
pub struct VerifyPanel {
    issuer: String,
    audience: String,
    typ: String,
    required: String,
    /// The policy the fields were last filled from.
    synced: Option<Policy>,
    /// The token serial the scroll position belongs to.
    scrolled_for: Option<u64>,
}

impl VerifyPanel {
    /// Draws the verdict and the policy editor.
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
        ui.heading("Verify");
        if state.tab == crate::ui::state::Tab::Sign {
            // Beside the signing editor this verdict could be read as the new token's.
            ui.label(
                RichText::new("About the token in the decoder; the Sign tab shows the verdict of the token it signs.")
                    .weak(),
            );
        }
        let mut area = egui::ScrollArea::vertical().id_salt("verdict").auto_shrink([false, false]);
        if self.scrolled_for != Some(state.token_serial) {
            area = area.vertical_scroll_offset(0.0);
            self.scrolled_for = Some(state.token_serial);
        }
        area.show(ui, |ui| {
            self.policy_editor(ui, &state.policy, out);
            ui.add_space(4.0);
            match &state.judgment {
                None if matches!(state.token, Some(Err(_))) => {
                    ui.label("The token could not be decoded: see the error under the token.");
                }
                None => {
                    ui.label("Decode a token to see whether it verifies.");
                }
                Some(j) => {
                    if state.decryption.nested().is_some() {
                        // The JWE itself carries no signature: what is judged is what it holds.
                        ui.label(RichText::new("The nested JWT, decrypted from the JWE:").strong());
                    } else if let Some((opened, who)) = &state.decryption.opened {
                        let p = crate::ui::theme::palette(ui.visuals().dark_mode);
                        ui.label(
                            RichText::new(format!(
                                "Decrypted with {who} (Decode tab): the plaintext is {}, not a signed token, so \
                                 nothing in it says who made it.",
                                opened.inner.described()
                            ))
                            .color(p.warn),
                        );
                    } else if let Some(Ok(fit)) = &state.decryption.fitting {
                        if !fit.keys.is_empty() {
                            ui.label("A loaded key fits this JWE: decrypt it in the Decode tab's Decrypt section.");
                        } else if fit.password {
                            ui.label("This JWE takes a password: type it in the Decode tab's Decrypt section.");
                        }
                    }
                    verdict(ui, j, state);
                }
            }
        });
    }

    fn sync(&mut self, p: &Policy) {
        if self.synced.as_ref() == Some(p) {
            return;
        }
        self.issuer = p.issuer.clone().unwrap_or_default();
        self.audience = p.audience.join(", ");
        self.typ = p.typ.clone().unwrap_or_default();
        self.required = p.required_claims.join(", ");
        self.synced = Some(p.clone());
    }

    fn policy_editor(&mut self, ui: &mut Ui, policy: &Policy, out: &mut Vec<Command>) {
        self.sync(policy);
        egui::CollapsingHeader::new(RichText::new(policy_summary(policy)).strong())
            .id_salt("policy")
            .default_open(false)
            .show(ui, |ui| {
                let mut p = policy.clone();
                let mut changed = false;
                ui.label(RichText::new("Text fields apply on Enter or when you leave them.").weak());
                changed |= text_field(ui, "Issuer", &mut self.issuer, "expected iss (not checked when empty)", |t| {
                    p.issuer = non_empty(t);
                });
                changed |= text_field(ui, "Audience", &mut self.audience, "api, web: any one must be in aud", |t| {
                    p.audience = parse_claim_list(t);
                });
                changed |= text_field(ui, "typ", &mut self.typ, "e.g. JWT or at+jwt", |t| p.typ = non_empty(t));
                changed |= text_field(ui, "Required", &mut self.required, "claims, e.g. exp, sub", |t| {
                    p.required_claims = parse_claim_list(t);
                });
                ui.horizontal(|ui| {
                    ui.label("Leeway (seconds)");
                    changed |= ui
                        .add(egui::DragValue::new(&mut p.leeway).range(0..=86_400))
                        .on_hover_text("Leeway in seconds")
                        .changed();
                });
                ui.horizontal(|ui| {
                    let mut limit = p.max_lifetime.is_some();
                    if ui.checkbox(&mut limit, "Max lifetime (seconds)").changed() {
                        p.max_lifetime = limit.then_some(3600);
                        changed = true;
                    }
                    if let Some(max) = &mut p.max_lifetime {
                        changed |= ui
                            .add(egui::DragValue::new(max).range(1..=31_536_000))
                            .on_hover_text("Maximum lifetime in seconds")
                            .changed();
                    }
                });
                changed |= ui.checkbox(&mut p.allow_json_serialization, "Accept JWS JSON serialization").changed();
                ui.label("Allowed algorithms (none ticked: all)");
                ui.horizontal_wrapped(|ui| {
                    for alg in SUPPORTED_ALGORITHMS {
                        let mut on = p.algorithms.iter().any(|a| a == alg);
                        if ui.checkbox(&mut on, alg).changed() {
                            if on {
                                p.algorithms.push(alg.to_owned());
                            } else {
                                p.algorithms.retain(|a| a != alg);
                            }
                            changed = true;
                        }
                    }
                });
                if ui.button("Reset policy").clicked() {
                    p = Policy::default();
                    changed = true;
                }
                if changed {
                    out.push(Command::SetPolicy(p));
                }
            });
    }
}

fn non_empty(t: &str) -> Option<String> {
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// `exp, sub` or `exp sub` → `exp` and `sub`, each once: the Required claims and the accepted
/// audiences alike.
#[must_use]
pub fn parse_claim_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
    }
    out
}

/// A labelled text field that applies `commit` when it loses focus (Enter included); returns
/// whether it did. A field with unapplied text says so.
fn text_field(ui: &mut Ui, label: &str, buf: &mut String, hint: &str, commit: impl FnOnce(&str)) -> bool {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        let response = ui
            .add(egui::TextEdit::singleline(buf).hint_text(hint).desired_width(ui.available_width().min(220.0)))
            .labelled_by(label.id);
        if response.lost_focus() {
            commit(buf);
            true
        } else {
            if response.has_focus() && response.changed() {
                response.on_hover_text("Press Enter to apply");
            }
            false
        }
    })
    .inner
}

fn section(ui: &mut Ui, text: String) {
    ui.add_space(6.0);
    ui.label(RichText::new(text).strong());
}

/// A coloured mark and its text as one label, wrapping from the panel's left edge (two labels in
/// a wrapping row let a long unbreakable word hang out to the left).
fn marked(ui: &mut Ui, mark: &str, tone: Tone, text: &str) -> egui::Response {
    let colour = palette(ui.visuals().dark_mode).text(tone).unwrap_or_else(|| ui.visuals().text_color());
    let font = egui::TextStyle::Body.resolve(ui.style());
    let body = egui::TextFormat { font_id: font, color: ui.visuals().text_color(), ..Default::default() };
    let mut job = egui::text::LayoutJob::default();
    job.append(mark, 0.0, egui::TextFormat { color: colour, ..body.clone() });
    crate::ui::widgets::append_prose(ui, &mut job, &format!("  {text}"), &body);
    ui.add(egui::Label::new(job).wrap())
}

/// At most `max` characters, the end replaced by "…" when cut.
#[must_use]
pub fn elide(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= max {
        return text.into();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…").into()
}

/// How many characters of a key's name the verdict shows (the whole name on hover).
const KEY_NAME_CHARS: usize = 40;

/// Key attempts listed per group (tried, skipped) before "… and N more".
pub const ATTEMPTS_LISTED: usize = 50;

fn banner(ui: &mut Ui, j: &Judgment, state: &AppState) {
    let p = palette(ui.visuals().dark_mode);
    let v = &j.verification;
    let tone = judgment_tone(j);
    let (heading, detail) = (j.title(), j.detail());
    egui::Frame::new().fill(p.fill(tone)).inner_margin(10.0).corner_radius(6.0).show(ui, |ui| {
        ui.set_width(ui.available_width());
        // "VALID, but:" in the headline's size, the findings it names a size down: a long
        // list must not push the rest of the verdict off a small window.
        match heading.split_once(": ").filter(|_| j.cautioned()) {
            Some((word, concerns)) => {
                ui.label(RichText::new(format!("{word}:")).size(22.0).strong().color(p.on_fill));
                ui.label(RichText::new(concerns).size(15.0).strong().color(p.on_fill));
            }
            None => {
                ui.label(RichText::new(heading).size(22.0).strong().color(p.on_fill));
            }
        }
        ui.label(RichText::new(detail).color(p.on_fill));
        if state.clock.mode() != ClockMode::Real {
            // The verdict is re-judged at the next instant anything in it changes, so until then
            // it is the verdict at the clock's time: shown to the second, like the status line
            // (a running clock repaints every simulated second).
            let at = if state.clock.mode() == ClockMode::Paused { v.now } else { state.clock.now() };
            ui.label(RichText::new(format!("judged at {} (simulated)", format_utc(at))).color(p.on_fill));
        }
    });
}

fn verdict(ui: &mut Ui, j: &Judgment, state: &AppState) {
    banner(ui, j, state);
    let v = &j.verification;
    let concerns: Vec<_> = j.concerns().collect();
    if !concerns.is_empty() {
        section(ui, format!("Findings ({}; the Security tab lists them all)", concerns.len()));
        for f in concerns {
            let (mark, tone) = if f.severity == Severity::High { ("HIGH", Tone::Bad) } else { ("MEDIUM", Tone::Warn) };
            marked(ui, mark, tone, &format!("{}: {}", f.id, f.message)).on_hover_text(f.reference);
        }
    }
    let failed: Vec<_> = v.failed_checks().collect();
    if !failed.is_empty() {
        section(ui, format!("Failed checks ({})", failed.len()));
        for c in &failed {
            marked(ui, "FAIL", Tone::Bad, &format!("{}: {}", c.name, c.reason)).on_hover_text(c.rfc);
        }
    }
    let warnings = v.shown_warnings();
    if !warnings.is_empty() {
        section(ui, format!("Warnings ({})", warnings.len()));
        for w in warnings {
            marked(ui, "warning", Tone::Warn, w);
        }
    }
    section(ui, format!("Checks (leeway {} s)", v.leeway));
    for c in v.checks.iter().filter(|c| c.status != CheckStatus::Failed) {
        let (mark, tone) = check_mark(c.status);
        marked(ui, mark, tone, &format!("{}: {}", c.name, c.reason)).on_hover_text(c.rfc);
    }
    section(ui, "Keys".into());
    if v.attempts.is_empty() {
        ui.label(if state.keys.is_empty() { "No key loaded." } else { "Not tried." });
    }
    let attempt = |ui: &mut Ui, a: &crate::core::engine::verify::KeyAttempt| {
        let (mark, tone) = match a.outcome {
            KeyOutcome::Verified => ("verified", Tone::Good),
            KeyOutcome::WrongSignature => ("no match", Tone::Bad),
            KeyOutcome::Skipped => ("skipped", Tone::Neutral),
            KeyOutcome::Rejected => ("rejected", Tone::Bad),
        };
        if let Some(key) = state.keys.keys().get(a.index) {
            let label = key.label();
            let text = format!(
                "#{} {} ({}): {}",
                a.index + 1,
                elide(&label, KEY_NAME_CHARS),
                key.material.describe(),
                a.reason
            );
            let response = marked(ui, mark, tone, &text);
            if label.chars().count() > KEY_NAME_CHARS {
                response.on_hover_text(label);
            }
        }
    };
    // A key set may hold 100,000 keys: each list is cut at ATTEMPTS_LISTED lines (the CLI's
    // `verify --json` lists every attempt), so the frame stays small.
    let more = |ui: &mut Ui, n: usize| {
        if n > 0 {
            ui.label(format!("… and {n} more (tokenbench verify --json lists every key)"));
        }
    };
    let tried = v.attempts.iter().filter(|a| a.outcome != KeyOutcome::Skipped);
    let tried_count = tried.clone().count();
    for a in tried.take(ATTEMPTS_LISTED) {
        attempt(ui, a);
    }
    more(ui, tried_count.saturating_sub(ATTEMPTS_LISTED));
    let skipped = v.attempts.iter().filter(|a| a.outcome == KeyOutcome::Skipped).count();
    if skipped > 0 {
        let label = if skipped == 1 { "1 key skipped".to_owned() } else { format!("{skipped} keys skipped") };
        egui::CollapsingHeader::new(label).id_salt("skipped-keys").default_open(false).show(ui, |ui| {
            for a in v.attempts.iter().filter(|a| a.outcome == KeyOutcome::Skipped).take(ATTEMPTS_LISTED) {
                attempt(ui, a);
            }
            more(ui, skipped.saturating_sub(ATTEMPTS_LISTED));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_signature_with_failed_checks_is_named_by_what_failed() {
        use crate::core::engine::keys::{SecretEncoding, load_secret};
        let key = load_secret(&[9u8; 32], SecretEncoding::Raw, "k").unwrap();
        let judge = |claims: &str, policy: &Policy| {
            let claims: crate::core::engine::token::JsonObject = serde_json::from_str(claims).unwrap();
            let t =
                crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
                    .unwrap();
            let v = crate::core::engine::verify::verify(
                &crate::core::engine::token::parse(&t).unwrap(),
                std::slice::from_ref(&key),
                policy,
                1000.0,
            );
            v.headline()
        };
        let any = Policy::default();
        assert_eq!(judge(r#"{"exp":2000}"#, &any), "VALID");
        assert_eq!(judge(r#"{"exp":500}"#, &any), "EXPIRED");
        assert_eq!(judge(r#"{"nbf":5000,"exp":9000}"#, &any), "NOT YET VALID");
        assert_eq!(judge(r#"{"iat":5000,"exp":9000}"#, &any), "NOT YET VALID");
        let rs_only = Policy { algorithms: vec!["RS256".into()], ..Policy::default() };
        assert_eq!(judge(r#"{"exp":500}"#, &rs_only), "ALGORITHM NOT ALLOWED", "the refused algorithm comes first");
        let iss = Policy { issuer: Some("https://id".into()), ..Policy::default() };
        assert_eq!(judge(r#"{"exp":500}"#, &iss), "INVALID CLAIMS", "expired and the wrong issuer");
    }

    /// The banner's title and sentence are the CLI's first line, word for word: for the
    /// algorithm-confusion sample with the sample keys, and for a kid-less token against more
    /// kid-less keys than a token may try.
    #[test]
    fn the_banner_says_what_the_cli_prints_first() {
        use egui_kittest::kittest::Queryable;
        let new = || {
            egui_kittest::Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_eframe(|_cc| {
                crate::ui::app::TokenbenchApp::with_platform(
                    Box::new(crate::ui::platform::FakePlatform::default()),
                    crate::ui::app::Settings::default(),
                )
            })
        };
        let secrets: Vec<serde_json::Value> = (0..100u8)
            .map(|i| serde_json::json!({"kty": "oct", "k": crate::core::engine::token::encode_b64url(&[i; 32])}))
            .collect();
        let signer =
            crate::core::engine::keys::load_secret(&[200; 32], crate::core::engine::keys::SecretEncoding::Raw, "s")
                .unwrap();
        let claims: crate::core::engine::token::JsonObject = serde_json::from_str(r#"{"exp":4102444800}"#).unwrap();
        let kid_less =
            crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &signer)
                .unwrap();
        let cases = [
            (vec![Command::TryExample(5)], "FORGERY: algorithm confusion", None),
            (
                vec![
                    Command::AddKeyText(serde_json::json!({ "keys": secrets }).to_string()),
                    Command::SetToken(kid_less),
                ],
                "NO MATCHING KEY",
                // 100 kid-less HMAC keys, 64 tries a token: said in words, not by the code.
                Some("of the 64 keys tried, no key verifies it, and 36 compatible keys were not tried"),
            ),
        ];
        for (commands, title, says) in cases {
            let mut h = new();
            h.state_mut().apply(commands);
            h.run();
            let state = &h.state().state;
            let j = state.judgment.clone().unwrap();
            let first = crate::cli::judgment_text(&j, state.keys.keys()).lines().next().unwrap().to_owned();
            assert_eq!(first, format!("{title}: {}", j.detail()));
            assert!(h.query_by_label(title).is_some(), "the banner's title is {title}");
            assert!(h.query_by_label(&j.detail()).is_some(), "the banner's sentence is the CLI's: {first}");
            if let Some(says) = says {
                assert!(first.contains(says), "{first}");
            }
        }
    }

    #[test]
    fn a_token_that_does_not_decode_is_pointed_at_not_asked_for() {
        use egui_kittest::kittest::Queryable;
        let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_eframe(|_cc| {
            crate::ui::app::TokenbenchApp::with_platform(
                Box::new(crate::ui::platform::FakePlatform::default()),
                crate::ui::app::Settings::default(),
            )
        });
        h.run();
        assert!(h.query_by_label("Decode a token to see whether it verifies.").is_some());
        h.state_mut().apply(vec![Command::SetToken("eyJhbGciOiJIUzI1NiJ9.e?30.AAAA".into())]);
        h.run();
        assert!(h.query_by_label("The token could not be decoded: see the error under the token.").is_some());
        assert!(h.query_by_label("Decode a token to see whether it verifies.").is_none());
    }

    #[test]
    fn long_key_names_are_cut_at_the_end_and_the_line_stays_in_the_panel() {
        use egui_kittest::kittest::{NodeT, Queryable};
        assert_eq!(elide("abcdef", 4), "abc…");
        assert_eq!(elide("abc", 4), "abc");
        let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(800.0, 480.0)).build_eframe(|_cc| {
            crate::ui::app::TokenbenchApp::with_platform(
                Box::new(crate::ui::platform::FakePlatform::default()),
                crate::ui::app::Settings::default(),
            )
        });
        // A key whose kid is a 43-character thumbprint verifies the token.
        let key =
            crate::core::engine::keys::load_secret(&[5u8; 32], crate::core::engine::keys::SecretEncoding::Raw, "k")
                .unwrap();
        let kid = key.thumbprint.clone();
        let header: crate::core::engine::token::JsonObject =
            serde_json::from_value(serde_json::json!({"kid": kid})).unwrap();
        let claims: crate::core::engine::token::JsonObject = serde_json::from_str(r#"{"exp":4102444800}"#).unwrap();
        let token = crate::core::engine::sign::sign(&header, &claims, "HS256", &key).unwrap();
        let jwk = crate::core::engine::sign::export(&key, crate::core::engine::sign::ExportFormat::Jwk, true).unwrap();
        let mut jwk: serde_json::Value = serde_json::from_str(&jwk).unwrap();
        jwk["kid"] = serde_json::Value::String(kid.clone());
        h.state_mut().apply(vec![Command::AddKeyText(jwk.to_string()), Command::SetToken(token)]);
        h.run();
        let line = h.get_by_label_contains("verifies the signature (selected by kid)");
        let node = line.accesskit_node();
        let text = node.label().or_else(|| node.value()).unwrap_or_default();
        assert!(text.contains(&format!("kid \"{}", &kid[..30])) && text.contains('…'), "{text}");
        let verify_left = h.get_by_label("Verify").rect().min.x;
        assert!(line.rect().min.x >= verify_left - 1.0, "starts inside the panel: {:?}", line.rect());
    }

    #[test]
    fn judged_at_follows_a_running_clock_second_by_second() {
        use egui_kittest::kittest::Queryable;
        let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_eframe(|_cc| {
            crate::ui::app::TokenbenchApp::with_platform(
                Box::new(crate::ui::platform::FakePlatform::default()),
                crate::ui::app::Settings::default(),
            )
        });
        let real = std::sync::Arc::new(std::sync::Mutex::new(1_800_000_000.0_f64));
        let source = std::sync::Arc::clone(&real);
        h.state_mut().state.clock = crate::core::engine::clock::Clock::with_source(move || *source.lock().unwrap());
        h.state_mut().apply(vec![
            Command::TryExample(0),
            Command::Clock(crate::ui::state::ClockCommand::Set(1_800_000_000.0)),
            Command::Clock(crate::ui::state::ClockCommand::Run(60.0)),
        ]);
        h.step();
        for real_seconds in [0.5, 1.0, 1.5] {
            *real.lock().unwrap() = 1_800_000_000.0 + real_seconds;
            h.step();
            let now = h.state().state.clock.now();
            let status = crate::core::engine::clock::format_utc(now);
            assert!(
                h.query_by_label(&format!("judged at {status} (simulated)")).is_some(),
                "the banner says {status}, as the status line does"
            );
        }
    }

    #[test]
    fn the_audience_field_takes_a_list_like_required() {
        use egui_kittest::kittest::Queryable;
        let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_eframe(|_cc| {
            crate::ui::app::TokenbenchApp::with_platform(
                Box::new(crate::ui::platform::FakePlatform::default()),
                crate::ui::app::Settings::default(),
            )
        });
        h.state_mut().apply(vec![Command::TryExample(0)]); // aud "s6BhdRkqt3"
        h.run();
        h.get_by_label("Policy: default (time claims only)").click();
        h.run();
        h.get_by_label("Audience").focus();
        h.run();
        h.get_by_label("Audience").type_text("other, s6BhdRkqt3");
        h.key_press(egui::Key::Enter);
        h.run();
        assert_eq!(h.state().state.policy.audience, ["other", "s6BhdRkqt3"]);
        let v = h.state().state.verification().cloned().unwrap();
        assert!(v.valid, "one of them is in aud: {}", v.summary());
        assert!(h.query_by_label_contains("audience includes \"s6BhdRkqt3\"").is_some());
    }

    #[test]
    fn required_claims_parse_from_commas_or_spaces_once_each() {
        assert_eq!(parse_claim_list("exp, sub"), ["exp", "sub"]);
        assert_eq!(parse_claim_list(" exp sub,,exp "), ["exp", "sub"]);
        assert!(parse_claim_list(" , ").is_empty());
    }

    #[test]
    fn the_policy_summary_names_what_is_set() {
        assert_eq!(policy_summary(&Policy::default()), "Policy: default (time claims only)");
        let p = Policy {
            issuer: Some("https://id".into()),
            audience: vec!["api".into()],
            algorithms: vec!["RS256".into(), "ES256".into(), "EdDSA".into()],
            ..Policy::default()
        };
        assert_eq!(policy_summary(&p), "Policy: iss, aud, 3 algorithms");
        let p = Policy { required_claims: vec!["exp".into()], leeway: 30, ..Policy::default() };
        assert_eq!(policy_summary(&p), "Policy: requires exp, leeway 30 s");
    }
    #[test]
    fn key_card_and_verdict_warnings_are_drawn_at_the_body_text_size() {
        use egui_kittest::kittest::Queryable;
        let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_eframe(|_cc| {
            crate::ui::app::TokenbenchApp::with_platform(
                Box::new(crate::ui::platform::FakePlatform::default()),
                crate::ui::app::Settings::default(),
            )
        });
        // A short HMAC secret: the key store warns on its card, the verifier in its verdict.
        let secret = "keyboard cat";
        let key = crate::core::engine::keys::load_secret(
            secret.as_bytes(),
            crate::core::engine::keys::SecretEncoding::Utf8,
            "s",
        )
        .unwrap();
        let claims: crate::core::engine::token::JsonObject = serde_json::from_str(r#"{"exp":4102444800}"#).unwrap();
        let token =
            crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
                .unwrap();
        h.state_mut().apply(vec![
            Command::SelectTab(crate::ui::state::Tab::Decode),
            Command::AddSecret { text: secret.into(), encoding: crate::core::engine::keys::SecretEncoding::Utf8 },
            Command::SetToken(token),
        ]);
        h.run();
        let state = &h.state().state;
        let card = state.keys.keys()[0].warnings.first().cloned().expect("the key store warns on a short secret");
        let verdict =
            state.verification().unwrap().shown_warnings().first().map(|w| (*w).to_owned()).expect("the verdict warns");
        let style = h.ctx.global_style();
        let body = egui::TextStyle::Body.resolve(&style);
        let small = egui::TextStyle::Small.resolve(&style);
        assert!(small.size < body.size, "the sizes tell apart");
        for text in [format!("Warning: {card}"), format!("warning  {verdict}")] {
            let node = h.get_by_label(&text);
            let rect = node.rect();
            // The label's height is its text laid out at the body size in its width, not smaller.
            let laid_out = |font: egui::FontId| {
                h.ctx.fonts_mut(|f| f.layout(text.clone(), font, egui::Color32::WHITE, rect.width() + 0.5).size().y)
            };
            let (at_body, at_small) = (laid_out(body.clone()), laid_out(small.clone()));
            assert!(
                (rect.height() - at_body).abs() < 0.5,
                "{text:?}: {} tall, {at_body} at the body size",
                rect.height()
            );
            assert!((rect.height() - at_small).abs() >= 0.5, "{text:?}: not the small size ({at_small})");
        }
    }
}
