//! The lab's table (each strategy at the clock's time) and what each strategy trades.

use crate::core::text::{exact_duration, short_duration};
use std::sync::Arc;

use egui::{RichText, Ui};

use crate::core::engine::clock::{UnixSeconds, format_utc};
use crate::core::labs::revocation::RevocationLab;
use crate::core::labs::revocation::{EventKind, Holder, Seconds, Simulation, Status, StrategyOutcome, simulate};
use crate::ui::theme::verdict_colour;

/// The narrowest and widest a status cell gets: long reasons wrap instead of widening the
/// table past the window; the table fits 800 px.
const STATUS_WIDTH: (f32, f32) = (120.0, 220.0);
/// Space between columns.
const COLUMN_GAP: f32 = 10.0;

/// The text of a status cell.
fn status_text(status: &Status) -> String {
    let word = if status.accepted { "accepted" } else { "refused" };
    format!("{word}: {}", status.reason)
}

/// An instant in the table: the time of day when it falls on the login's date, the month, day
/// and minute in the login's year, else the date (the hover gives it whole).
pub(super) fn table_time(t: Seconds, login: Seconds) -> String {
    let (full, day) = (format_utc(t as f64), format_utc(login as f64));
    if full.get(..10) == day.get(..10) {
        full.get(11..19).unwrap_or(&full).to_owned()
    } else if full.get(..4) == day.get(..4) {
        full.get(5..16).unwrap_or(&full).to_owned()
    } else {
        full.get(..10).unwrap_or(&full).to_owned()
    }
}

/// A holder's status at `now`, naming the access token for jwt-refresh.
fn status_of(o: &StrategyOutcome, now: UnixSeconds, holder: Holder) -> Status {
    let mut status = if holder == Holder::User { o.user_status(now) } else { o.subject_status(now) };
    if status.accepted
        && let Some(tok) = o.access_token_at(now, holder)
    {
        status.reason = access_token_reason(holder, tok.number, &table_time(tok.exp, o.login_at));
    }
    status
}

fn access_token_reason(holder: Holder, number: u64, exp: &str) -> String {
    let whose = if holder == Holder::User { "" } else { "attacker's " };
    format!("{whose}access token #{number} (exp {exp})")
}

/// Every text a holder's status cell can show over the whole scenario (the access tokens of a
/// long chain by their widest number and time), so a row can take the height of its tallest
/// one once and keep it while the clock moves.
fn possible_statuses(o: &StrategyOutcome, holder: Holder) -> Vec<String> {
    let (spans, refused) = if holder == Holder::User {
        (&o.user, vec![o.user_after.to_string(), "not signed in yet".to_owned()])
    } else {
        (&o.subject, vec![o.subject_after.to_string(), o.subject_before.to_string()])
    };
    let mut texts: Vec<String> = refused.into_iter().map(|r| format!("refused: {r}")).collect();
    texts.extend(spans.iter().map(|s| format!("accepted: {}", s.what)));
    let widest = o.chain.iter().filter(|r| r.holder == holder).map(|r| r.first_number + r.len()).max();
    if let Some(n) = widest {
        texts.push(format!("accepted: {}", access_token_reason(holder, n, "12-31 23:59:59")));
    }
    texts
}

/// A cell of a fixed size: its content laid out top-left, the row's height whatever it shows.
fn cell<R>(ui: &mut Ui, size: egui::Vec2, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.allocate_ui_with_layout(size, egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_min_size(size);
        add(ui)
    })
    .inner
}

fn text_width(ui: &Ui, text: RichText) -> f32 {
    let job = egui::WidgetText::from(text).into_layout_job(ui.style(), egui::FontSelection::Default, egui::Align::Min);
    ui.fonts_mut(|f| f.layout_job(std::sync::Arc::unwrap_or_clone(job))).size().x
}

fn wrapped_height(ui: &Ui, text: &str, width: f32) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    ui.fonts_mut(|f| f.layout(text.to_owned(), font, egui::Color32::WHITE, width)).size().y
}

/// Each strategy at the clock's time. Every column has one width and every row one height for
/// the whole scenario (from the widest and tallest text it can show), so moving the clock never
/// moves the table or what is below it; the status columns share what the window leaves.
/// The scenario run with each event in turn, the current one among them: the table takes the
/// widest and tallest of them all, so picking another event moves nothing below it. Kept
/// between frames while the scenario's other inputs stay the same.
fn every_event(ui: &Ui, sim: &Simulation) -> Arc<Vec<Simulation>> {
    let s = &sim.scenario;
    let key = (s.login_at, s.token_ttl, s.access_ttl, s.leeway, s.event.at, s.event.stolen_at);
    let id = egui::Id::unique("revocation-table-every-event");
    if let Some((k, sims)) = ui.data(|d| d.get_temp::<(KindlessKey, Arc<Vec<Simulation>>)>(id))
        && k == key
    {
        return sims;
    }
    let sims: Arc<Vec<Simulation>> = Arc::new(
        EventKind::ALL
            .into_iter()
            .map(|kind| {
                let mut other = s.clone();
                other.event.kind = kind;
                if kind == s.event.kind { sim.clone() } else { simulate(&other) }
            })
            .collect(),
    );
    ui.data_mut(|d| d.insert_temp(id, (key, Arc::clone(&sims))));
    sims
}

/// The widths of the columns that do not wrap (all but the two status columns): the widest of
/// their header and of what they show under every event.
fn fixed_widths(ui: &Ui, titles: &[String; 8], every: &[Simulation]) -> [f32; 6] {
    let width = |text: RichText| text_width(ui, text);
    let header = |i: usize| width(RichText::new(&titles[i]).strong());
    let column = |i: usize, cells: &mut dyn Iterator<Item = RichText>| cells.map(&width).fold(header(i), f32::max);
    let all = || every.iter().flat_map(|s| s.outcomes.iter());
    [
        column(0, &mut all().map(|o| RichText::new(o.strategy.name()).monospace().strong())),
        column(3, &mut all().map(|o| RichText::new(table_time(o.accepted_until, o.login_at)))),
        column(4, &mut all().map(|o| RichText::new(short_duration(o.exposure_seconds)).strong())),
        column(
            5,
            &mut all().map(|o| {
                let most = o.server_state_entries as usize;
                RichText::new(format!(
                    "{most} ({} B)",
                    most * o.record.as_ref().map_or(0, crate::core::labs::revocation::Record::bytes)
                ))
            }),
        ),
        column(6, &mut all().map(|o| RichText::new(o.lookups_per_request.to_string()))),
        column(7, &mut all().map(|o| RichText::new(o.server_state_entries.to_string()))),
    ]
}

/// What a scenario's table depends on besides its event.
type KindlessKey = (Seconds, Seconds, Seconds, Seconds, Seconds, Option<Seconds>);

/// Each strategy at the clock's time. Every column has one width and every row one height for
/// the whole scenario and every event it could have (from the widest and tallest text each can
/// show), so moving the clock or picking another event never moves the table or what is below
/// it; the status columns share what the window leaves.
pub(super) fn table(ui: &mut Ui, lab: &RevocationLab, now: UnixSeconds) {
    let dark = ui.visuals().dark_mode;
    let sim = lab.simulation();
    let every = every_event(ui, sim);
    let subject = sim.scenario.event.kind.subject();
    let titles: [String; 8] = [
        "Strategy".into(),
        "User now".into(),
        format!("{subject}\nnow"),
        "Accepted\nuntil".into(),
        "Exposure".into(),
        "Records\nnow".into(),
        "Lookups/\nrequest".into(),
        "Max\nrecords".into(),
    ];
    let outcomes = &sim.outcomes;
    let fixed = fixed_widths(ui, &titles, &every);
    let taken: f32 = fixed.iter().sum::<f32>() + 7.0 * COLUMN_GAP + ui.spacing().scroll.bar_width;
    let status_w = ((ui.available_width() - taken) / 2.0).clamp(STATUS_WIDTH.0, STATUS_WIDTH.1);
    let widths = [fixed[0], status_w, status_w, fixed[1], fixed[2], fixed[3], fixed[4], fixed[5]];
    let line = ui.text_style_height(&egui::TextStyle::Body);
    let header_h = 2.0 * line;
    egui::ScrollArea::horizontal().id_salt("revocation-table-scroll").show(ui, |ui| {
        let grid = egui::Grid::new("revocation-table").striped(true).num_columns(8).spacing([COLUMN_GAP, 4.0]);
        grid.show(ui, |ui| {
            for (title, w) in titles.iter().zip(widths) {
                // Headers never wrap: each keeps its two lines whatever the width.
                cell(ui, egui::vec2(w, header_h), |ui| {
                    ui.add(egui::Label::new(RichText::new(title).strong()).extend())
                });
            }
            ui.end_row();
            for (i, o) in outcomes.iter().enumerate() {
                let tallest = every
                    .iter()
                    .filter_map(|s| s.outcomes.get(i))
                    .flat_map(|o| [Holder::User, Holder::Other].map(|h| possible_statuses(o, h)))
                    .flatten()
                    .map(|t| wrapped_height(ui, &t, status_w))
                    .fold(line, f32::max);
                let size = |i: usize| egui::vec2(widths[i], tallest);
                cell(ui, size(0), |ui| {
                    ui.label(RichText::new(o.strategy.name()).monospace().strong()).on_hover_text(o.strategy.caption())
                });
                for (i, holder) in [(1, Holder::User), (2, Holder::Other)] {
                    let status = status_of(o, now, holder);
                    let colour = verdict_colour(Some(status.accepted), dark);
                    cell(ui, size(i), |ui| {
                        ui.add(egui::Label::new(RichText::new(status_text(&status)).color(colour)).wrap())
                    });
                }
                cell(ui, size(3), |ui| {
                    ui.label(table_time(o.accepted_until, o.login_at)).on_hover_text(format!(
                        "{} ({}), {} after the login",
                        format_utc(o.accepted_until as f64),
                        o.accepted_until,
                        exact_duration(o.accepted_until - o.login_at)
                    ))
                });
                let exposure = RichText::new(short_duration(o.exposure_seconds));
                let exposure = if o.exposure_seconds > 0 {
                    exposure.color(verdict_colour(Some(false), dark)).strong()
                } else {
                    exposure
                };
                cell(ui, size(4), |ui| {
                    ui.label(exposure).on_hover_text(format!(
                        "{} s ({})",
                        o.exposure_seconds,
                        exact_duration(o.exposure_seconds)
                    ))
                });
                let records = o.records_at(now);
                let bytes = o.bytes_at(now);
                let record_text = if records == 0 { "0".to_owned() } else { format!("{records} ({bytes} B)") };
                let hover = o.record.as_ref().map_or_else(
                    || "Nothing is stored".to_owned(),
                    |r| format!("One record: {} = {} ({} B)", r.key, r.value, r.bytes()),
                );
                cell(ui, size(5), |ui| ui.label(record_text).on_hover_text(hover));
                cell(ui, size(6), |ui| ui.label(o.lookups_per_request.to_string()));
                cell(ui, size(7), |ui| ui.label(o.server_state_entries.to_string()));
                ui.end_row();
            }
        });
    });
}

pub(super) fn trades(ui: &mut Ui, lab: &RevocationLab) {
    ui.label(RichText::new("What each strategy trades, and what it did here").strong());
    for o in &lab.simulation().outcomes {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("{}:", o.strategy.name())).monospace().strong());
            ui.label(o.strategy.caption());
            ui.weak(&o.summary);
        });
    }
    // jwt-denylist and jwt-version above: what their check costs beyond a lookup.
    crate::ui::widgets::prose(
        ui,
        crate::core::labs::revocation::SERVER_STATE_BACK,
        Some(ui.visuals().weak_text_color()),
    );
}
