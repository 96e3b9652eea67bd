//! Plots that fit their data again whenever the model they draw changes.
//!
//! `egui_plot` keeps a plot's bounds in memory from frame to frame. A plot with fixed default
//! bounds (a log axis, say) never recomputes them, and any plot the user has once zoomed stays
//! there: after a parameter change it would show the old range. [`fit_on_change`] resets the
//! plot on the first frame its model differs from the one it was last fitted to.

use std::hash::{DefaultHasher, Hash, Hasher};

use egui::{Id, Ui};
use egui_plot::Plot;

/// `plot` under `id`, reset to its default bounds (and fitted to its data) when `model` differs
/// from the last frame's. `id` is the plot's memory id (for [`egui_plot::PlotMemory::load`]).
pub fn fit_on_change<'a>(ui: &Ui, plot: Plot<'a>, id: Id, model: impl Hash) -> Plot<'a> {
    let mut h = DefaultHasher::new();
    model.hash(&mut h);
    let key = h.finish();
    let fitted_for = id.with("fitted-for");
    let plot = plot.id(id);
    if ui.data(|d| d.get_temp::<u64>(fitted_for)) == Some(key) {
        return plot;
    }
    ui.data_mut(|d| d.insert_temp(fitted_for, key));
    plot.reset()
}

/// Bits of floats, for hashing a model's numbers.
#[must_use]
pub fn bits(values: impl IntoIterator<Item = f64>) -> Vec<u64> {
    values.into_iter().map(f64::to_bits).collect()
}
