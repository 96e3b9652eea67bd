//! The flows lab's view: the scenario bar and captions, parameters, play controls, the server
//! strip, the two lanes (sequence diagram, event line, totals), the bar chart of totals, the
//! scalability sweep (its cost plots in `cost_plots.rs`) and the equivalent CLI commands. Draws
//! [`FlowsLab`]; changes nothing itself.

use std::time::Duration;

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Corner, Legend, Line, LineStyle, Plot};

use super::{SPEEDS, diagram};
use crate::core::engine::token::Part;
use crate::core::labs::flows::lab::{
    FailoverVariant, FlowCommand, FlowScenario, FlowsLab, Lane, MAX_REQUESTS, MAX_SERVERS, MAX_SERVICES,
    MAX_STORE_LATENCY_MS, MAX_USERS, SWEEP_LIMIT, SessionVariant, SweepPoint, revocation_delay_text,
};
use crate::core::labs::flows::sequence;
use crate::core::labs::flows::{RequestOutcome, Revocation, Step, Store, Totals};
use crate::core::text::{human_bytes, measured_duration};
use crate::ui::plot_fit::fit_on_change;
use crate::ui::state::{AppState, Command};
use crate::ui::theme::part_colour;

fn emit(out: &mut Vec<Command>, c: FlowCommand) {
    out.push(Command::Flow(c));
}

/// Draws the lab of `state` (whose JWT follows the loaded token: [`AppState::tick`]).
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    panel(ui, &state.flows, state.revocation.scenario().token_ttl, out);
}

/// Draws `lab`. `fallback_ttl` is the revocation lab's token-ttl, the lifetime of a token
/// whose own cannot be told.
pub fn panel(ui: &mut Ui, lab: &FlowsLab, fallback_ttl: i64, out: &mut Vec<Command>) {
    // In a short window the captions and parameters fold, so the lanes' diagrams show whole.
    let compact = ui.available_height() < COMPACT_BELOW;
    // A request to show the top (from the Compare tab) scrolls there once.
    let seen_id = egui::Id::unique("flows-focus-seen");
    let mut scroll = egui::ScrollArea::vertical().id_salt("flows-scroll").auto_shrink([false, false]);
    if ui.data(|d| d.get_temp::<u64>(seen_id)).unwrap_or(0) != lab.focus {
        scroll = scroll.vertical_scroll_offset(0.0);
        ui.data_mut(|d| d.insert_temp(seen_id, lab.focus));
    }
    scroll.show(ui, |ui| {
        // The scenario bar and the playback controls come first, at the same place for every
        // scenario (what differs between scenarios, their captions and options, comes after).
        scenario_bar(ui, lab, out);
        controls_row(ui, lab, out);
        servers_row(ui, lab, out);
        if compact {
            egui::CollapsingHeader::new("About this scenario")
                .id_salt("flows-about")
                .default_open(false)
                .show(ui, |ui| captions(ui, lab));
            egui::CollapsingHeader::new("Parameters")
                .id_salt("flows-params")
                .default_open(false)
                .show(ui, |ui| params_row(ui, lab, out));
        } else {
            captions(ui, lab);
            params_row(ui, lab, out);
        }
        credential_line(ui, lab);
        ui.add_space(4.0);
        lanes(ui, lab, fallback_ttl);
        ui.add_space(6.0);
        chart(ui, lab);
        if lab.scenario == FlowScenario::Scalability {
            sweep_plot(ui, lab);
        }
        cli_lines(ui, lab, out);
    });
    // The animation advances by the real time since the last frame: frames come only when the
    // view changes (flows::next_frame_in, scheduled by the app), so egui's stable_dt, a
    // per-frame prediction, would not be it.
    let last_id = egui::Id::unique("flows-last-advance");
    if lab.playing {
        let time = ui.input(|i| i.time);
        let dt = ui.data(|d| d.get_temp::<f64>(last_id)).map_or(0.0, |last| time - last);
        ui.data_mut(|d| d.insert_temp(last_id, time));
        #[allow(clippy::cast_possible_truncation)]
        emit(out, FlowCommand::Advance(dt.clamp(0.0, 1.0) as f32));
    } else {
        ui.data_mut(|d| d.remove::<f64>(last_id));
    }
}

/// The play button's two labels.
const PLAY: &str = "Play lanes";
const PAUSE: &str = "Pause lanes";

/// Below this height the captions and parameters start folded.
const COMPACT_BELOW: f32 = 600.0;

fn scenario_bar(ui: &mut Ui, lab: &FlowsLab, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Scenario").strong());
        for s in FlowScenario::ALL {
            if ui
                .selectable_label(lab.scenario == s, s.label())
                .on_hover_text(s.caption()[0].replace('`', ""))
                .clicked()
            {
                emit(out, FlowCommand::Scenario(s));
            }
        }
    });
}

fn captions(ui: &mut Ui, lab: &FlowsLab) {
    let weak = ui.visuals().weak_text_color();
    for line in lab.scenario.caption() {
        // `simulate flow` and the like in monospace, without backticks.
        crate::ui::widgets::prose(ui, line, Some(weak));
    }
}

/// A labelled drag value that emits a command when changed.
fn number<T: egui::emath::Numeric>(
    ui: &mut Ui,
    name: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
    hint: &str,
) -> Option<T> {
    let label = ui.label(name);
    let mut v = value;
    // Whole numbers move by at least one per step, so arrow keys and accessibility increments work.
    let speed = if T::INTEGRAL { 1.0 + value.to_f64() / 50.0 } else { 0.1 };
    // A measured store round trip (the Live tab's) can be a fraction of a microsecond: shown
    // to the nanosecond rather than rounded to 0.001 ms.
    let decimals = if T::INTEGRAL { 0 } else { 6 };
    let r = ui
        .add(egui::DragValue::new(&mut v).range(range).speed(speed).max_decimals(decimals))
        .labelled_by(label.id)
        .on_hover_text(hint);
    (r.changed() && v != value).then_some(v)
}

fn params_row(ui: &mut Ui, lab: &FlowsLab, out: &mut Vec<Command>) {
    let p = lab.params;
    ui.horizontal_wrapped(|ui| {
        let min_servers = lab.scenario.min_servers();
        if let Some(v) = number(
            ui,
            "Servers at start",
            p.servers,
            min_servers..=MAX_SERVERS,
            "App servers when the lanes start (N); Add a server and clicks on the strip change the running topology",
        ) {
            emit(out, FlowCommand::Servers(v));
        }
        if let Some(v) = number(ui, "Users", p.users, 1..=MAX_USERS, "Users, all logged in first (U)") {
            emit(out, FlowCommand::Users(v));
        }
        if let Some(v) = number(ui, "Requests", p.requests, 1..=MAX_REQUESTS, "Requests after the logins (R)") {
            emit(out, FlowCommand::Requests(v));
        }
        if let Some(v) = number(ui, "Fan-out", p.services, 0..=MAX_SERVICES, "Services each request calls (M)") {
            emit(out, FlowCommand::Services(v));
        }
        if let Some(v) = number(
            ui,
            "Store latency (ms)",
            p.store_latency_ms,
            0.0..=MAX_STORE_LATENCY_MS,
            "Network round trip to a remote store",
        ) {
            emit(out, FlowCommand::StoreLatency(v));
        }
    });
    // The scenario's own options on a row of their own.
    ui.horizontal_wrapped(|ui| match lab.scenario {
        FlowScenario::Scalability => {
            ui.label("Session lane:");
            for v in SessionVariant::ALL {
                if ui.radio(lab.variant == v, v.label()).clicked() {
                    emit(out, FlowCommand::Variant(v));
                }
            }
        }
        FlowScenario::Revocation => {
            jwt_check(ui, lab, out);
            ui.separator();
            store_down(ui, lab, out);
        }
        FlowScenario::Failover => {
            ui.label("Session lane:");
            for v in FailoverVariant::ALL {
                if ui.radio(lab.failover_variant == v, v.label()).clicked() {
                    emit(out, FlowCommand::FailoverVariant(v));
                }
            }
            ui.separator();
            jwt_check(ui, lab, out);
            ui.separator();
            store_down(ui, lab, out);
        }
        _ => {}
    });
    let weak = ui.visuals().weak_text_color();
    if let Some(room) = lab.option_note_room() {
        // The longest note these options can make keeps its rows whatever is ticked: the
        // lanes below never move when the store goes down or a check is picked.
        let font = egui::TextStyle::Body.resolve(ui.style());
        let width = ui.available_width();
        let rows = ui.fonts_mut(|f| f.layout(room, font, weak, width)).rows.len();
        let hint = if lab.scenario == FlowScenario::Failover { FAILOVER_HINT } else { REVOCATION_HINT };
        let note = lab.option_note().unwrap_or_else(|| hint.to_owned());
        crate::ui::widgets::reserved_label(ui, RichText::new(note).color(weak), rows);
    } else if let Some(note) = lab.option_note() {
        crate::ui::widgets::prose(ui, &note, Some(weak));
    }
}

/// What the options' room says before an option is on, in the failover and revocation scenarios.
const FAILOVER_HINT: &str =
    "Tick \"Store down from request\" (with the shared store or a JWT check) to see what depending on the store costs.";
const REVOCATION_HINT: &str = "Pick a JWT check (denylist or version) to see what it brings back to the server.";

fn jwt_check(ui: &mut Ui, lab: &FlowsLab, out: &mut Vec<Command>) {
    ui.label("JWT check:");
    for r in Revocation::ALL {
        if ui.radio(lab.revocation == *r, r.name()).clicked() {
            emit(out, FlowCommand::JwtRevocation(*r));
        }
    }
}

/// "Store down from request I": a checkbox and the request it goes down before.
fn store_down(ui: &mut Ui, lab: &FlowsLab, out: &mut Vec<Command>) {
    let last = lab.params.requests.saturating_sub(1);
    let mut down = lab.store_down.is_some();
    let hint = "The shared store (or the JWT's revocation store) stops answering from this request to the end";
    if ui.checkbox(&mut down, "Store down from request").on_hover_text(hint).changed() {
        emit(out, FlowCommand::StoreDown(down.then_some(lab.store_down.unwrap_or(lab.params.requests * 3 / 4))));
    }
    if let Some(at) = lab.store_down {
        let mut v = at;
        let r = ui.add(egui::DragValue::new(&mut v).range(0..=last).speed(1.0 + at as f64 / 50.0)).on_hover_text(hint);
        if r.changed() && v != at {
            emit(out, FlowCommand::StoreDown(Some(v)));
        }
    }
}

fn controls_row(ui: &mut Ui, lab: &FlowsLab, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        // One width for Play and Pause, so Step and the rest never move when it toggles.
        let text_width = |t: &str| {
            let font = egui::TextStyle::Button.resolve(ui.style());
            ui.painter().layout_no_wrap(t.to_owned(), font, egui::Color32::WHITE).size().x
        };
        let toggle = egui::vec2(text_width(PLAY).max(text_width(PAUSE)) + 2.0 * ui.spacing().button_padding.x, 0.0);
        if lab.playing {
            if ui.add(egui::Button::new(PAUSE).min_size(toggle)).clicked() {
                emit(out, FlowCommand::Pause);
            }
        } else if ui
            .add(egui::Button::new(PLAY).min_size(toggle))
            .on_hover_text("Animate the events, message by message")
            .clicked()
        {
            emit(out, FlowCommand::Play);
        }
        if ui.button("Step").on_hover_text("Show the next event whole").clicked() {
            emit(out, FlowCommand::Step);
        }
        for (speed, label) in SPEEDS {
            if ui.selectable_label((lab.speed - speed).abs() < f32::EPSILON, label).clicked() {
                emit(out, FlowCommand::Speed(speed));
            }
        }
        if ui.button("Run to end").on_hover_text("Play every remaining event at once").clicked() {
            emit(out, FlowCommand::RunToEnd);
        }
        if ui.button("Restart").clicked() {
            emit(out, FlowCommand::Restart);
        }
        let f = &lab.lanes[0].flow;
        let total = u64::from(f.config().users) + f.requests_done() + f.events_left();
        let done = u64::from(f.logins_done()) + f.requests_done();
        // Counts padded to their totals' digits, in monospace, on one line: the counter is as
        // wide at the first event as at the last, so nothing below it moves as it counts.
        let (users, requests) = (f.config().users, f.config().requests);
        let (lw, rw) = (users.to_string().len(), requests.to_string().len());
        let counter =
            format!("logins {:>lw$}/{users} · requests {:>rw$}/{requests}", f.logins_done(), f.requests_done());
        ui.add(egui::Label::new(RichText::new(counter).monospace()).wrap_mode(egui::TextWrapMode::Extend))
            .on_hover_text(format!("{done} of about {total} events played"));
    });
    if let Some(m) = &lab.message {
        ui.colored_label(ui.visuals().error_fg_color, m);
    }
}

fn servers_row(ui: &mut Ui, lab: &FlowsLab, out: &mut Vec<Command>) {
    let server_of = |l: &Lane| match l.shown.as_ref().map(|(s, _)| *s) {
        Some(Step::Login { server, .. } | Step::Logout { server, .. }) => Some(server),
        Some(Step::Request(r)) => Some(r.server),
        _ => None,
    };
    let highlight = diagram::Highlight { left: server_of(&lab.lanes[0]), right: server_of(&lab.lanes[1]) };
    let local = lab.lanes.iter().find(|l| l.cfg.has_sessions() && l.cfg.store == Store::Local).map(|l| &l.flow);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Servers").strong()).on_hover_text("Click a server to kill it in both lanes");
        if ui.small_button("Add a server").clicked() {
            emit(out, FlowCommand::AddServer);
        }
        let flow = &lab.lanes[0].flow;
        let (alive, count, start) = (flow.alive_servers().len(), flow.server_count(), flow.config().servers);
        let added = count.saturating_sub(start);
        let text = if added > 0 {
            format!("{alive} up of {count} ({start} at start, {added} added)")
        } else {
            format!("{alive} up of {count}")
        };
        ui.label(RichText::new(text).weak());
        if let Some(s) = diagram::servers(ui, &lab.lanes[0].flow, local, highlight) {
            emit(out, FlowCommand::Kill(s));
        }
    });
}

fn credential_line(ui: &mut Ui, lab: &FlowsLab) {
    let Some(c) = &lab.credential else {
        ui.label(RichText::new("Measuring the JWT…").weak());
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("JWT:").strong());
        ui.label(format!("{}, {} bytes, {}", c.source.describe(), c.len(), c.alg))
            .on_hover_text("Load a token and its key (Decode tab) and the lanes carry yours");
        if let Some(m) = &lab.measured {
            let sign =
                m.sign.map_or_else(|| "sign: no private key".to_owned(), |s| format!("sign {}", measured_duration(s)));
            ui.label(RichText::new(format!(
                "· measured here: verify {} · {sign} · store lookup {}",
                measured_duration(m.verify),
                measured_duration(m.lookup)
            )))
            .on_hover_text(
                "Measured in this run: the real verifier (signature and every claim check) with the key, one \
                 signature with it, one lookup in an in-process HashMap of the run's session ids",
            );
            if !m.valid {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "(this token does not verify now: a server would refuse it)",
                );
            }
        }
    });
}

/// `fallback_ttl`: the revocation lab's token-ttl, for a token whose lifetime cannot be told.
fn lanes(ui: &mut Ui, lab: &FlowsLab, fallback_ttl: i64) {
    // Sized for the largest event either lane can show, so nothing moves as events change.
    let rows = lab.lanes.iter().map(|l| sequence::max_messages(&l.cfg)).max().unwrap_or(7);
    if ui.available_width() >= 760.0 {
        ui.columns(2, |cols| {
            for (i, col) in cols.iter_mut().enumerate() {
                lane(col, lab, i, rows, fallback_ttl);
            }
        });
    } else {
        for i in 0..2 {
            lane(ui, lab, i, rows, fallback_ttl);
        }
    }
}

fn event_title(step: Option<&Step>, lab: &FlowsLab) -> String {
    let Some(step) = step else {
        return if lab.finished() { "Finished: every event played".into() } else { "Press Play or Step".into() };
    };
    match *step {
        Step::Login { user, server, .. } => format!("Login of user {user}, served by server {server}"),
        Step::Request(r) => {
            let outcome = match r.outcome {
                RequestOutcome::Ok => "200 OK",
                RequestOutcome::SessionMissing => "401: the session is not there",
                RequestOutcome::RejectedAfterLogout => "401 after logout, as it should",
                RequestOutcome::AcceptedAfterLogout => "200 OK after logout: still valid",
                RequestOutcome::CookieNotSent => "401: no cookie",
                RequestOutcome::StoreUnreachable => "503: the store is down",
            };
            format!("Request #{} by user {} to server {}: {outcome}", r.index, r.user, r.server)
        }
        Step::CrossSite(c) if c.outcome.served() => format!("Cross-site call by user {}: served", c.user),
        Step::CrossSite(c) => format!("Cross-site call by user {}: refused", c.user),
        Step::Logout { user, failed: false, .. } => format!("User {user} logs out"),
        Step::Logout { user, failed: true, .. } => {
            format!("User {user} logs out: 503, the store is down, the credential keeps working")
        }
        Step::ServerDied { server, sessions_lost } => format!("Server {server} died: {sessions_lost} sessions lost"),
        Step::ServerAdded { server, sessions_copied } => {
            format!("Server {server} joined ({sessions_copied} sessions copied)")
        }
    }
}

fn lane(ui: &mut Ui, lab: &FlowsLab, i: usize, rows: usize, fallback_ttl: i64) {
    let l = &lab.lanes[i];
    let colour = part_colour(if i == 0 { Part::Header } else { Part::Signature }, ui.visuals().dark_mode);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let step = l.shown.as_ref().map(|(s, _)| s);
        let failed =
            l.shown.as_ref().is_some_and(|(_, m)| m.iter().any(|d| d.message.emphasis == sequence::Emphasis::Failure));
        let event = event_title(step, lab);
        let event_colour = if failed { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
        // One line each, cut to fit: a wrapping line would move the diagram as events change.
        ui.add(egui::Label::new(RichText::new(l.title()).strong().color(colour)).truncate());
        ui.add(egui::Label::new(RichText::new(event).color(event_colour)).truncate());
        let messages = l.shown.as_ref().map_or(&[][..], |(_, m)| m.as_slice());
        diagram::sequence(ui, ui.scope_id().with(("flows-lane", i)), &l.cfg, messages, lab.progress, rows);
        totals(ui, lab, i, fallback_ttl);
    });
}

/// A lane's totals: one row per figure, its name and its total (with what it is per request
/// when that means something), in two aligned columns that never wrap. In a narrow lane the
/// text is smaller so the longest row still fits.
struct TotalsGrid<'u> {
    ui: &'u mut Ui,
    size: f32,
}

impl TotalsGrid<'_> {
    fn row(&mut self, name: &str, total: impl std::fmt::Display, per_request: Option<String>) {
        let per = per_request.map_or_else(String::new, |p| format!(" · {p}/req"));
        self.ui.add(egui::Label::new(RichText::new(name).monospace().size(self.size)).extend());
        self.ui.add(egui::Label::new(RichText::new(format!("{total}{per}")).monospace().size(self.size)).extend());
        self.ui.end_row();
    }
}

fn totals(ui: &mut Ui, lab: &FlowsLab, index: usize, fallback_ttl: i64) {
    let lane = &lab.lanes[index];
    let t: &Totals = lane.flow.totals();
    let cfg = &lane.cfg;
    let requests = t.requests;
    let per = |n: u64| (requests > 0).then(|| format!("{:.2}", n as f64 / requests as f64));
    let mono = egui::TextStyle::Monospace.resolve(ui.style()).size;
    // 24 + 30 characters side by side: about 54 glyphs of 0.6 em.
    let size = mono.min(ui.available_width() / (54.0 * 0.62)).max(9.0);
    egui::Grid::new(("flows-totals-grid", index)).num_columns(2).spacing([10.0, 0.0]).show(ui, |ui| {
        let mut g = TotalsGrid { ui, size };
        g.row("requests", requests, None);
        g.row("failed requests", t.failed_requests, None);
        if cfg.store_fail_at.is_some() {
            g.row("  of which store down", t.store_outage_failures, None);
        }
        g.row("store lookups", t.store_lookups, per(t.store_lookups));
        g.row("lookups over the network", t.remote_lookups, None);
        g.row("signature verifications", t.signature_verifications, per(t.signature_verifications));
        g.row("sessions lost", t.sessions_lost, None);
        g.row("replication messages", t.replication_messages, None);
        g.row("bytes per request", cfg.bytes_per_request(), None);
        g.row("credential bytes sent", human_bytes(t.client_bytes as f64), None);
        if cfg.services > 0 {
            g.row("bytes to services", human_bytes(t.service_bytes as f64), None);
        }
        g.row("tokens signed", t.tokens_signed, None);
        if let Some(measured) = &lab.measured {
            // Per request as the Compare tab counts it (core::flow's PerRequest): a login's
            // signature is not a request's cost, so it has a row of its own.
            let latency = lab.params.store_latency_ms;
            let cost = measured.estimate(&Totals { tokens_signed: 0, ..*t }, latency);
            let per = measured.per_request(t, latency);
            let per_request = |d: Duration| (requests > 0).then(|| measured_duration(d));
            g.row("CPU for requests", measured_duration(cost.cpu), per_request(per.cpu));
            match measured.logins_cpu(t) {
                Some(signing) => g.row("CPU for logins", measured_duration(signing), None),
                None if t.tokens_signed > 0 => g.row("CPU for logins", "not measured (no private key)", None),
                None => g.row("CPU for logins", measured_duration(Duration::ZERO), None),
            }
            g.row("network wait", measured_duration(cost.network), per_request(per.network));
        }
        g.row("revocation takes effect", revocation_delay_text(lab.revocation_delay(index, fallback_ttl)), None);
        if cfg.logout.is_some() {
            g.row("after logout refused", t.rejected_after_logout, None);
            g.row("after logout accepted", t.accepted_after_logout, None);
            if cfg.store_fail_at.is_some() {
                g.row("logout failed, store down", t.logouts_failed, None);
            }
        }
        if cfg.cross_site_every > 0 {
            g.row("cross-site calls", t.cross_site_calls, None);
            g.row("cross-site failed", t.cross_site_failed, None);
            g.row("CORS preflights", t.preflights, None);
        }
        if cfg.serverless {
            g.row("store connections opened", t.store_connections, None);
        }
    });
}

fn chart(ui: &mut Ui, lab: &FlowsLab) {
    const CATEGORIES: [&str; 6] = ["lookups", "verifications", "replication", "failed", "sessions lost", "KiB sent"];
    ui.label(RichText::new("Totals so far").strong());
    let values = |t: &Totals| {
        [
            t.store_lookups as f64,
            t.signature_verifications as f64,
            t.replication_messages as f64,
            (t.failed_requests + t.cross_site_failed) as f64,
            t.sessions_lost as f64,
            t.client_bytes as f64 / 1024.0,
        ]
    };
    let dark = ui.visuals().dark_mode;
    let charts: Vec<BarChart> = lab
        .lanes
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let offset = if i == 0 { -0.2 } else { 0.2 };
            let bars = values(l.flow.totals())
                .iter()
                .enumerate()
                .map(|(k, v)| Bar::new(k as f64 + offset, *v).width(0.38).name(CATEGORIES[k]))
                .collect();
            BarChart::new(l.title(), bars).color(part_colour(if i == 0 { Part::Header } else { Part::Signature }, dark))
        })
        .collect();
    let model: Vec<Vec<u64>> = lab.lanes.iter().map(|l| crate::ui::plot_fit::bits(values(l.flow.totals()))).collect();
    // From 0 (never below, even before a run) to the tallest bar and the legend's head room
    // above it, so the legend covers no bar and the top label is not at the frame's edge.
    let tallest = lab.lanes.iter().flat_map(|l| values(l.flow.totals())).fold(1.0, f64::max);
    fit_on_change(ui, still_plot("flows-totals", dark), totals_plot_id(), model)
        .show_grid([false, true])
        .set_margin_fraction(egui::vec2(0.05, 0.0))
        .include_y(0.0)
        .include_y(tallest * TOTALS_HEADROOM)
        .x_axis_formatter(|mark, _| {
            let nearest = CATEGORIES.iter().enumerate().find(|(k, _)| (mark.value - *k as f64).abs() < 1e-6);
            nearest.map_or_else(String::new, |(_, name)| (*name).to_owned())
        })
        .show(ui, |plot| {
            for c in charts {
                plot.bar_chart(c);
            }
        });
}

/// The totals chart's y axis goes this far above its tallest bar: the legend (two rows, about
/// a third of the plot's height) sits in the room left above it.
pub const TOTALS_HEADROOM: f64 = 1.6;

/// The memory id of the totals chart.
#[must_use]
pub fn totals_plot_id() -> egui::Id {
    egui::Id::unique("flows-totals-plot")
}

/// The memory id of the scalability sweep's plot.
#[must_use]
pub fn sweep_plot_id() -> egui::Id {
    egui::Id::unique("flows-sweep-plot")
}

/// A plot that does not pan or zoom (the page scrolls under the wheel), with a legend.
pub(super) fn still_plot(id: &str, dark: bool) -> Plot<'_> {
    crate::ui::theme::readable_axes(Plot::new(id), dark)
        .height(170.0)
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
}

/// A sweep line: its name, what it plots, its colour.
type SweepLine = (&'static str, fn(&SweepPoint) -> u64, egui::Color32);

fn sweep_plot(ui: &mut Ui, lab: &FlowsLab) {
    ui.label(RichText::new("What each design pays as servers are added (the model, 1 to 50 servers)").strong());
    let Some(points) = &lab.sweep else {
        ui.label(
            RichText::new(format!(
                "The sweep runs here when users + requests stay under {SWEEP_LIMIT}; tokenbench simulate flow \
                 --sweep-servers 1..{MAX_SERVERS} sweeps any size the lab allows."
            ))
            .weak(),
        );
        return;
    };
    let lookup = diagram::emphasis_colour(sequence::Emphasis::Lookup, ui);
    let replication = diagram::emphasis_colour(sequence::Emphasis::Replication, ui);
    let failure = diagram::emphasis_colour(sequence::Emphasis::Failure, ui);
    let verify = diagram::emphasis_colour(sequence::Emphasis::Verify, ui);
    let series = |f: fn(&SweepPoint) -> u64| -> Vec<[f64; 2]> {
        points.iter().map(|p| [f64::from(p.servers), f(p) as f64]).collect()
    };
    let model: Vec<_> = points
        .iter()
        .map(|p| (p.shared_round_trips, p.replication_messages, p.sticky_sessions_lost, p.jwt_verifications))
        .collect();
    // Head room over the highest line, where the legend sits: it covers no line.
    let top = points
        .iter()
        .map(|p| p.shared_round_trips.max(p.replication_messages).max(p.sticky_sessions_lost).max(p.jwt_verifications))
        .max()
        .unwrap_or(0) as f64;
    let plot = still_plot("flows-sweep", ui.visuals().dark_mode)
        .height(SWEEP_PLOT_HEIGHT)
        .legend(Legend::default().position(Corner::LeftTop));
    let plot = fit_on_change(ui, plot, sweep_plot_id(), model);
    plot.include_y(0.0).include_y(top * SWEEP_HEADROOM).x_axis_label("servers").show(ui, |plot| {
        let lines: [SweepLine; 4] = [
            ("shared store: network round trips", |p| p.shared_round_trips, lookup),
            ("replicated: replication messages", |p| p.replication_messages, replication),
            ("sticky: sessions lost when server 0 dies", |p| p.sticky_sessions_lost, failure),
            ("JWT: verifications (local CPU)", |p| p.jwt_verifications, verify),
        ];
        for (i, (name, value, colour)) in lines.into_iter().enumerate() {
            let line = Line::new(name, series(value)).color(colour).width(2.0);
            // JWT verifications often equal the shared store's round trips: dashed so both show.
            plot.line(if i == 3 { line.style(LineStyle::dashed_loose()) } else { line });
        }
    });
    super::cost_plots::cost_plot(ui, lab);
}

/// The sweep's plot height, and how far above its highest line its y axis goes: the top half
/// is left to the legend (4 rows), so it never covers a line.
const SWEEP_PLOT_HEIGHT: f32 = 220.0;
const SWEEP_HEADROOM: f64 = 2.0;

fn cli_lines(ui: &mut Ui, lab: &FlowsLab, out: &mut Vec<Command>) {
    ui.label(RichText::new("The same numbers from the command line").strong());
    let command = |ui: &mut Ui, args: &[String], out: &mut Vec<Command>| {
        let line = format!("tokenbench simulate flow {}", args.join(" "));
        // Monospace at a small size (RichText::small would switch to the body font).
        ui.label(RichText::new(&line).monospace().size(11.0));
        crate::ui::widgets::copy_button(ui, "Copy", &line, out);
    };
    // A re-signed JWT is another length than the loaded token: the command line needs it.
    if let Some(jwt) = lab.lanes_jwt() {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new("lanes-jwt.jwt: the lanes carry your claims re-signed, not your token as it is").weak(),
            );
            crate::ui::widgets::copy_button(ui, "Copy the lanes' JWT", jwt, out);
        });
    }
    // Both lanes, every figure, whatever the scenario adds.
    ui.horizontal_wrapped(|ui| match lab.scenario_cli_args() {
        Ok(args) => command(ui, &args, out),
        Err(why) => {
            ui.label(RichText::new(format!("Both lanes: no CLI equivalent ({why})")).weak());
        }
    });
    // Each lane with the model's flags alone, when it has no event they cannot give.
    for i in 0..2 {
        if let Ok(args) = lab.cli_args(i) {
            ui.horizontal_wrapped(|ui| command(ui, &args, out));
        }
    }
}
