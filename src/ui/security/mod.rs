//! The Security tab: the audit of the current token (and of a session cookie), weak-secret
//! cracking in the background with progress and cancel, the attack forgeries judged by our own
//! verifier, and the session risks stepped through.
//!
//! [`SecurityLab`] is the lab's state; [`SecurityLab::handle`] is its one transition function,
//! reached through `Command::Security`. [`ui`] only draws.

mod lab;

use std::sync::atomic::Ordering;

use egui::{Color32, RichText, Ui};

pub use lab::{
    CrackJob, CrackOutcome, ForgeView, LabContext, ScenarioKind, Section, SecurityCommand, SecurityEffect, SecurityLab,
};

use crate::core::engine::audit::{self, Finding, SameSite, Severity, human_duration};
use crate::core::engine::crack::{self, Rules, Target};
use crate::core::engine::forge::{self, Attack};
use crate::core::engine::token::{self, Token};
use crate::core::labs::security::session_risk::SessionLifetimes;
use crate::core::text::count;
use crate::ui::state::{AppState, Command};
use crate::ui::theme::verdict_colour;
use crate::ui::widgets::prose;

/// The token a frame draws from: the app's parsed token (parsed once per change, never per
/// frame), or one read out of a URL in the input.
fn frame_token(state: &AppState) -> Result<std::borrow::Cow<'_, Token>, String> {
    if let Some(t) = state.parsed() {
        return Ok(std::borrow::Cow::Borrowed(t));
    }
    match audit::token_from_url(&state.input) {
        Some((text, _)) => token::parse(&text).map(std::borrow::Cow::Owned).map_err(|e| e.to_string()),
        None => Err(match &state.token {
            Some(Err(e)) => e.to_string(),
            _ => "no token: paste one on the Decode tab (or a URL carrying one)".to_owned(),
        }),
    }
}

/// Wraps a lab command.
fn cmd(c: SecurityCommand) -> Command {
    Command::Security(c)
}

/// Draws the Security tab.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    // One scroll area for everything, header included: at 800x480 the centre is narrow.
    egui::ScrollArea::vertical().id_salt("security-scroll").auto_shrink([false, false]).show(ui, |ui| {
        ui.heading("Security lab");
        ui.label("JWT's attack surface and the session's, on your own token, each with its defence.");
        ui.horizontal_wrapped(|ui| {
            for s in Section::ALL {
                if ui.selectable_label(lab.section == s, s.label()).clicked() {
                    out.push(cmd(SecurityCommand::Show(s)));
                }
            }
        });
        ui.separator();
        match lab.section {
            Section::Audit => audit_ui(ui, state, out),
            Section::Crack => crack_ui(ui, state, out),
            Section::Forge => forge_ui(ui, state, out),
            Section::Sessions => sessions_ui(ui, state, out),
        }
    });
}

fn severity_colour(s: Severity, dark: bool) -> Color32 {
    match s {
        Severity::High => verdict_colour(Some(false), dark),
        Severity::Medium => verdict_colour(None, dark),
        Severity::Low => {
            if dark {
                Color32::from_rgb(0x4f, 0xc3, 0xf7)
            } else {
                Color32::from_rgb(0x00, 0x6f, 0xa8)
            }
        }
        Severity::Info => Color32::GRAY,
    }
}

fn findings_list(ui: &mut Ui, findings: &[Finding]) {
    let dark = ui.visuals().dark_mode;
    if findings.is_empty() {
        ui.colored_label(verdict_colour(Some(true), dark), "No findings.");
    }
    for f in findings {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(f.severity.name().to_uppercase()).strong().color(severity_colour(f.severity, dark)));
            ui.label(RichText::new(f.id).monospace().strong());
            prose(ui, &f.message, None);
            ui.label(RichText::new(f.reference).weak().small());
        });
    }
}

fn audit_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    ui.label(RichText::new("Token audit").strong());
    ui.label("Checks the token in the Decode tab (or a URL carrying one) and the loaded keys: unsigned or weakly keyed tokens, lifetimes, headers a naive verifier would follow, injection in kid, personal data in claims.");
    // The audit follows the token: a new token is judged as soon as this view shows it.
    let outdated = lab.audit.as_ref().is_none_or(|(text, _)| *text != state.input);
    if outdated && !state.input.trim().is_empty() {
        out.push(cmd(SecurityCommand::RunAudit));
    }
    if ui.button("Run the audit").on_hover_text("Again, e.g. after loading keys or moving the clock").clicked() {
        out.push(cmd(SecurityCommand::RunAudit));
    }
    match &lab.audit {
        None => {
            ui.label("Paste a token on the Decode tab (or a URL carrying one) to audit it.");
        }
        Some((_, Err(e))) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Some((_, Ok(findings))) => {
            let (verdict, exit) = if audit::any_failing(findings) {
                ("High or medium findings: ", "1")
            } else {
                ("Nothing high or medium: ", "0")
            };
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                ui.label(RichText::new(verdict).strong());
                ui.label(RichText::new("tokenbench audit").code());
                ui.label(RichText::new(format!(" would exit {exit}")).strong());
            });
            findings_list(ui, findings);
        }
    }
    if let Some((secret, _)) = lab.found_secret() {
        found_secret_row(ui, secret, out);
    }
    ui.add_space(8.0);
    ui.separator();
    ui.label(RichText::new("Session cookie audit").strong());
    ui.label("Paste a Set-Cookie header: its flags, lifetime and the session id's entropy.");
    let mut text = lab.cookie_text.clone();
    let label = ui.label("Set-Cookie header");
    if ui
        .add(egui::TextEdit::singleline(&mut text).desired_width(f32::INFINITY).code_editor())
        .labelled_by(label.id)
        .changed()
    {
        out.push(cmd(SecurityCommand::SetCookieText(text)));
    }
    if ui.button("Audit the cookie").clicked() {
        out.push(cmd(SecurityCommand::AuditCookie));
    }
    match &lab.cookie_audit {
        None => {}
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Some(Ok((cookie, findings))) => {
            ui.label(format!(
                "{:?}: HttpOnly {}, Secure {}, SameSite {:?}, kept for {}; value of {}, about {:.0} bits",
                cookie.name,
                yes_no(cookie.http_only),
                yes_no(cookie.secure),
                cookie.same_site,
                cookie.lifetime(state.clock.now()).map_or_else(|| "the browser session".into(), human_duration),
                count(cookie.value.chars().count(), "character", "characters"),
                audit::estimated_entropy_bits(&cookie.value)
            ));
            findings_list(ui, findings);
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn found_secret_row(ui: &mut Ui, secret: &[u8], out: &mut Vec<Command>) {
    let dark = ui.visuals().dark_mode;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("HIGH").strong().color(severity_colour(Severity::High, dark)));
            ui.label(RichText::new("weak-secret").monospace().strong());
            ui.label(format!(
                "the HMAC secret is {:?}: recovered from a wordlist, so anyone can mint tokens",
                crack::secret_display(secret)
            ));
            if ui.button("Add as a key").on_hover_text("Add the recovered secret to the key list").clicked() {
                out.push(cmd(SecurityCommand::AddFoundSecret));
            }
        });
    });
}

fn crack_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    ui.label(RichText::new("Weak-secret cracking").strong());
    ui.label("An HS256/384/512 token can be tested offline against any number of guesses: each guess costs a few SHA compressions. Pick a wordlist and watch the rate.");
    let target = frame_token(state).and_then(|t| Target::from_token(&t).map_err(|e| e.to_string()));
    match &target {
        Ok(t) => {
            ui.label(format!(
                "{}: signing input of {} bytes, {} compressions per guess (the key block, the message blocks, two outer blocks).",
                t.alg.name(),
                t.signing_input.len(),
                t.compressions_per_candidate()
            ));
        }
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Wordlist:");
        let name = lab.wordlist.as_ref().map_or_else(
            || format!("bundled ({} published default secrets)", crack::BUNDLED_WORDLIST.lines().count()),
            |p| p.display().to_string(),
        );
        ui.label(RichText::new(name).monospace());
        if ui.button("Choose a wordlist…").clicked() {
            out.push(cmd(SecurityCommand::ChooseWordlist));
        }
        if lab.wordlist.is_some() && ui.button("Use the bundled list").clicked() {
            out.push(cmd(SecurityCommand::SetWordlist(None)));
        }
    });
    ui.horizontal_wrapped(|ui| {
        let mut rules = lab.rules;
        if ui
            .checkbox(&mut rules, "Rules: case variants, digits 0-99, years")
            .on_hover_text(format!("Up to {} guesses per line", Rules::ALL.variants_per_line()))
            .changed()
        {
            out.push(cmd(SecurityCommand::SetRules(rules)));
        }
        let mut threads = lab.threads;
        let label = ui.label("Threads");
        if ui.add(egui::DragValue::new(&mut threads).range(1..=64)).labelled_by(label.id).changed() {
            out.push(cmd(SecurityCommand::SetThreads(threads)));
        }
    });
    match &lab.job {
        Some(job) => {
            let done = job.progress.bytes.load(Ordering::Relaxed);
            let n = job.progress.candidates.load(Ordering::Relaxed);
            let elapsed = job.started.elapsed();
            let fraction = if job.total_bytes == 0 { 0.0 } else { done as f32 / job.total_bytes as f32 };
            let rate = crack::rate_text(n, elapsed);
            let eta = crack::eta(elapsed, done, job.total_bytes)
                .map_or_else(|| "estimating…".to_owned(), |d| human_duration(d.as_secs_f64()));
            let read = format!("{:.0}% of the wordlist read", 100.0 * fraction.min(1.0));
            ui.add(egui::ProgressBar::new(fraction.min(1.0)).text(read));
            ui.label(format!(
                "{}, {rate} on {}; about {eta} left",
                count(n, "guess", "guesses"),
                count(job.threads, "thread", "threads")
            ));
            if ui.button("Cancel").clicked() {
                out.push(cmd(SecurityCommand::CancelCrack));
            }
        }
        None => {
            if ui.add_enabled(target.is_ok(), egui::Button::new("Start cracking")).clicked() {
                out.push(cmd(SecurityCommand::StartCrack));
            }
        }
    }
    if let Some(o) = &lab.outcome {
        crack_outcome_ui(ui, o, out);
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Defence: an HMAC secret of at least the hash size, from a CSPRNG (openssl rand -base64 32), never a word; or an asymmetric algorithm, so verifiers hold no signing key (RFC 8725 §3.5).").italics());
}

/// How the last crack ended: found (with the one-click key), cancelled (with how fast every
/// worker stopped) or not found.
fn crack_outcome_ui(ui: &mut Ui, o: &CrackOutcome, out: &mut Vec<Command>) {
    match &o.result {
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Ok(r) => {
            // A rate only when the run was long enough to measure one: a few guesses in
            // microseconds would show an absurd figure.
            let how = format!(
                "{} in {:.2} s: {} on {}",
                count(r.candidates, "guess", "guesses"),
                r.elapsed.as_secs_f64(),
                crack::rate_text(r.candidates, r.elapsed),
                count(o.threads, "thread", "threads")
            );
            match &r.secret {
                Some(secret) => {
                    ui.label(format!("Found: {how}."));
                    found_secret_row(ui, secret, out);
                }
                None if r.cancelled => {
                    let stop = o.stop_latency.map_or_else(String::new, |d| {
                        format!("; every worker stopped {} ms after Cancel", d.as_millis())
                    });
                    ui.label(format!("Cancelled: {how}{stop}."));
                }
                None => {
                    ui.label(format!("Not found: {how}. A secret that is not in a list still falls to a bigger list or rules unless it is 256 random bits."));
                }
            }
        }
    }
}

fn forge_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    ui.label(RichText::new("Attack forgeries").strong());
    ui.label("Each attack is built from the current token. The forged token is then judged by this workbench's verifier with your loaded keys and policy, beside what a vulnerable verifier would do.");
    ui.horizontal(|ui| {
        let label = ui.label("Claim changes");
        let mut text = lab.claim_changes.clone();
        if ui
            .add(egui::TextEdit::singleline(&mut text).hint_text("sub=admin, admin=true").desired_width(f32::INFINITY))
            .labelled_by(label.id)
            .on_hover_text("CLAIM=VALUE, comma-separated; VALUE as JSON when it parses, else a string")
            .changed()
        {
            out.push(cmd(SecurityCommand::SetClaimChanges(text)));
        }
    });
    ui.horizontal_wrapped(|ui| {
        for a in Attack::ALL {
            let open = lab.forged.as_ref().is_some_and(|(x, _)| *x == a);
            if ui.selectable_label(open, a.title()).clicked() {
                out.push(cmd(SecurityCommand::OpenAttack(a)));
            }
        }
    });
    let Some((attack, view)) = &lab.forged else {
        ui.label("Pick an attack.");
        return;
    };
    ui.separator();
    ui.label(RichText::new(attack.title()).heading());
    ui.label(attack.how());
    match view {
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Ok(v) => forge_view(ui, *attack, v, state, out),
    }
}

fn forge_view(ui: &mut Ui, attack: Attack, v: &ForgeView, state: &AppState, out: &mut Vec<Command>) {
    let dark = ui.visuals().dark_mode;
    if let Some(k) = &v.key_used {
        ui.label(format!("HMAC secret used: {k}."));
    }
    ui.add(egui::Label::new(RichText::new(&v.forged.token).monospace().small()).wrap());
    ui.horizontal_wrapped(|ui| {
        if ui.small_button("Copy forged token").clicked() {
            out.push(Command::Copy(v.forged.token.clone()));
        }
        if ui.small_button("Open it in Decode").on_hover_text("Replaces the current token").clicked() {
            out.push(Command::SetToken(v.forged.token.clone()));
            out.push(Command::SelectTab(crate::ui::state::Tab::Decode));
        }
    });
    ui.label(
        RichText::new(format!("Header: {}", serde_json::Value::Object(v.forged.header.clone()))).monospace().small(),
    );
    if let Some(jwks) = &v.forged.attacker_jwks {
        ui.label(RichText::new(format!("The attacker serves at {}: {jwks}", forge::ATTACKER_JKU)).monospace().small());
    }
    ui.add_space(4.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new("A vulnerable verifier").strong().color(verdict_colour(Some(false), dark)));
        ui.label(attack.vulnerable());
    });
    let ver = &v.verification;
    let rejected = !ver.valid;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let verdict = if rejected { "This workbench: REJECTED" } else { "This workbench: ACCEPTED" };
        ui.label(RichText::new(verdict).strong().color(verdict_colour(Some(rejected), dark)));
        // The same words as the verdict panel would give this token.
        let (title, detail) = (ver.title(), ver.detail());
        ui.label(RichText::new(title).strong());
        prose(ui, &detail, None);
        for w in &ver.warnings {
            ui.label(RichText::new(format!("warning: {w}")).small());
        }
        if state.keys.is_empty() {
            ui.label(
                RichText::new("No key is loaded: load the original token's key to see the real verdict.").italics(),
            );
        }
        ui.label(RichText::new(format!("Why: {}", attack.why_rejected())).strong());
    });
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new("Defence").strong());
        ui.label(attack.defence());
        ui.label(RichText::new(attack.reference()).weak().small());
    });
}

fn sessions_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    let now = state.clock.now();
    ui.label(RichText::new("Session risks").strong());
    ui.label("Sessions have a smaller attack surface than JWTs, but not none. Step through each attack; change the defences and watch the outcome change.");
    ui.horizontal_wrapped(|ui| {
        for (kind, label) in [
            (ScenarioKind::Fixation, "Session fixation"),
            (ScenarioKind::CookieTheft, "Stolen session cookie"),
            (ScenarioKind::JwtTheft, "Stolen JWT"),
        ] {
            if ui.selectable_label(lab.scenario == kind, label).clicked() {
                out.push(cmd(SecurityCommand::ShowScenario(kind)));
            }
        }
    });
    match lab.scenario {
        ScenarioKind::Fixation => {
            let mut on = lab.regenerate;
            if ui.checkbox(&mut on, "The server issues a new session id at login").changed() {
                out.push(cmd(SecurityCommand::SetRegenerate(on)));
            }
        }
        ScenarioKind::CookieTheft => {
            ui.horizontal_wrapped(|ui| {
                let mut f = lab.flags;
                let mut changed = ui.checkbox(&mut f.http_only, "HttpOnly").changed();
                changed |= ui.checkbox(&mut f.secure, "Secure").changed();
                for (s, name) in [
                    (SameSite::Unset, "SameSite unset"),
                    (SameSite::None, "None"),
                    (SameSite::Lax, "Lax"),
                    (SameSite::Strict, "Strict"),
                ] {
                    if ui.radio(f.same_site == s, name).clicked() {
                        f.same_site = s;
                        changed = true;
                    }
                }
                if changed {
                    out.push(cmd(SecurityCommand::SetCookieFlags(f)));
                }
            });
        }
        ScenarioKind::JwtTheft => {}
    }
    let token = frame_token(state).ok();
    let (lifetimes, source) = lab.lifetimes(token.as_deref(), now);
    ui.horizontal_wrapped(|ui| {
        let (mut idle, mut absolute) = (lab.timeouts.0 / 60.0, lab.timeouts.1 / 3600.0);
        let l1 = ui.label("Session idle timeout (min)");
        let a = ui.add(egui::DragValue::new(&mut idle).range(1.0..=1440.0).speed(1.0)).labelled_by(l1.id);
        let l2 = ui.label("absolute limit (h)");
        let b = ui.add(egui::DragValue::new(&mut absolute).range(0.1..=720.0).speed(0.1)).labelled_by(l2.id);
        if a.changed() || b.changed() {
            out.push(cmd(SecurityCommand::SetSessionTimeouts(idle * 60.0, absolute * 3600.0)));
        }
        ui.label(
            RichText::new(format!("JWT lifetime left: {} ({source})", lifetime_text(lifetimes.jwt_remaining))).weak(),
        );
    });
    let scenario = lab.current_scenario(token.as_deref(), now);
    ui.separator();
    ui.label(RichText::new(&scenario.title).heading());
    let shown = lab.step.min(scenario.steps.len());
    let dark = ui.visuals().dark_mode;
    for (i, s) in scenario.steps.iter().take(shown).enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("{}.", i + 1)).monospace());
            ui.label(RichText::new(s.actor.name()).strong());
            let text = match s.attacker_gains {
                Some(gain) => RichText::new(&s.text).color(verdict_colour(Some(!gain), dark)),
                None => RichText::new(&s.text),
            };
            ui.add(egui::Label::new(text).wrap());
        });
    }
    ui.horizontal_wrapped(|ui| {
        if ui.add_enabled(shown > 1, egui::Button::new("Previous step")).clicked() {
            out.push(cmd(SecurityCommand::StepTo(shown - 1)));
        }
        if ui.add_enabled(shown < scenario.steps.len(), egui::Button::new("Next step")).clicked() {
            out.push(cmd(SecurityCommand::StepTo(shown + 1)));
        }
        if ui.add_enabled(shown < scenario.steps.len(), egui::Button::new("Show all steps")).clicked() {
            out.push(cmd(SecurityCommand::StepTo(scenario.steps.len())));
        }
        ui.label(format!("step {shown} of {}", scenario.steps.len()));
    });
    if shown >= scenario.steps.len() {
        let colour = verdict_colour(Some(!scenario.attacker_wins), dark);
        ui.colored_label(colour, RichText::new(&scenario.verdict).strong());
        ui.label(RichText::new(format!("Defence: {}", scenario.defence)).italics());
    }
    ui.add_space(6.0);
    usefulness_chart(ui, &lifetimes);
}

fn lifetime_text(s: f64) -> String {
    if s.is_infinite() { "until the key is rotated (no exp)".into() } else { human_duration(s) }
}

/// Bars: how long a stolen session cookie and a stolen JWT stay useful (log scale: minutes and
/// years share the chart).
fn usefulness_chart(ui: &mut Ui, l: &SessionLifetimes) {
    ui.label(RichText::new("How long a stolen credential stays useful").strong());
    ui.label(RichText::new("Log scale, from the lifetimes above.").weak().small());
    let session = l.stolen_session_useful_for();
    let jwt = l.stolen_jwt_useful_for();
    let scale = |s: f64| (1.0 + s.min(10.0 * 365.0 * 86_400.0)).log10();
    let longest = scale(session).max(scale(jwt)).max(1.0);
    let dark = ui.visuals().dark_mode;
    let rows = [
        ("Session cookie, victim logs out", 0.0, "0 s (deleted on the server)".to_owned()),
        ("Session cookie, never logged out", session, lifetime_text(session)),
        ("JWT, logout or not", jwt, lifetime_text(jwt)),
    ];
    for (label, secs, text) in rows {
        ui.horizontal_wrapped(|ui| {
            ui.label(label);
            ui.label(RichText::new(text).strong());
        });
        let (rect, _) = ui.allocate_exact_size(egui::vec2(ui.available_width(), 12.0), egui::Sense::hover());
        #[allow(clippy::cast_possible_truncation)]
        let frac = (scale(secs) / longest).clamp(0.0, 1.0) as f32;
        let filled = egui::Rect::from_min_size(rect.min, egui::vec2(rect.width() * frac, rect.height()));
        ui.painter().rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
        ui.painter().rect_filled(filled, 2.0, verdict_colour(Some(secs <= 0.0), dark));
        ui.add_space(2.0);
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use crate::ui::app::{Settings, Tab, TokenbenchApp};
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
        run_until(&mut h, |a| {
            a.state
                .security
                .job
                .as_ref()
                .is_some_and(|j| j.progress.candidates.load(std::sync::atomic::Ordering::Relaxed) > 1000)
        });
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
        assert_eq!(
            keys[0].material,
            crate::core::engine::keys::KeyMaterial::Oct { k: secret.to_vec() },
            "the exact bytes"
        );
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
        for cookie in [
            "aaaaaaaaaa\u{20ac}=1",
            "Set-Cookie: s\u{202e}id\n=\u{9b}; Expires=\u{1b}]0;x; Max-Age=99999999999999999999",
        ] {
            state.handle(Command::Security(super::SecurityCommand::SetCookieText(cookie.into())), &mut p);
            state.handle(Command::Security(super::SecurityCommand::AuditCookie), &mut p);
            assert!(matches!(state.security.cookie_audit, Some(Ok(_))), "{cookie}");
        }
        state.handle(Command::SetToken("https://app.example/cb?code=x".into()), &mut p);
        state.handle(Command::Security(super::SecurityCommand::RunAudit), &mut p);
        let audit = state.security.audit.as_ref().unwrap().1.as_ref();
        assert!(audit.is_err_and(|e| e.contains("no JWT found in this URL")), "{audit:?}");
        let header = crate::core::engine::token::encode_b64url(br#"{"alg":"HS\u001b\u009b","kid":["..\u202e"]}"#);
        state.handle(Command::SetToken(format!("{header}.e30.AAAA")), &mut p);
        state.handle(Command::Security(super::SecurityCommand::RunAudit), &mut p);
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
        let big =
            crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
                .unwrap();
        let mut state = crate::ui::state::AppState::default();
        let mut p = FakePlatform::default();
        state.handle(Command::SetToken(big), &mut p);
        state.handle(Command::Security(super::SecurityCommand::RunAudit), &mut p);
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
        for c in [
            super::SecurityCommand::SetWordlist(Some(path.clone())),
            super::SecurityCommand::SetRules(true),
            super::SecurityCommand::StartCrack,
        ] {
            state.handle(Command::Security(c), &mut p);
        }
        let progress = std::sync::Arc::clone(&state.security.job.as_ref().unwrap().progress);
        state.handle(Command::SetToken(crate::ui::state::SAMPLES[1].1.trim().to_owned()), &mut p);
        assert!(state.security.job.is_none() && state.security.outcome.is_none());
        assert!(progress.cancel.load(std::sync::atomic::Ordering::Relaxed), "the worker was told to stop");
        // Setting the very token the crack attacks keeps it running.
        state.handle(Command::LoadSample(2), &mut p);
        state.handle(Command::Security(super::SecurityCommand::StartCrack), &mut p);
        state.handle(Command::LoadSample(2), &mut p);
        assert!(state.security.busy(), "the same token: nothing to clear");
        state.handle(Command::Security(super::SecurityCommand::CancelCrack), &mut p);
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
        assert!(h.query_by_label("Log scale, from the lifetimes above.").is_some());
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
        h.get_by_label("The server issues a new session id at login").click();
        h.run();
        assert!(h.query_by_label_contains("step 1 of").is_some(), "a change starts over");
        h.get_by_label("Show all steps").click();
        h.run();
        assert!(h.query_by_label_contains("Blocked").is_some());
        h.get_by_label("Stolen JWT").click();
        h.run();
        h.get_by_label("Show all steps").click();
        h.run();
        assert!(h.query_by_label_contains("logout does not end a JWT").is_some());
    }
}
