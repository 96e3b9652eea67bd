//! The revocation lab's view: one login, one event, five strategies side by side on the
//! workbench's clock. A table says, at the clock's time, whether the user and the event's
//! subject (the copy, the thief, the suspended user…) are accepted, until when the revoked
//! credential is still accepted, what the server keeps and what each request costs; a timeline
//! shows the same over time with the access and refresh chains; the at-scale view shows the
//! steady state for a population. The lab itself (its commands and rules) is
//! [`crate::core::labs::revocation::RevocationLab`], the model behind
//! `tokenbench simulate revocation`: this module only draws it and emits its commands.

mod controls;
mod lanes;
mod scale;
mod table;
#[cfg(test)]
mod tests;

use egui::{RichText, Ui};

use crate::core::engine::clock::system_now;
use crate::core::labs::revocation::{RevocationCommand, RevocationLab};
use crate::ui::state::{AppState, Command};

impl Default for RevocationLab {
    /// The window's lab: the example scenario, its login at the start of the current minute.
    /// Here, beside the window's clock, because the core reads no clock.
    fn default() -> Self {
        Self::starting_at(system_now())
    }
}

/// A lab command as an app command.
pub(super) fn lab_cmd(command: RevocationCommand) -> Command {
    Command::Revocation(command)
}

/// The plot id of the lab's timeline.
#[must_use]
pub fn lab_plot_id() -> egui::Id {
    egui::Id::unique("revocation-timeline-plot")
}

/// Draws the lab.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.revocation;
    let now = state.clock.now();
    let mut scroll = egui::ScrollArea::vertical().id_salt("revocation-scroll").auto_shrink([false, false]);
    let top_seen = egui::Id::unique("revocation-top-focus-seen");
    if ui.data(|d| d.get_temp::<u64>(top_seen)).unwrap_or(0) != lab.top_focus {
        scroll = scroll.vertical_scroll_offset(0.0);
        ui.data_mut(|d| d.insert_temp(top_seen, lab.top_focus));
    }
    scroll.show(ui, |ui| {
        ui.heading("Revocation lab");
        crate::ui::widgets::prose(
            ui,
            "One user signs in, one event happens, and five ways of keeping someone signed in react on the \
             workbench's clock. The same model answers `tokenbench simulate revocation`.",
            None,
        );
        ui.add_space(4.0);
        controls::controls(ui, lab, state, now, out);
        ui.add_space(6.0);
        table::table(ui, lab, now);
        ui.add_space(6.0);
        lanes::timeline(ui, lab, now, out);
        ui.add_space(6.0);
        table::trades(ui, lab);
        ui.add_space(6.0);
        // Asked to show the at-scale view (Compare's "Show me"): open it and scroll to it once.
        let seen = egui::Id::unique("at-scale-focus-seen");
        let focus = ui.data(|d| d.get_temp::<u64>(seen)).unwrap_or(0) != lab.scale_focus;
        let shown = egui::CollapsingHeader::new(RichText::new("At scale").strong())
            .id_salt("at-scale")
            .default_open(true)
            .open(focus.then_some(true))
            .show(ui, |ui| scale::at_scale_ui(ui, lab, out));
        if focus {
            shown.header_response.scroll_to_me(Some(egui::Align::TOP));
            ui.data_mut(|d| d.insert_temp(seen, lab.scale_focus));
        }
    });
}
