//! The Leaks tab's commands: handed to [`crate::core::labs::scan::ScanLab`] with the app's clock
//! (the default `--at`); its dialogs go through the platform, its jobs run on the one runner,
//! and a finding read again from its file is loaded in Decode (at the tab's fixed instant, when
//! it has one, so Decode says what the tab said).

use super::{AppState, ClockCommand, Command, Tab};
use crate::core::labs::scan::{ScanCommand, ScanEffect};
use crate::ui::platform::Platform;

impl AppState {
    /// The Leaks tab's commands.
    pub(super) fn handle_scan(&mut self, command: ScanCommand, platform: &mut dyn Platform) {
        for effect in self.scan.handle(command, self.clock.now()) {
            match effect {
                ScanEffect::Spawn(job) => self.jobs.spawn(job.map(Command::Scan)),
                ScanEffect::PickFiles => {
                    let picked = platform.pick_files("Files to scan for tokens", true);
                    if picked.is_empty() {
                        self.nothing_picked(platform, "type a path or drop the files on the window instead");
                    } else {
                        self.handle_scan(ScanCommand::AddPaths(picked), platform);
                    }
                }
                ScanEffect::PickFolder => match platform.pick_folder("A folder to scan for tokens") {
                    Some(folder) => self.handle_scan(ScanCommand::AddPaths(vec![folder]), platform),
                    None => self.nothing_picked(platform, "type its path or drop the folder on the window instead"),
                },
                ScanEffect::OpenInDecode(token) => {
                    // Judged at a fixed instant, the token opens at that instant: Decode then
                    // says what the Leaks tab said (expired, live), not what it is today.
                    if let Some(at) = self.scan.at {
                        self.handle(Command::Clock(ClockCommand::Set(at)), platform);
                    }
                    self.set_token(token);
                    self.tab = Tab::Decode;
                }
            }
        }
    }
}
