//! The Compare tab, the first lab a learner sees: sessions and JWTs side by side on the nine
//! factors, every cell a figure the labs' models compute from the current token, keys and lab
//! settings ([`crate::core::labs::compare`]); "Show me" on every row opens the lab on the scenario that
//! demonstrates it ([`crate::core::labs::compare::demo`]); the three common misconceptions with
//! the experiment that tests each; the advisor, each reason linked to its row; and the report.
//!
//! Draws [`CompareLab`] and emits its commands; the lab's state and rules are in
//! [`crate::core::labs::compare::lab`], and the router keeps the figures current
//! ([`AppState::tick`]).

use crate::core::text::{lifetime_words, thousands};
use egui::{Align, Color32, Layout, RichText, Ui};

use crate::core::labs::compare::advise::{self, Advice, Answers, AppKind, Factor, Favours, Question};
use crate::core::labs::compare::demo::{self, DemoStep};
use crate::core::labs::compare::lab::{CompareCommand, CompareLab};
use crate::core::labs::compare::{self, Comparison};
use crate::core::labs::fit::{FitCommand, FitPage};
use crate::core::labs::security::surface::SurfaceItem;
use crate::ui::state::{AppState, Command};
use crate::ui::theme::palette;

/// The margin inside each row's frame.
const ROW_MARGIN: i8 = 4;

fn cmd(c: CompareCommand) -> Command {
    Command::Compare(c)
}

/// The commands of a demonstration plan.
fn plan(steps: Vec<DemoStep>, out: &mut Vec<Command>) {
    out.extend(steps.into_iter().map(Command::from));
}

/// Draws the tab of `state`: its figures are current when they were computed from the inputs
/// of this frame ([`AppState::facts`]).
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.compare;
    let shown = Shown {
        current: lab.is_current(state.facts.compare_inputs) && !lab.busy(),
        token_loaded: state.parsed().is_some(),
        typical_token: state.flows.credential.as_ref().map(|c| c.token.as_str()),
    };
    panel(ui, lab, shown, out);
}

/// What the panel needs to know besides the lab.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    /// The figures are those of the current token, keys and settings. Until they are, Show me
    /// and Run it wait: they would open a lab on a token that is gone.
    pub current: bool,
    /// A token is loaded (else the figures are the typical token's).
    pub token_loaded: bool,
    /// The JWT the comparison used when no token is loaded (the audit's demonstration loads it).
    pub typical_token: Option<&'a str>,
}

/// Draws `lab`.
pub fn panel(ui: &mut Ui, lab: &CompareLab, shown: Shown<'_>, out: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("compare-scroll").auto_shrink([false, false]).show(ui, |ui| {
        // Room for the scroll bar, which floats over the content's right edge.
        egui::Frame::new()
            .inner_margin(egui::Margin { right: 14, ..egui::Margin::ZERO })
            .show(ui, |ui| body(ui, lab, shown, out));
    });
}

fn body(ui: &mut Ui, cs: &CompareLab, shown: Shown<'_>, out: &mut Vec<Command>) {
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
            inputs_line(ui, c, shown.token_loaded);
            ui.add_space(6.0);
            ui.add_enabled_ui(shown.current, |ui| {
                table(ui, c, cs, shown, out);
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

fn inputs_line(ui: &mut Ui, c: &Comparison, token_loaded: bool) {
    let t = &c.token;
    let lifetime = t.lifetime_text();
    // With a token loaded that cannot be used, the source says why the typical one stands in.
    let what = if t.typical && !token_loaded { "No token loaded: figures for " } else { "Figures for " };
    let bytes = thousands(t.bytes as u64);
    ui.label(RichText::new(format!("{what}{} · {} · {bytes} B · {lifetime}", t.source, t.alg)).strong());
    let f = &c.flow;
    let fan_out = if f.services == 0 {
        format!("none (microservices row: {})", f.fan_out())
    } else {
        thousands(u64::from(f.services))
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let revocations = c.scale.revocations_per_day.round().max(0.0) as u64;
    ui.label(
        RichText::new(format!(
            "Flows lab: {} servers, {} users, {} requests, fan-out {fan_out}, store round trip {} ms · Revocation \
             lab: {} signed in, {} revocations/day, leeway {}",
            thousands(u64::from(f.servers)),
            thousands(u64::from(f.users)),
            thousands(f.requests),
            f.store_latency_ms,
            thousands(c.scale.active_users),
            thousands(revocations),
            lifetime_words(c.leeway as f64)
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

fn table(ui: &mut Ui, c: &Comparison, cs: &CompareLab, shown: Shown<'_>, out: &mut Vec<Command>) {
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
    ui.label(
        RichText::new(
            "Each row's picture: sessions' bar above JWT's, to one scale; a bar running past its end has no end, a \
             dashed box no figure. Hover it for the figures.",
        )
        .weak()
        .small(),
    );
    let seen_id = egui::Id::unique("compare-focus-seen");
    let seen = ui.data(|d| d.get_temp::<u64>(seen_id)).unwrap_or(0);
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
                        pictures::show(ui, row);
                    });
                    let complexity = row.factor == Factor::Complexity;
                    column(ui, sw, |ui| {
                        side_cell(ui, &row.sessions);
                        if complexity {
                            surface_items(ui, &c.surface.sessions, shown, out);
                        }
                    });
                    column(ui, sw, |ui| {
                        side_cell(ui, &row.jwt);
                        if complexity {
                            surface_items(ui, &c.surface.jwt, shown, out);
                        }
                    });
                    if ui.button("Show me").on_hover_text(show_me_hint(row.factor)).clicked() {
                        plan(demo::show_me(row.factor, c, shown.token_loaded, shown.typical_token), out);
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
            "The Flows lab's failover on the row's settings: server 0 dies, the shared store survives it, then the \
             store goes down from the request the row states and both the session lane and the JWT's denylist \
             fail the rest (pick sticky sessions to see a server's death lose its users)"
        }
        Factor::RequestOverhead => "The Flows lab's request-overhead scenario",
        Factor::CrossDomain => "The Flows lab's cross-domain scenario",
        Factor::Mobile => "The Flows lab's mobile-client scenario",
        Factor::Microservices => "The Flows lab's microservices scenario, with this fan-out",
        Factor::Complexity => {
            "The Security tab's audit of the token and of a well-set session cookie; each risk and pitfall links to \
             its own demonstration"
        }
    }
}

/// The Complexity row's risks or pitfalls: whether each applies, why, and a link to its
/// demonstration in the Security lab.
fn surface_items(ui: &mut Ui, items: &[SurfaceItem], shown: Shown<'_>, out: &mut Vec<Command>) {
    let p = palette(ui.visuals().dark_mode);
    for item in items {
        ui.horizontal_wrapped(|ui| {
            let (word, colour) = if item.applies { ("applies", p.warn) } else { ("does not apply", p.good) };
            ui.label(RichText::new(item.name).strong());
            ui.label(RichText::new(word).color(colour));
            if ui.link(item.demo.place()).on_hover_text("Open this demonstration in the Security lab").clicked() {
                plan(demo::security_demo(item.demo, shown.token_loaded, shown.typical_token), out);
            }
        });
        ui.label(RichText::new(&item.reason).weak().small());
    }
}

fn side_cell(ui: &mut Ui, cell: &compare::Cell) {
    ui.label(&cell.text);
    ui.label(RichText::new(&cell.source).weak().small());
}

/// The link from a misconception's defaults line to the page listing them in full.
pub const DEFAULTS_LINK: &str = "Open Which fits: Framework defaults";

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
                    plan(demo::run_it(m.myth, c), out);
                }
            });
            if let Some(context) = &m.context {
                ui.label(context);
                // On a line of its own: a link wrapped after the sentence would split in two.
                if ui.link(DEFAULTS_LINK).clicked() {
                    out.push(Command::SelectTab(crate::ui::state::Tab::Fit));
                    out.push(Command::Fit(FitCommand::Page(FitPage::Defaults)));
                }
            }
            ui.label(RichText::new(format!("Experiment: {}", m.experiment)).weak());
            ui.label(&m.result);
        });
    }
}

fn advisor(ui: &mut Ui, cs: &CompareLab, out: &mut Vec<Command>) {
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
            crate::ui::widgets::left_aligned(&mut cols[0], |ui| questions(ui, cs.answers, out));
            crate::ui::widgets::left_aligned(&mut cols[1], |ui| answer(ui, &cs.advice, out));
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

fn report_row(ui: &mut Ui, cs: &CompareLab, out: &mut Vec<Command>) {
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

mod pictures;
#[cfg(test)]
mod story_tests;
#[cfg(test)]
mod tests;
