//! The lab's controls: the scenario, the event and its instant, the lifetimes, the clock
//! shortcuts, and the user's own tokens.

use crate::core::text::{exact_duration, short_duration};
use egui::{RichText, Ui};

use super::lab_cmd;
use super::lanes::default_view;
use crate::core::engine::clock::{UnixSeconds, format_relative, format_utc};
use crate::core::engine::timeline::TokenTimeline;
use crate::core::engine::token;
use crate::core::labs::revocation::{EventKind, MAX_TIME, RevocationScenario, SAMPLES, Seconds};
use crate::core::labs::revocation::{RevocationCommand, RevocationLab};
use crate::ui::state::{AppState, ClockCommand, Command};
use crate::ui::theme::verdict_colour;
use crate::ui::timeline::{TokenPlotLabels, token_timeline};

fn seconds_field(
    ui: &mut Ui,
    label: &str,
    value: Seconds,
    range: std::ops::RangeInclusive<Seconds>,
    enabled: bool,
) -> Option<Seconds> {
    let mut v = value;
    // As wide as the largest value any field takes (twice the model's longest time: an event
    // after the longest lifetime), so typing or dragging never moves what follows.
    let font = egui::TextStyle::Button.resolve(ui.style());
    let widest =
        ui.fonts_mut(|f| f.layout_no_wrap(format!("{} s", 2 * MAX_TIME), font, egui::Color32::PLACEHOLDER).size().x);
    // Set on this row itself, not in a child: a child Ui in a wrapping row wraps inside itself
    // and runs past the window's edge.
    let old = ui.spacing().interact_size.x;
    ui.spacing_mut().interact_size.x = widest + 2.0 * ui.spacing().button_padding.x;
    let response = ui.add_enabled(enabled, egui::DragValue::new(&mut v).range(range).suffix(" s").speed(1.0));
    ui.spacing_mut().interact_size.x = old;
    let response = response.on_hover_text(format!("{label}: {} ({value} s)", exact_duration(value)));
    response.changed().then_some(v)
}

/// A duration in words beside its field, in a fixed width (cut, whole on hover), so the
/// controls after it stay put as the value changes.
fn duration_note(ui: &mut Ui, seconds: Seconds) {
    let size = egui::vec2(DURATION_WIDTH, ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(size, egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.set_min_size(size);
        ui.set_max_width(DURATION_WIDTH);
        ui.add(egui::Label::new(RichText::new(format!("({})", short_duration(seconds))).weak()).truncate());
    });
}

/// The width kept for a duration in words ("(1 h 30 min)"), points.
const DURATION_WIDTH: f32 = 96.0;

pub(super) fn controls(ui: &mut Ui, lab: &RevocationLab, state: &AppState, now: UnixSeconds, out: &mut Vec<Command>) {
    let s = lab.scenario();
    scenario_row(ui, s, out);
    event_row(ui, s, out);
    lifetimes_row(ui, s, out);
    if let Some(note) = lab.endless_note() {
        // The token never expires (or beyond the model): said before any figure is read.
        let dark = ui.visuals().dark_mode;
        ui.label(RichText::new(note).color(verdict_colour(Some(false), dark)));
    }
    // Two lines whatever the event says, so picking another never moves the table and the
    // timeline below.
    crate::ui::widgets::reserved_label(ui, RichText::new(s.event.kind.caption()).italics(), 2);
    let at = s.event.at as f64;
    let when = if now < at { "The event is" } else { "The event happened" };
    ui.weak(format!("{when} {} ({}).", format_relative(at, now), format_utc(at)));
    let (lo, hi) = default_view(lab.simulation());
    // One line whether or not the clock is outside the scenario, so the warning appearing while
    // the now line is dragged never moves the table and the timeline under the pointer.
    let outside = if now < lo || now > hi {
        "The clock is outside this scenario: press \"Replay from login\", or \"Start at the clock's time\" to move \
         the scenario to it."
    } else {
        ""
    };
    let dark = ui.visuals().dark_mode;
    // Shown whole on hover when cut (egui's tooltip for an elided label).
    ui.add(egui::Label::new(RichText::new(outside).color(verdict_colour(None, dark))).truncate());
    egui::CollapsingHeader::new("Use your own tokens")
        .id_salt("own-tokens")
        .show(ui, |ui| own_tokens(ui, lab, state, out));
}

/// The scenario dropdown's width, points.
const SCENARIO_WIDTH: f32 = 260.0;

fn scenario_row(ui: &mut Ui, s: &RevocationScenario, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Scenario");
        // Cut to a fixed width (an edited scenario's name grows): the buttons after it stay put.
        let size = egui::vec2(SCENARIO_WIDTH, ui.spacing().interact_size.y);
        ui.allocate_ui_with_layout(size, egui::Layout::left_to_right(egui::Align::Center), |ui| {
            ui.set_max_width(SCENARIO_WIDTH);
            egui::ComboBox::from_id_salt("scenario-samples")
                // A scenario file's name may hold control or bidi characters: shown escaped.
                .selected_text(if s.name.is_empty() {
                    "(custom)".to_owned()
                } else {
                    crate::core::text::visible(&s.name).into_owned()
                })
                .width(SCENARIO_WIDTH)
                .wrap_mode(egui::TextWrapMode::Truncate)
                .show_ui(ui, |ui| {
                    for (i, (_, text)) in SAMPLES.iter().enumerate() {
                        let name = RevocationScenario::from_json(text).map(|x| x.name).unwrap_or_default();
                        if ui.selectable_label(s.name == name, name).clicked() {
                            out.push(lab_cmd(RevocationCommand::LoadSample(i)));
                        }
                    }
                })
                .response
                .on_hover_text(format!(
                    "{}: the sample scenarios (assets/scenarios)",
                    crate::core::text::visible(&s.name)
                ));
        });
        if ui.button("Open scenario…").on_hover_text("Load a scenario JSON file").clicked() {
            out.push(lab_cmd(RevocationCommand::OpenScenario));
        }
        if ui.button("Save scenario…").on_hover_text("Save this scenario as JSON, for the CLI").clicked() {
            out.push(lab_cmd(RevocationCommand::SaveScenario));
        }
    });
}

fn event_row(ui: &mut Ui, s: &RevocationScenario, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Event");
        // As wide as the longest title, so picking another event never moves what follows.
        let font = egui::TextStyle::Button.resolve(ui.style());
        let widest = EventKind::ALL
            .iter()
            .map(|k| {
                ui.fonts_mut(|f| {
                    f.layout_no_wrap(k.title().to_owned(), font.clone(), egui::Color32::PLACEHOLDER).size().x
                })
            })
            .fold(0.0, f32::max);
        egui::ComboBox::from_id_salt("event-kind")
            .width(widest + ui.spacing().icon_width + ui.spacing().item_spacing.x + 2.0 * ui.spacing().button_padding.x)
            .selected_text(s.event.kind.title())
            .show_ui(ui, |ui| {
                for kind in EventKind::ALL {
                    if ui.selectable_label(s.event.kind == kind, kind.title()).clicked() {
                        out.push(lab_cmd(RevocationCommand::SetEvent(kind)));
                    }
                }
            })
            .response
            .on_hover_text("What happens at the event's instant");
        ui.label("at login +");
        if let Some(v) =
            seconds_field(ui, "The event, after the login", s.event.at - s.login_at, 0..=2 * MAX_TIME, true)
        {
            out.push(lab_cmd(RevocationCommand::SetEventOffset(v)));
        }
        duration_note(ui, s.event.at - s.login_at);
        if ui.button("Make it happen now").on_hover_text("Move the event to the clock's time").clicked() {
            out.push(lab_cmd(RevocationCommand::EventNow));
        }
        // Always there (greyed out when the event has no theft), so the row keeps its shape.
        let theft = s.event.kind.has_theft();
        let why = "Only a theft (token stolen, refresh token reused) has a stolen-at";
        ui.add_enabled(theft, egui::Label::new("stolen at login +")).on_disabled_hover_text(why);
        let stolen = s.stolen_at() - s.login_at;
        let range = 0..=s.event.at - s.login_at;
        if let Some(v) = seconds_field(ui, "The theft, after the login", stolen, range, theft) {
            out.push(lab_cmd(RevocationCommand::SetStolenOffset(v)));
        }
    });
}

fn lifetimes_row(ui: &mut Ui, s: &RevocationScenario, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("token-ttl");
        if let Some(v) = seconds_field(ui, "token-ttl", s.token_ttl, 0..=MAX_TIME, true) {
            out.push(lab_cmd(RevocationCommand::SetTokenTtl(v)));
        }
        ui.label("access-ttl");
        if let Some(v) = seconds_field(ui, "access-ttl", s.access_ttl, 0..=s.token_ttl, true) {
            out.push(lab_cmd(RevocationCommand::SetAccessTtl(v)));
        }
        ui.label("leeway");
        if let Some(v) = seconds_field(ui, "leeway", s.leeway, 0..=MAX_TIME, true) {
            out.push(lab_cmd(RevocationCommand::SetLeeway(v)));
        }
        let login = s.login_at as f64;
        ui.label(format!("login {}", format_utc(login)));
        if ui.button("Start at the clock's time").on_hover_text("Move the login to the clock's time").clicked() {
            out.push(lab_cmd(RevocationCommand::StartNow));
        }
        if ui
            .button("Replay from login")
            .on_hover_text("Set the clock to a minute before the login and run it x60")
            .clicked()
        {
            out.push(Command::Clock(ClockCommand::Set(login - 60.0)));
            out.push(Command::Clock(ClockCommand::Run(60.0)));
        }
    });
}

fn own_tokens(ui: &mut Ui, lab: &RevocationLab, state: &AppState, out: &mut Vec<Command>) {
    ui.label(
        "The decoded token sets the login (its nbf or iat) and its lifetime; with a refresh token too, the decoded \
         token is the access token (access-ttl) and the refresh token's exp sets token-ttl.",
    );
    let now = state.clock.now();
    let leeway = u64::try_from(lab.scenario().leeway).unwrap_or(0);
    match state.parsed().and_then(|t| TokenTimeline::from_token(t, leeway)) {
        Some(access) => {
            let labels = TokenPlotLabels {
                verdict: "Decoded token's time claims",
                fit: "Fit the decoded token",
                now: "Show now (decoded)",
            };
            let verdict = state.verification().map(|v| v.valid);
            token_timeline(ui, egui::Id::unique("lab-access-timeline"), &labels, &access, now, verdict, out);
        }
        None => {
            ui.weak("No decoded token with readable claims (Decode tab).");
        }
    }
    if ui.button("Use the decoded token").clicked() {
        out.push(lab_cmd(RevocationCommand::UseDecodedToken));
    }
    let mut text = lab.refresh_text.clone();
    let label = ui.label("Refresh token (a JWT)");
    let edit = ui
        .add(egui::TextEdit::singleline(&mut text).hint_text("eyJ… with an exp").desired_width(f32::INFINITY))
        .labelled_by(label.id);
    if edit.changed() {
        out.push(lab_cmd(RevocationCommand::SetRefreshToken(text)));
    }
    let refresh = token::parse(lab.refresh_text.trim()).ok().and_then(|t| TokenTimeline::from_token(&t, leeway));
    if let Some(refresh) = refresh {
        let labels = TokenPlotLabels {
            verdict: "Refresh token's time claims",
            fit: "Fit the refresh token",
            now: "Show now (refresh)",
        };
        token_timeline(ui, egui::Id::unique("lab-refresh-timeline"), &labels, &refresh, now, None, out);
    }
    if ui.button("Use the decoded token and this refresh token").clicked() {
        out.push(lab_cmd(RevocationCommand::UseTokenPair));
    }
}
