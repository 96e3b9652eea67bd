//! The Live tab's controls: the settings of the next run with Start and Stop, the running
//! servers with a switch each (failover), and the client that logs in as a demo user and sends
//! requests with the credentials it holds.

use egui::{RichText, Ui};

use super::{cmd, command_line, fixed_height, rows_height};
use crate::core::engine::forge::Attack;
use crate::core::labs::live::config::DEMO_USERS;
use crate::core::labs::live::lab::exchange::Action;
use crate::core::labs::live::lab::{LiveCommand, LiveLab, MAX_TAB_SERVERS, StoreChoice};
use crate::core::labs::live::{Mode, Revocation};
use crate::ui::state::Command;
use crate::ui::theme::palette;
use crate::ui::widgets::{copy_button, reserved_label};

/// The width of a server's status, its longest text included.
const SERVER_LABEL_WIDTH: f32 = 190.0;
/// The width a server's card takes in its row: the status, the button, the frame.
const SERVER_CARD_WIDTH: f32 = 320.0;
/// Rows of exchanges in view at once (newest first; the rest scroll).
const EXCHANGES_SHOWN: usize = 8;

/// The settings and Start / Stop.
pub(super) fn settings_ui(ui: &mut Ui, lab: &LiveLab, out: &mut Vec<Command>) {
    let s = &lab.settings;
    let mut next = s.clone();
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Mode");
        egui::ComboBox::from_id_salt("live-mode")
            .selected_text(s.mode.name())
            .show_ui(ui, |ui| {
                for m in Mode::ALL {
                    ui.selectable_value(&mut next.mode, *m, m.name());
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label("Store");
        egui::ComboBox::from_id_salt("live-store")
            .selected_text(s.store.label())
            .show_ui(ui, |ui| {
                for c in StoreChoice::ALL {
                    ui.selectable_value(&mut next.store, c, c.label());
                }
            })
            .response
            .labelled_by(label.id);
        ui.add_enabled_ui(s.store == StoreChoice::Redis, |ui| {
            ui.add(egui::TextEdit::singleline(&mut next.redis_url).desired_width(170.0).hint_text("redis://HOST:PORT"))
                .on_hover_text("A Redis you run (Debian: apt-get install redis-server); used with the Redis store");
        });
    });
    // Two rows that each fit 800 px, so no label wraps away from its value.
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("JWT logout");
        ui.add_enabled_ui(s.mode.tokens(), |ui| {
            egui::ComboBox::from_id_salt("live-revocation")
                .selected_text(s.revocation.name())
                .show_ui(ui, |ui| {
                    for r in Revocation::ALL {
                        ui.selectable_value(&mut next.revocation, *r, r.name());
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let label = ui.label("Servers");
        ui.add(egui::DragValue::new(&mut next.servers).range(1..=MAX_TAB_SERVERS)).labelled_by(label.id).on_hover_text(
            format!(
                "1 to {MAX_TAB_SERVERS} here; tokenbench serve --servers takes up to {}",
                crate::core::labs::live::config::MAX_SERVERS
            ),
        );
        ui.checkbox(&mut next.sticky, "Sticky")
            .on_hover_text("The balancer pins each client to one server with an lb cookie");
    });
    ui.add_enabled_ui(s.mode.tokens(), |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label("Vulnerable on purpose (JWT verifier accepts):");
            for a in Attack::ALL {
                let mut on = s.accept_attacks.contains(&a);
                if ui.checkbox(&mut on, a.name()).on_hover_text(a.vulnerable()).changed() {
                    if on {
                        next.accept_attacks.push(a);
                    } else {
                        next.accept_attacks.retain(|x| *x != a);
                    }
                }
            }
        });
    });
    if next != *s {
        out.push(cmd(LiveCommand::Settings(next)));
    }
    ui.horizontal(|ui| {
        let start = if lab.running() { "Restart with these settings" } else { "Start" };
        if ui.add_enabled(!lab.starting, egui::Button::new(start)).clicked() {
            out.push(cmd(LiveCommand::Start));
        }
        if ui.add_enabled(lab.running(), egui::Button::new("Stop everything")).clicked() {
            out.push(cmd(LiveCommand::Stop));
        }
        copy_button(ui, "Copy command", &command_line(s), out);
    });
    // Its own line, wrapped: the whole command is readable at any width. Two lines reserved, so
    // a longer command moves nothing below it.
    reserved_label(ui, RichText::new(command_line(s)).monospace().weak(), 2);
    let error = lab.error.as_deref().unwrap_or("");
    let colour = palette(ui.visuals().dark_mode).bad;
    reserved_label(ui, RichText::new(error).color(colour), 1);
}

/// The run's address, its warning when vulnerable, and each server's switch.
pub(super) fn run_ui(ui: &mut Ui, lab: &LiveLab, out: &mut Vec<Command>) {
    let Some(run) = &lab.run else { return };
    let c = run.server.config();
    ui.label(
        RichText::new(format!(
            "Running at {} · {} mode · store {} · JWT logout {}{}",
            run.server.url(),
            c.mode.name(),
            c.store.name(),
            c.revocation.name(),
            if c.sticky { " · sticky" } else { "" }
        ))
        .strong(),
    );
    if !c.accept_attacks.is_empty() {
        let names: Vec<&str> = c.accept_attacks.iter().map(|a| a.name()).collect();
        ui.label(
            RichText::new(format!(
                "Vulnerable on purpose: this verifier accepts {} (every response says so in x-tokenbench-vulnerable)",
                names.join(", ")
            ))
            .color(palette(ui.visuals().dark_mode).bad),
        );
    }
    // As many servers a row as the width holds (the width alone decides: nothing jumps).
    // A finite, non-negative width over a positive card width: the cast keeps its value.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let per_row = ((ui.available_width() / SERVER_CARD_WIDTH).floor().max(1.0) as usize).max(1);
    let servers: Vec<(usize, (bool, String))> =
        run.server.running().into_iter().zip(run.server.server_urls()).enumerate().collect();
    for row in servers.chunks(per_row) {
        ui.horizontal(|ui| {
            for (i, (up, url)) in row {
                let (i, up) = (*i, *up);
                server_card(ui, lab, i, up, url, out);
            }
        });
    }
}

/// One server: its state and its switch.
fn server_card(ui: &mut Ui, lab: &LiveLab, i: usize, up: bool, url: &str, out: &mut Vec<Command>) {
    ui.group(|ui| {
        let p = palette(ui.visuals().dark_mode);
        let holds = if lab.login_server == Some(i) { " (your login)" } else { "" };
        // A fixed width, so "(your login)" appearing moves no button.
        let text = RichText::new(format!("server {i}: {}{holds}", if up { "running" } else { "stopped" }))
            .color(if up { p.good } else { p.bad });
        ui.add_sized(egui::vec2(SERVER_LABEL_WIDTH, ui.spacing().interact_size.y), egui::Label::new(text))
            .on_hover_text(url);
        let (label, command) = if up {
            (format!("Stop server {i}"), LiveCommand::StopServer(i))
        } else {
            (format!("Start server {i}"), LiveCommand::StartServer(i))
        };
        if ui.button(label).clicked() {
            out.push(cmd(command));
        }
    });
}

/// The client: who it is, what it holds, the buttons and the last exchanges.
pub(super) fn client_ui(ui: &mut Ui, lab: &LiveLab, out: &mut Vec<Command>) {
    ui.label(RichText::new("Your client").strong());
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("User");
        let mut user = lab.user.clone();
        egui::ComboBox::from_id_salt("live-user")
            .selected_text(&lab.user)
            .show_ui(ui, |ui| {
                for u in DEMO_USERS {
                    ui.selectable_value(&mut user, u.to_owned(), u);
                }
            })
            .response
            .labelled_by(label.id);
        if user != lab.user {
            out.push(cmd(LiveCommand::User(user)));
        }
        for action in Action::ALL {
            let (method, path) = action.route();
            let label = match action {
                Action::Login => "Log in".to_owned(),
                Action::Logout => "Log out".to_owned(),
                Action::Me | Action::Refresh => format!("{method} {path}"),
            };
            let enabled = action != Action::Refresh || lab.held.refresh.is_some();
            if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
                out.push(cmd(LiveCommand::Send(action)));
            }
        }
        if ui
            .add_enabled(lab.copy.is_some(), egui::Button::new("Replay a copy"))
            .on_hover_text(
                "GET /me with the credentials as they were before the logout: what a log or an attacker kept",
            )
            .on_disabled_hover_text("Log out first: the copy is made at logout")
            .clicked()
        {
            out.push(cmd(LiveCommand::Replay));
        }
    });
    let holds = match (lab.held.cookie_header(), &lab.held.access) {
        (None, None) => "Holding nothing: log in".to_owned(),
        (cookie, access) => {
            let mut parts = Vec::new();
            if let Some(c) = cookie {
                parts.push(crate::core::labs::live::lab::exchange::shorten(&format!("Cookie: {c}")));
            }
            if let Some(a) = access {
                parts.push(crate::core::labs::live::lab::exchange::shorten(&format!("Bearer {a}")));
            }
            format!("Holding {}", parts.join(" and "))
        }
    };
    ui.label(RichText::new(holds).monospace());
    let height = rows_height(ui, EXCHANGES_SHOWN);
    fixed_height(ui, height, |ui| {
        if lab.exchanges.is_empty() {
            ui.label(RichText::new("No request sent yet: the answers show here, newest first.").weak());
        }
        // Every exchange kept, newest first; older ones a scroll away.
        egui::ScrollArea::vertical()
            .id_salt("live-exchanges")
            .max_height(height)
            .auto_shrink([false, true])
            .show(ui, |ui| exchanges_ui(ui, lab));
    });
}

/// The exchanges, newest first: each line coloured by its outcome, the credential lines cut to
/// the width left (whole on hover, with the answer's body).
fn exchanges_ui(ui: &mut Ui, lab: &LiveLab) {
    for e in lab.exchanges.iter().rev() {
        let p = palette(ui.visuals().dark_mode);
        // The credential line takes what width is left, cut short there; the whole line
        // and the answer's body on hover.
        ui.horizontal(|ui| {
            ui.label(RichText::new(e.line()).color(if e.ok() { p.good } else { p.bad }));
            let sent = e.sent.join("  ");
            let hover = format!("{sent}\n\n{}", e.body);
            ui.add(egui::Label::new(RichText::new(sent).monospace().weak()).truncate()).on_hover_text(hover);
        });
    }
}
