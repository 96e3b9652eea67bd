//! The Compare tab, the first lab a learner sees: sessions and JWTs side by side on the nine
//! factors, every cell a figure the labs' models compute from the current token, keys and lab
//! settings ([`crate::core::labs::compare`]); "Show me" on every row opens the lab on the scenario that
//! demonstrates it; the three common misconceptions with the experiment that tests each; the
//! advisor, each reason linked to its row; and the report, to a Markdown file or the clipboard.
//!
//! [`CompareState`] is the tab's state; [`CompareState::handle`] its one transition function,
//! reached through `Command::Compare`. The comparison is computed again only when what it reads
//! changes (the token, keys, clock phase, the labs' settings or the measured costs): the
//! verification is measured once per token or key change, by the Flows lab, whose measurement
//! both tabs show.

use std::hash::{Hash, Hasher};
use std::sync::mpsc::{Receiver, TryRecvError};

use egui::{Align, Color32, Layout, RichText, Ui};

use crate::core::engine::keys::Key;
use crate::core::engine::token::{self, Token};
use crate::core::labs::compare::advise::{self, Advice, Answers, AppKind, Factor, Favours, Question};
use crate::core::labs::compare::report::{self, Report};
use crate::core::labs::compare::{self, Comparison, Inputs, Myth};
use crate::core::labs::flows::{self, FlowCommand, FlowScenario, FlowsLab, SessionVariant};
use crate::core::labs::revocation::EventKind;
use crate::core::labs::revocation::{RevocationCommand, RevocationLab};
use crate::core::labs::security::lab::{Section, SecurityCommand};
use crate::ui::platform::Platform;
use crate::ui::state::{AppState, Command, Level, Tab};
use crate::ui::theme::palette;

/// Flow runs up to this many users plus requests are compared on the UI thread (the fourteen
/// runs take a few milliseconds); larger ones in the background, so the window never freezes.
pub const INLINE_EVENTS: u64 = 50_000;

/// The margin inside each row's frame.
const ROW_MARGIN: i8 = 4;

/// The report's file name, as the save dialog suggests it.
pub const REPORT_FILE: &str = "sessions-vs-jwt.md";

/// Changes to the tab.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CompareCommand {
    /// Compute the comparison again from what is loaded and the labs' settings.
    Refresh,
    /// Replace the advisor's answers.
    SetAnswers(Answers),
    /// Highlight a factor's row and scroll to it.
    Highlight(Factor),
    /// Whether the report includes the token.
    IncludeToken(bool),
    /// Copy the report (Markdown) to the clipboard.
    CopyReport,
    /// Save the report to a Markdown file chosen by the user.
    SaveReport,
}

/// What the tab reads (and, for the JWT and its measured costs, asks of the Flows lab).
pub struct CompareContext<'a> {
    /// The decoded token, if any.
    pub token: Option<&'a Token>,
    /// The loaded keys.
    pub keys: &'a [Key],
    /// The clock's now.
    pub now: f64,
    /// The Flows lab: its JWT, its measured costs and its parameters.
    pub flows: &'a mut FlowsLab,
    /// The revocation lab: its scenario's access-ttl, leeway and at-scale inputs.
    pub revocation: &'a RevocationLab,
    /// The clipboard and the save dialog.
    pub platform: &'a mut dyn Platform,
}

/// The tab's state.
#[derive(Debug)]
pub struct CompareState {
    /// The advisor's answers.
    pub answers: Answers,
    /// The advice they give.
    pub advice: Advice,
    /// Whether the report includes the token (never keys or secrets).
    pub include_token: bool,
    /// The row a reason pointed at.
    pub highlight: Option<Factor>,
    /// Counts highlight requests: the view scrolls to the row when it changes.
    pub focus_serial: u64,
    /// The comparison, or why it could not be made.
    pub comparison: Option<Result<Comparison, String>>,
    /// The inputs the comparison was computed from ([`fingerprint`]).
    computed_for: Option<u64>,
    /// A comparison being computed in the background (large flow runs).
    job: Option<Receiver<Result<Comparison, String>>>,
}

impl Default for CompareState {
    fn default() -> Self {
        let answers = Answers::default();
        Self {
            answers,
            advice: advise::advise(&answers),
            include_token: false,
            highlight: None,
            focus_serial: 0,
            comparison: None,
            computed_for: None,
            job: None,
        }
    }
}

/// A fingerprint of everything the comparison reads. Cheap enough for every frame: the token
/// is hashed by [`flows::loaded_fingerprint`] (whole up to 64 KiB, else its ends).
#[must_use]
pub fn fingerprint(token: Option<&Token>, keys: &[Key], now: f64, flows: &FlowsLab, lab: &RevocationLab) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    flows::loaded_fingerprint(token, keys).hash(&mut h);
    let f = flows.params;
    (f.servers, f.users, f.requests, f.services, f.store_latency_ms.to_bits()).hash(&mut h);
    flows.measured.map(|m| (m.verify, m.lookup)).hash(&mut h);
    if let Some(c) = &flows.credential {
        // The signature differs between any two credentials.
        (c.len(), &c.token[c.token.len().saturating_sub(64)..]).hash(&mut h);
    }
    let s = lab.scenario();
    let scale = s.scale.unwrap_or_default();
    (s.access_ttl, s.leeway, s.token_ttl, s.login_at).hash(&mut h);
    (scale.users, scale.active_users, scale.requests_per_second.to_bits(), scale.revocations_per_day.to_bits())
        .hash(&mut h);
    // The audit judges time claims at the clock's now: its findings change only at exp (and
    // when iat stops being in the future).
    if let Some(c) = token.and_then(Token::claims) {
        let at = |name: &str| token::numeric_date(c, name).ok().flatten();
        (at("exp").map(|e| e <= now), at("iat").map(|i| i > now + crate::core::engine::audit::FUTURE_IAT_TOLERANCE))
            .hash(&mut h);
    }
    h.finish()
}

impl CompareState {
    /// True while a comparison is computed in the background.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Collects a comparison computed in the background. Called every frame.
    pub fn tick(&mut self) {
        let Some(rx) = &self.job else { return };
        let result = match rx.try_recv() {
            Ok(r) => r,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err("the comparison stopped unexpectedly".into()),
        };
        self.comparison = Some(result);
        self.job = None;
    }

    /// Whether the comparison was computed from these inputs.
    #[must_use]
    pub fn is_current(&self, fingerprint: u64) -> bool {
        self.computed_for == Some(fingerprint)
    }

    /// Applies one command; a status message when there is something to say.
    pub fn handle(&mut self, command: CompareCommand, cx: &mut CompareContext<'_>) -> Option<(Level, String)> {
        match command {
            CompareCommand::Refresh => {
                self.refresh(cx.token, cx.keys, cx.now, cx.flows, cx.revocation);
                None
            }
            CompareCommand::SetAnswers(a) => {
                self.answers = a;
                self.advice = advise::advise(&a);
                None
            }
            CompareCommand::Highlight(f) => {
                self.highlight = Some(f);
                self.focus_serial += 1;
                None
            }
            CompareCommand::IncludeToken(on) => {
                self.include_token = on;
                None
            }
            CompareCommand::CopyReport => {
                let text = match self.report(cx.token, cx.keys, cx.now, cx.flows, cx.revocation) {
                    Ok(t) => t,
                    Err(e) => return Some((Level::Error, e)),
                };
                Some(match cx.platform.write_clipboard(&text) {
                    Ok(()) => (Level::Info, format!("copied the report ({} lines of Markdown)", text.lines().count())),
                    Err(e) => (Level::Error, e.to_string()),
                })
            }
            CompareCommand::SaveReport => {
                let text = match self.report(cx.token, cx.keys, cx.now, cx.flows, cx.revocation) {
                    Ok(t) => t,
                    Err(e) => return Some((Level::Error, e)),
                };
                let Some(path) = cx.platform.save_file("Save the comparison", REPORT_FILE) else {
                    return Some(
                        match crate::ui::platform::nothing_picked(&*cx.platform, "use Copy the report instead") {
                            Ok(cancelled) => (Level::Info, cancelled),
                            Err(unavailable) => (Level::Error, unavailable.to_string()),
                        },
                    );
                };
                Some(match std::fs::write(&path, text) {
                    Ok(()) => (Level::Info, format!("saved {}", path.display())),
                    Err(e) => (Level::Error, format!("cannot save {}: {e}", path.display())),
                })
            }
        }
    }

    /// Computes the comparison from what is loaded, after making sure the Flows lab's JWT and
    /// its measured costs follow the loaded token and keys.
    fn refresh(&mut self, token: Option<&Token>, keys: &[Key], now: f64, flows: &mut FlowsLab, lab: &RevocationLab) {
        if !flows.is_current(token, keys) {
            flows.handle(FlowCommand::UseLoaded, token, keys, now);
        }
        self.computed_for = Some(fingerprint(token, keys, now, flows, lab));
        // A newer request replaces one still running (its result is dropped).
        self.job = None;
        let Some(credential) = &flows.credential else {
            let why = flows.message.clone().unwrap_or_else(|| "the Flows lab has no JWT to compare".into());
            self.comparison = Some(Err(why));
            return;
        };
        let flow = flows.params;
        if u64::from(flow.users) + flow.requests <= INLINE_EVENTS {
            self.comparison = Some(compare::compare(&Inputs {
                token,
                keys,
                now,
                credential,
                measured: flows.measured.as_ref(),
                flow,
                revocation: lab.scenario(),
            }));
            return;
        }
        let (token, keys, credential) = (token.cloned(), keys.to_vec(), credential.clone());
        let (measured, scenario) = (flows.measured, lab.scenario().clone());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let result = compare::compare(&Inputs {
                token: token.as_ref(),
                keys: &keys,
                now,
                credential: &credential,
                measured: measured.as_ref(),
                flow,
                revocation: &scenario,
            });
            // The window may have closed, or a newer comparison replaced this one.
            let _ = tx.send(result);
        });
        self.job = Some(rx);
    }

    /// The Markdown report on current figures.
    fn report(
        &mut self,
        token: Option<&Token>,
        keys: &[Key],
        now: f64,
        flows: &mut FlowsLab,
        lab: &RevocationLab,
    ) -> Result<String, String> {
        if !self.is_current(fingerprint(token, keys, now, flows, lab)) {
            self.refresh(token, keys, now, flows, lab);
        }
        if self.busy() {
            return Err(
                "the comparison is still being computed for the Flows lab's settings: try again in a moment".into()
            );
        }
        let comparison = match &self.comparison {
            Some(Ok(c)) => c,
            Some(Err(e)) => return Err(format!("no report: {e}")),
            None => return Err("no report: nothing compared yet".into()),
        };
        let credential = flows.credential.as_ref().map(|c| c.token.as_str());
        let shown = token.map(|t| t.text.as_str()).or(credential);
        Ok(report::markdown(&Report {
            comparison,
            answers: &self.answers,
            advice: &self.advice,
            keys,
            now,
            token: if self.include_token { shown } else { None },
        }))
    }
}

/// Commands that put the revocation lab on the token's lifetime with `event` right after issue
/// (the worst case every revocation figure of the tab counts, so the lab's jwt exposure is the
/// tab's): the decoded token's lifetime when the comparison is about it (0 s for one that is
/// never valid), else the typical token's as token-ttl; with a lifetime that cannot be told,
/// the lab's token-ttl, as the row says. A token no exp ends (none, or beyond the model's
/// range) is shown by the key rotation that ends it, the lab saying plainly why
/// ([`RevocationCommand::ShowEndlessToken`]): no lifetime is made up for it.
fn on_token_lifetime(c: &Comparison, event: EventKind) -> Vec<Command> {
    let lab = |r: RevocationCommand| Command::Revocation(r);
    if c.token.never_expires() {
        return vec![lab(RevocationCommand::ShowEndlessToken)];
    }
    // The typical token starts from the lab's own sample, so nothing of a token cleared since
    // (its login, its "no exp" note) stays in the lab.
    let mut out = if c.token.typical { vec![lab(RevocationCommand::LoadSample(0))] } else { Vec::new() };
    out.push(lab(RevocationCommand::SetEvent(event)));
    match (c.token.typical, c.token.lifetime_seconds) {
        (false, Some(_)) => out.push(lab(RevocationCommand::UseDecodedToken)),
        (true, Some(ttl)) => out.push(lab(RevocationCommand::SetTokenTtl(ttl))),
        (_, None) => {}
    }
    out.push(lab(RevocationCommand::SetEventOffset(0)));
    out
}

/// What "Show me" does for a row: open the lab that demonstrates it, on the scenario preset.
/// `typical_token` is the JWT the comparison used when no token is loaded (the Security tab's
/// audit needs one in the decoder).
#[must_use]
pub fn show_me(factor: Factor, c: &Comparison, token_loaded: bool, typical_token: Option<&str>) -> Vec<Command> {
    let flows = |s: FlowScenario| vec![Command::Flow(FlowCommand::Scenario(s)), Command::SelectTab(Tab::Flows)];
    let focused = |mut commands: Vec<Command>| {
        // Land at the top of the lab, where its controls and lanes are.
        commands.insert(commands.len() - 1, Command::Flow(FlowCommand::Focus));
        commands
    };
    // The revocation lab on the token's lifetime, a logout right after issue (the Revocation
    // row's run; the State and Storage rows' at-scale figures depend on the lifetime only).
    let revocation = |focus: RevocationCommand| {
        let mut out = on_token_lifetime(c, EventKind::Logout);
        out.push(Command::Revocation(focus));
        out.push(Command::SelectTab(Tab::Revocation));
        out
    };
    match factor {
        Factor::State | Factor::Storage => revocation(RevocationCommand::FocusAtScale),
        Factor::Revocation => revocation(RevocationCommand::FocusTop),
        // The row's run: server 0 dies halfway; the lanes stop at the first request that fails
        // for lack of its session, the same request served in the JWT lane.
        Factor::Scalability => focused(vec![
            Command::Flow(FlowCommand::Scenario(FlowScenario::Failover)),
            Command::Flow(FlowCommand::RunUntilFailure),
            Command::SelectTab(Tab::Flows),
        ]),
        Factor::RequestOverhead => focused(flows(FlowScenario::Overhead)),
        Factor::CrossDomain => focused(flows(FlowScenario::CrossDomain)),
        Factor::Mobile => focused(flows(FlowScenario::Mobile)),
        Factor::Microservices => focused(vec![
            Command::Flow(FlowCommand::Scenario(FlowScenario::Microservices)),
            Command::Flow(FlowCommand::Services(c.flow.fan_out())),
            Command::SelectTab(Tab::Flows),
        ]),
        Factor::Complexity => {
            let mut out = Vec::new();
            if let (false, Some(t)) = (token_loaded, typical_token) {
                out.push(Command::SetToken(t.to_owned()));
            }
            out.extend([
                Command::Security(SecurityCommand::Show(Section::Audit)),
                Command::Security(SecurityCommand::SetCookieText(compare::well_set_cookie())),
                Command::Security(SecurityCommand::AuditCookie),
                Command::SelectTab(Tab::Security),
            ]);
            out
        }
    }
}

/// What "Run it" does for a misconception: the lab preset on its experiment.
#[must_use]
pub fn run_it(myth: Myth, c: &Comparison) -> Vec<Command> {
    match myth {
        Myth::JwtMoreSecure => {
            let mut out = on_token_lifetime(c, EventKind::TokenStolen);
            if c.token.never_expires() {
                // The claim is that a stolen JWT keeps working: shown by a theft on the lab's
                // token-ttl (the lab's note says it is not the token's, and that only the key
                // rotation ends this one), never by the rotation, where every strategy reads 0 s.
                out.extend([
                    Command::Revocation(RevocationCommand::SetEvent(EventKind::TokenStolen)),
                    Command::Revocation(RevocationCommand::SetEventOffset(0)),
                ]);
            }
            out.push(Command::Revocation(RevocationCommand::FocusTop));
            out.push(Command::SelectTab(Tab::Revocation));
            out
        }
        // The experiment: a shared store, server 0 killed halfway under load, played to the end.
        Myth::SessionsDontScale => {
            let mut out = vec![
                Command::Flow(FlowCommand::Scenario(FlowScenario::Scalability)),
                Command::Flow(FlowCommand::Variant(SessionVariant::Shared)),
            ];
            if c.flow.servers < 2 {
                out.push(Command::Flow(FlowCommand::Servers(2)));
            }
            out.extend([
                Command::Flow(FlowCommand::RunToRequest(c.flow.requests / 2)),
                Command::Flow(FlowCommand::Kill(0)),
                Command::Flow(FlowCommand::RunToEnd),
                Command::Flow(FlowCommand::Focus),
                Command::SelectTab(Tab::Flows),
            ]);
            out
        }
        Myth::JwtAlwaysModern => vec![
            Command::Flow(FlowCommand::Scenario(FlowScenario::Revocation)),
            Command::Flow(FlowCommand::JwtRevocation(crate::core::labs::flows::Revocation::None)),
            Command::Flow(FlowCommand::Focus),
            Command::SelectTab(Tab::Flows),
        ],
    }
}

fn cmd(c: CompareCommand) -> Command {
    Command::Compare(c)
}

/// Draws the tab.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let cs = &state.compare;
    let fp = fingerprint(state.parsed(), state.keys.keys(), state.clock.now(), &state.flows, &state.revocation);
    let current = cs.is_current(fp) && !cs.busy();
    if !cs.is_current(fp) {
        out.push(cmd(CompareCommand::Refresh));
        // The new figures are drawn on the next frame.
        ui.ctx().request_repaint();
    }
    egui::ScrollArea::vertical().id_salt("compare-scroll").auto_shrink([false, false]).show(ui, |ui| {
        // Room for the scroll bar, which floats over the content's right edge.
        egui::Frame::new()
            .inner_margin(egui::Margin { right: 14, ..egui::Margin::ZERO })
            .show(ui, |ui| body(ui, state, current, out));
    });
}

/// `current`: the figures are those of the current token, keys and settings. Until they are,
/// Show me and Run it wait: they would open a lab on a token that is gone.
fn body(ui: &mut Ui, state: &AppState, current: bool, out: &mut Vec<Command>) {
    let cs = &state.compare;
    ui.heading("Compare and decide: sessions or JWTs?");
    ui.label(
        "Nine factors side by side, each figure computed now by the labs' models from your token, keys and lab \
         settings. \"Show me\" opens the lab on the scenario that demonstrates a row.",
    );
    match &cs.comparison {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Computing…");
            });
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("Nothing to compare: {e}"));
        }
        Some(Ok(c)) => {
            if cs.busy() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Computing the figures for the labs' new settings (large runs: in the background)…");
                });
            }
            inputs_line(ui, c, state.parsed().is_some());
            ui.add_space(6.0);
            ui.add_enabled_ui(current, |ui| {
                table(ui, c, state, out);
                ui.add_space(10.0);
                myths(ui, c, out);
            });
        }
    }
    ui.add_space(10.0);
    advisor(ui, cs, out);
    ui.add_space(10.0);
    report_row(ui, cs, out);
}

/// "1,000,000" for the Flows lab's counts.
fn count32(n: u32) -> String {
    compare::count(u64::from(n))
}

/// A duration in the shared human words, as the rows say them.
fn human_seconds(s: i64) -> String {
    crate::core::labs::revocation::lifetime_words(s as f64)
}

fn inputs_line(ui: &mut Ui, c: &Comparison, token_loaded: bool) {
    let t = &c.token;
    let lifetime = t.lifetime_text();
    // With a token loaded that cannot be used, the source says why the typical one stands in.
    let what = if t.typical && !token_loaded { "No token loaded: figures for " } else { "Figures for " };
    let bytes = compare::count(t.bytes as u64);
    ui.label(RichText::new(format!("{what}{} · {} · {bytes} B · {lifetime}", t.source, t.alg)).strong());
    let f = &c.flow;
    let fan_out =
        if f.services == 0 { format!("none (microservices row: {})", f.fan_out()) } else { count32(f.services) };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let revocations = c.scale.revocations_per_day.round().max(0.0) as u64;
    ui.label(
        RichText::new(format!(
            "Flows lab: {} servers, {} users, {} requests, fan-out {fan_out}, store round trip {} ms · Revocation \
             lab: {} signed in, {} revocations/day, leeway {}",
            count32(f.servers),
            count32(f.users),
            compare::count(f.requests),
            f.store_latency_ms,
            compare::count(c.scale.active_users),
            compare::count(revocations),
            human_seconds(c.leeway)
        ))
        .weak(),
    );
}

/// Column widths: factor, each side, the button. Derived from the width only, so nothing jumps.
fn widths(ui: &Ui) -> [f32; 3] {
    let spacing = ui.spacing().item_spacing.x;
    let w = ui.available_width();
    let factor = (w * 0.2).clamp(110.0, 220.0);
    let button = 74.0;
    let side = ((w - factor - button - 3.0 * spacing) / 2.0).max(120.0);
    [factor, side, button]
}

/// A fixed-width column whose text wraps.
fn column(ui: &mut Ui, width: f32, add: impl FnOnce(&mut Ui)) {
    ui.allocate_ui_with_layout(egui::vec2(width, 0.0), Layout::top_down(Align::Min), |ui| {
        ui.set_width(width);
        add(ui);
    });
}

fn table(ui: &mut Ui, c: &Comparison, state: &AppState, out: &mut Vec<Command>) {
    let cs = &state.compare;
    let [fw, sw, _] = widths(ui);
    // The same margin as the rows' frames, so the headings sit over their columns.
    egui::Frame::new().inner_margin(ROW_MARGIN).show(ui, |ui| {
        ui.horizontal_top(|ui| {
            column(ui, fw, |ui| {
                ui.label(RichText::new("Factor").strong());
            });
            column(ui, sw, |ui| {
                ui.label(RichText::new("Sessions (a cookie and a server record)").strong());
            });
            column(ui, sw, |ui| {
                ui.label(RichText::new("JWT (a signed, self-contained token)").strong());
            });
        });
    });
    let seen_id = egui::Id::unique("compare-focus-seen");
    let seen = ui.data(|d| d.get_temp::<u64>(seen_id)).unwrap_or(0);
    let typical = state.flows.credential.as_ref().map(|cr| cr.token.as_str());
    for (i, row) in c.rows.iter().enumerate() {
        let highlighted = cs.highlight == Some(row.factor);
        let visuals = ui.visuals();
        let fill = if highlighted {
            visuals.selection.bg_fill.gamma_multiply(0.25)
        } else if i % 2 == 0 {
            visuals.faint_bg_color
        } else {
            Color32::TRANSPARENT
        };
        // The same stroke width either way: highlighting must not move the row's content.
        let stroke = egui::Stroke::new(2.0, if highlighted { visuals.selection.bg_fill } else { Color32::TRANSPARENT });
        let shown =
            egui::Frame::new().fill(fill).stroke(stroke).inner_margin(ROW_MARGIN).corner_radius(4).show(ui, |ui| {
                ui.horizontal_top(|ui| {
                    column(ui, fw, |ui| {
                        ui.label(RichText::new(row.factor.title()).strong());
                        ui.label(RichText::new(row.caption).weak().small());
                    });
                    column(ui, sw, |ui| side_cell(ui, &row.sessions));
                    column(ui, sw, |ui| side_cell(ui, &row.jwt));
                    if ui.button("Show me").on_hover_text(show_me_hint(row.factor)).clicked() {
                        out.extend(show_me(row.factor, c, state.parsed().is_some(), typical));
                    }
                });
            });
        if highlighted && cs.focus_serial != seen {
            shown.response.scroll_to_me(Some(Align::Center));
            ui.data_mut(|d| d.insert_temp(seen_id, cs.focus_serial));
        }
    }
}

fn show_me_hint(factor: Factor) -> &'static str {
    match factor {
        Factor::State | Factor::Storage => "The revocation lab's at-scale view, on this token's lifetime",
        Factor::Revocation => {
            "The revocation lab: a logout right after login, on this token's lifetime (without exp: the signing key \
             rotated, the one thing that ends it)"
        }
        Factor::Scalability => {
            "The Flows lab: server 0 dies under load; watch the first request of its users fail with sticky \
             in-memory sessions while the JWT lane serves it"
        }
        Factor::RequestOverhead => "The Flows lab's request-overhead scenario",
        Factor::CrossDomain => "The Flows lab's cross-domain scenario",
        Factor::Mobile => "The Flows lab's mobile-client scenario",
        Factor::Microservices => "The Flows lab's microservices scenario, with this fan-out",
        Factor::Complexity => "The Security tab's audit of the token and of a well-set session cookie",
    }
}

fn side_cell(ui: &mut Ui, cell: &compare::Cell) {
    ui.label(&cell.text);
    ui.label(RichText::new(&cell.source).weak().small());
}

fn myths(ui: &mut Ui, c: &Comparison, out: &mut Vec<Command>) {
    ui.label(RichText::new("Three misconceptions, tested").heading());
    // Full width: the group frame adds its margin (6) and stroke outside the content.
    let frame = egui::Frame::group(ui.style());
    let inner = ui.available_width() - frame.total_margin().sum().x;
    for m in &c.myths {
        frame.show(ui, |ui| {
            ui.set_width(inner);
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("\u{201c}{}\u{201d}", m.claim)).strong());
                if ui.button(format!("Run it: {}", m.claim)).on_hover_text(m.experiment).clicked() {
                    out.extend(run_it(m.myth, c));
                }
            });
            ui.label(RichText::new(format!("Experiment: {}", m.experiment)).weak());
            ui.label(&m.result);
        });
    }
}

fn advisor(ui: &mut Ui, cs: &CompareState, out: &mut Vec<Command>) {
    ui.label(RichText::new("Advisor").heading());
    crate::ui::widgets::prose(
        ui,
        "Answer what you know about the system. The rule (in the README, and `tokenbench advise`): only reasons for \
         sessions, or none, give sessions; only reasons for JWT give JWT; both give a hybrid.",
        None,
    );
    // Questions beside the answer when there is room, so a change is seen where it is made.
    if ui.available_width() >= 900.0 {
        ui.columns(2, |cols| {
            questions(&mut cols[0], cs.answers, out);
            answer(&mut cols[1], &cs.advice, out);
        });
    } else {
        questions(ui, cs.answers, out);
        ui.add_space(4.0);
        answer(ui, &cs.advice, out);
    }
}

fn questions(ui: &mut Ui, a: Answers, out: &mut Vec<Command>) {
    ui.label(RichText::new("Kind of application").strong());
    ui.horizontal_wrapped(|ui| {
        if ui.radio(a.app.is_none(), "Not decided").clicked() {
            out.push(cmd(CompareCommand::SetAnswers(Answers { app: None, ..a })));
        }
        for kind in AppKind::ALL {
            if ui.radio(a.app == Some(kind), kind.label()).clicked() {
                out.push(cmd(CompareCommand::SetAnswers(Answers { app: Some(kind), ..a })));
            }
        }
    });
    ui.label(RichText::new("True of the system").strong());
    for q in Question::ALL {
        let mut on = a.get(q);
        if ui.checkbox(&mut on, q.label()).changed() {
            out.push(cmd(CompareCommand::SetAnswers(a.with(q, on))));
        }
    }
}

fn answer(ui: &mut Ui, advice: &Advice, out: &mut Vec<Command>) {
    let word = match advice.recommendation {
        advise::Recommendation::Sessions => "Sessions",
        advise::Recommendation::Jwt => "JWT",
        advise::Recommendation::Hybrid => "Hybrid",
    };
    ui.label(RichText::new(format!("Answer: {word}")).heading().strong());
    if advice.reasons.is_empty() {
        ui.label("No answer speaks for JWTs, so sessions: the simpler default.");
    }
    let p = palette(ui.visuals().dark_mode);
    for r in &advice.reasons {
        ui.horizontal_wrapped(|ui| {
            let (side, colour) = match r.favours {
                Favours::Sessions => ("for sessions", p.good),
                Favours::Jwt => ("for JWT", p.warn),
            };
            ui.label(RichText::new(side).strong().color(colour));
            if ui.link(format!("{} row", r.factor.title())).on_hover_text("Highlight the row above").clicked() {
                out.push(cmd(CompareCommand::Highlight(r.factor)));
            }
            ui.label(r.text);
        });
    }
    ui.label(RichText::new("Configuration").strong());
    for item in &advice.configuration {
        ui.horizontal_wrapped(|ui| {
            ui.label("•");
            ui.label(*item);
        });
    }
}

fn report_row(ui: &mut Ui, cs: &CompareState, out: &mut Vec<Command>) {
    ui.label(RichText::new("Report").heading());
    ui.horizontal_wrapped(|ui| {
        let mut include = cs.include_token;
        if ui
            .checkbox(&mut include, "Include the token in the report")
            .on_hover_text("Keys and secrets are never written: keys appear as their kind and public thumbprint")
            .changed()
        {
            out.push(cmd(CompareCommand::IncludeToken(include)));
        }
        if ui.button("Copy the report").on_hover_text("Markdown, to the clipboard").clicked() {
            out.push(cmd(CompareCommand::CopyReport));
        }
        if ui.button("Save the report…").on_hover_text("A Markdown file").clicked() {
            out.push(cmd(CompareCommand::SaveReport));
        }
    });
    ui.label(
        RichText::new(
            "The figures, the advice and what they were computed from, as Markdown. No token unless ticked; never a \
             key or a secret.",
        )
        .weak(),
    );
}

#[cfg(test)]
mod tests;
