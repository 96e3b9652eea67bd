//! One way to draw a panel alone in a test (`Harness::build_ui_state`, as `egui_demo_lib` tests
//! a panel): each frame draws the panel, hands its commands to [`AppState::handle`] and lets
//! finished jobs in, as the app does. Tabs and lab sections share it.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::ui::platform::FakePlatform;
use crate::ui::state::{AppState, Command};

/// A panel test's world: the app state the panel draws, and the platform its commands use.
pub struct World {
    /// The state the panel draws and its commands change.
    pub state: AppState,
    /// The fake platform (dialogs answer from its queues).
    pub platform: FakePlatform,
}

impl World {
    /// A fresh state after `setup`, on `platform`.
    pub fn new(mut platform: FakePlatform, setup: impl IntoIterator<Item = Command>) -> Self {
        let mut state = AppState::default();
        for c in setup {
            state.handle(c, &mut platform);
        }
        Self { state, platform }
    }
}

/// `draw` alone at `size` over `world`.
pub fn panel(
    world: World,
    size: egui::Vec2,
    mut draw: impl FnMut(&mut egui::Ui, &AppState, &mut Vec<Command>) + 'static,
) -> Harness<'static, World> {
    Harness::builder().with_size(size).build_ui_state(
        move |ui, world: &mut World| {
            let mut out = Vec::new();
            draw(ui, &world.state, &mut out);
            for c in out {
                world.state.handle(c, &mut world.platform);
            }
            world.state.tick(&mut world.platform);
        },
        world,
    )
}

fn busy(state: &AppState) -> bool {
    state.jobs.running() > 0 || state.scan.busy() || state.live.busy() || state.security.busy()
}

/// Frames until no job runs and no lab waits (or 20 s pass).
pub fn settle(h: &mut Harness<'static, World>) {
    let start = std::time::Instant::now();
    while busy(&h.state().state) && start.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    h.run();
}

/// Clicks the widget labelled `label`, then settles: one frame hands the click to the state, a
/// spinner may repaint until the job ends.
pub fn click(h: &mut Harness<'static, World>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    settle(h);
}
