//! The Security tab's Crack view: the wordlist, rules and threads, the running crack's progress
//! (read from the counters the job shares) and how the last crack ended.

use egui::{RichText, Ui};

use super::audit::add_found_secret_button;
use super::{cmd, frame_token};
use crate::core::engine::audit::human_duration;
use crate::core::engine::crack::{self, Rules, Target};
use crate::core::labs::security::lab::{CrackJob, CrackOutcome, SecurityCommand};
use crate::core::text::count;
use crate::ui::state::{AppState, Command};

pub(super) fn crack_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    ui.label(RichText::new("Weak-secret cracking").strong());
    ui.label("An HS256/384/512 token can be tested offline against any number of guesses: each guess costs a few SHA compressions. Pick a wordlist and watch the rate.");
    let target = frame_token(state).and_then(|t| Target::from_token(&t).map_err(|e| e.to_string()));
    match &target {
        Ok(t) => {
            ui.label(format!(
                "{}: signing input of {} bytes, {} compressions per guess (the key block, the message blocks, two outer blocks).",
                t.alg.name(),
                t.signing_input.len(),
                t.compressions_per_candidate()
            ));
        }
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Wordlist:");
        let name = lab.wordlist.as_ref().map_or_else(
            || format!("bundled ({} published default secrets)", crack::BUNDLED_WORDLIST.lines().count()),
            |p| p.display().to_string(),
        );
        ui.label(RichText::new(name).monospace());
        if ui.button("Choose a wordlist…").clicked() {
            out.push(cmd(SecurityCommand::ChooseWordlist));
        }
        if lab.wordlist.is_some() && ui.button("Use the bundled list").clicked() {
            out.push(cmd(SecurityCommand::SetWordlist(None)));
        }
    });
    ui.horizontal_wrapped(|ui| {
        let mut rules = lab.rules;
        if ui
            .checkbox(&mut rules, "Rules: case variants, digits 0-99, years")
            .on_hover_text(format!("Up to {} guesses per line", Rules::ALL.variants_per_line()))
            .changed()
        {
            out.push(cmd(SecurityCommand::SetRules(rules)));
        }
        let mut threads = lab.threads;
        let label = ui.label("Threads");
        if ui.add(egui::DragValue::new(&mut threads).range(1..=64)).labelled_by(label.id).changed() {
            out.push(cmd(SecurityCommand::SetThreads(threads)));
        }
    });
    match &lab.job {
        Some(job) => progress_ui(ui, job, out),
        None => {
            if ui.add_enabled(target.is_ok(), egui::Button::new("Start cracking")).clicked() {
                out.push(cmd(SecurityCommand::StartCrack));
            }
        }
    }
    if let Some(o) = &lab.outcome {
        crack_outcome_ui(ui, o, out);
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Defence: an HMAC secret of at least the hash size, from a CSPRNG (openssl rand -base64 32), never a word; or an asymmetric algorithm, so verifiers hold no signing key (RFC 8725 §3.5).").italics());
}

/// The running crack: share of the wordlist read, guesses, rate, ETA and Cancel.
fn progress_ui(ui: &mut Ui, job: &CrackJob, out: &mut Vec<Command>) {
    let p = &job.progress;
    let (done, total, n, elapsed) = (p.bytes_done(), p.total_bytes(), p.candidates(), p.elapsed());
    let fraction = if total == 0 { 0.0 } else { done as f32 / total as f32 };
    let rate = crack::rate_text(n, elapsed);
    let eta =
        crack::eta(elapsed, done, total).map_or_else(|| "estimating…".to_owned(), |d| human_duration(d.as_secs_f64()));
    let read = format!("{:.0}% of the wordlist read", 100.0 * fraction.min(1.0));
    ui.add(egui::ProgressBar::new(fraction.min(1.0)).text(read));
    ui.label(format!(
        "{}, {rate} on {}; about {eta} left",
        count(n, "guess", "guesses"),
        count(job.threads, "thread", "threads")
    ));
    if ui.button("Cancel").clicked() {
        out.push(cmd(SecurityCommand::CancelCrack));
    }
}

/// How the last crack ended: found (with the one-click key), cancelled (with how fast every
/// worker stopped) or not found.
fn crack_outcome_ui(ui: &mut Ui, o: &CrackOutcome, out: &mut Vec<Command>) {
    match &o.result {
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Ok(r) => {
            // A rate only when the run was long enough to measure one: a few guesses in
            // microseconds would show an absurd figure.
            let how = format!(
                "{} in {:.2} s: {} on {}",
                count(r.candidates, "guess", "guesses"),
                r.elapsed.as_secs_f64(),
                crack::rate_text(r.candidates, r.elapsed),
                count(o.threads, "thread", "threads")
            );
            match &r.secret {
                Some(secret) => {
                    ui.label(format!("Found: {how}."));
                    ui.horizontal_wrapped(|ui| {
                        ui.label(format!(
                            "The HMAC secret is {:?}: anyone who tries it can mint tokens (the Audit lists it as weak-secret).",
                            crack::secret_display(secret)
                        ));
                        add_found_secret_button(ui, out);
                    });
                }
                None if r.cancelled => {
                    let stop = o.stop_latency.map_or_else(String::new, |d| {
                        format!("; every worker stopped {} ms after Cancel", d.as_millis())
                    });
                    ui.label(format!("Cancelled: {how}{stop}."));
                }
                None => {
                    ui.label(format!("Not found: {how}. A secret that is not in a list still falls to a bigger list or rules unless it is 256 random bits."));
                }
            }
        }
    }
}
