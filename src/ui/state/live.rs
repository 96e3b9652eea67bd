//! The live lab's commands: handed to [`crate::core::labs::live::lab::LiveLab`]; its jobs run
//! on the one runner, and the measured store round trip, when the user asks, becomes the
//! Flows lab's (which Compare reads).

use super::{AppState, Command};
use crate::core::labs::flows::FlowCommand;
use crate::core::labs::live::lab::{LiveCommand, LiveEffect};
use crate::ui::platform::Platform;

impl AppState {
    /// The live lab's commands.
    pub(super) fn handle_live(&mut self, command: LiveCommand, platform: &mut dyn Platform) {
        for effect in self.live.handle(command) {
            match effect {
                LiveEffect::Spawn(job) => self.jobs.spawn(job.map(Command::Live)),
                LiveEffect::UseRoundTrip(ms) => {
                    self.handle(Command::Flow(FlowCommand::StoreLatency(ms)), platform);
                    self.info(format!("Store round trip {ms:.6} ms in Flows and Compare"));
                }
            }
        }
    }
}
