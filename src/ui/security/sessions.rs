//! The Security tab's Session risks view: a scenario stepped through with its defences, the
//! lifetimes it runs on and how long each stolen credential stays useful; every figure from
//! [`crate::core::labs::security::session_risk`], as `tokenbench simulate session-risk` prints it.

use egui::{RichText, Ui};

use super::{cmd, frame_token};
use crate::core::engine::audit::SameSite;
use crate::core::labs::security::lab::SecurityCommand;
use crate::core::labs::security::session_risk::{self, RiskScenario, ScenarioKind};
use crate::ui::state::{AppState, Command};
use crate::ui::theme::verdict_colour;

/// What the stolen-JWT scenario shows in the defences' row: it has no switch there.
pub const NO_JWT_DEFENCE_TOGGLE: &str =
    "No switch to try here: whoever holds a bearer JWT is its user until exp; the lifetime below is what limits it.";

pub(super) fn sessions_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    let now = state.clock.now();
    ui.label(RichText::new("Session risks").strong());
    ui.label("Sessions have a smaller attack surface than JWTs, but not none. Step through each attack; change the defences and watch the outcome change.");
    ui.horizontal_wrapped(|ui| {
        for kind in ScenarioKind::ALL {
            if ui.selectable_label(lab.scenario == kind, kind.label()).clicked() {
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
        ScenarioKind::JwtTheft => {
            // The row the other scenarios' defences take, kept: the step buttons below stay put
            // when the scenario changes.
            ui.horizontal(|ui| {
                ui.set_min_height(ui.spacing().interact_size.y);
                ui.label(RichText::new(NO_JWT_DEFENCE_TOGGLE).weak());
            });
        }
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
            RichText::new(format!(
                "JWT lifetime left: {} ({source})",
                session_risk::lifetime_text(lifetimes.jwt_remaining)
            ))
            .weak(),
        );
    });
    let scenario = lab.current_scenario(token.as_deref(), now);
    ui.separator();
    ui.label(RichText::new(&scenario.title).heading());
    let shown = lab.step.min(scenario.steps.len());
    let dark = ui.visuals().dark_mode;
    // The buttons above the steps: the list grows with every step, and a button below it would
    // move down a line each time (repeated clicks would miss).
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
    if shown >= scenario.steps.len() {
        let colour = verdict_colour(Some(!scenario.attacker_wins), dark);
        ui.colored_label(colour, RichText::new(&scenario.verdict).strong());
        ui.label(RichText::new(format!("Defence: {}", scenario.defence)).italics());
    }
    ui.add_space(6.0);
    usefulness_chart(ui, &scenario);
}

/// The longest time the bars draw, seconds (ten years): every page's bars share this one scale,
/// so a 7 min bar is shorter than an 8 h one wherever each is drawn.
const CHART_END: f64 = 10.0 * 365.0 * 86_400.0;

/// Bars: how long this walk-through's stolen credential stays useful, with and without a logout
/// (log scale from 1 s to ten years, the same on every page); blocked is 0, as the verdict says.
fn usefulness_chart(ui: &mut Ui, scenario: &RiskScenario) {
    ui.label(RichText::new("How long a stolen credential stays useful").strong());
    ui.label(
        RichText::new("This walk-through's outcome, on the lifetimes above (log scale: 1 s to 10 years, every page).")
            .weak()
            .small(),
    );
    let rows = session_risk::usefulness(scenario);
    let scale = |s: f64| (1.0 + s.min(CHART_END)).log10();
    let longest = scale(CHART_END);
    let dark = ui.visuals().dark_mode;
    for row in rows {
        let secs = row.seconds;
        ui.horizontal_wrapped(|ui| {
            ui.label(row.label);
            ui.label(RichText::new(row.text).strong());
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
