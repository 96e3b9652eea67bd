//! `tokenbench simulate payload|hybrids|sso|defaults`: the "Which fits" lab's pages on the
//! command line ([`crate::core::labs::fit`]), printing the lines the window shows (and, with
//! `--json`, the reports they are written from). `simulate payload` prints the "Start here"
//! screen's two credential lines first: they are its token with no claim added.
//!
//! `--json` prints: payload `{"start", "payload"}`; hybrids `{"refresh", "split", "admin_panel":
//! [{"title", "note", "wire", "server_records", "answer"}]}` (hybrid (b) stepped through); sso
//! `{"jwks_bytes", "jwks_kids", "steps"}`; defaults `{"frameworks", "designs", "conclusion"}`.
//! Exit 0; 2 when `--claims` is outside 0..=600 (clap names the flag).

use clap::Args;
use serde_json::json;

use super::{out, out_json};
use crate::core::engine::error::{Error, Result};
use crate::core::labs::fit::{FitPage, defaults, hybrids, payload, sso, start};

/// `tokenbench simulate payload`.
#[derive(Debug, Args)]
pub struct PayloadArgs {
    /// Claims added to the typical access token (roles, permissions, profile fields in turn), as
    /// the window's slider.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=600))]
    pub claims: u16,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `tokenbench simulate hybrids|sso|defaults`.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn to_value(v: impl serde::Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| Error::Sign(format!("the report's JSON: {e}")))
}

/// The text `simulate payload --claims N` prints.
///
/// # Errors
/// When the bundled key fails to sign (it does not).
pub fn payload_text(added: usize) -> Result<String> {
    let figures = start::figures()?;
    let report = payload::report(added)?;
    let mut lines = vec![FitPage::Payload.caption().to_owned()];
    lines.extend(figures.lines());
    lines.extend(report.lines());
    Ok(lines.join("\n") + "\n")
}

/// The text `simulate hybrids` prints.
///
/// # Errors
/// As [`payload_text`].
pub fn hybrids_text() -> Result<String> {
    let r = hybrids::report()?;
    let mut lines = vec![FitPage::Hybrids.caption().to_owned()];
    for h in [&r.refresh, &r.split] {
        lines.push(h.name.to_owned());
        lines.extend(h.lines().into_iter().map(|l| format!("  {l}")));
    }
    lines.push(hybrids::ADMIN_PANEL_HEADING.to_owned());
    for step in &r.admin_panel {
        let mut step_lines = step.lines().into_iter();
        lines.extend(step_lines.next().map(|l| format!("  {l}")));
        lines.extend(step_lines.map(|l| format!("    {l}")));
    }
    Ok(lines.join("\n") + "\n")
}

/// The text `simulate sso` prints.
///
/// # Errors
/// As [`payload_text`].
pub fn sso_text() -> Result<String> {
    let r = sso::report()?;
    let mut lines = vec![FitPage::Sso.caption().to_owned()];
    for step in &r.steps {
        let mut step_lines = step.lines().into_iter();
        lines.extend(step_lines.next());
        lines.extend(step_lines.map(|l| format!("  {l}")));
    }
    Ok(lines.join("\n") + "\n")
}

/// The text `simulate defaults` prints.
#[must_use]
pub fn defaults_text() -> String {
    let r = defaults::report();
    let mut lines = vec![FitPage::Defaults.caption().to_owned()];
    lines.extend(r.framework_lines());
    lines.push(defaults::scenario_line());
    lines.extend(r.design_lines().into_iter().map(|l| format!("  {l}")));
    lines.push(r.conclusion());
    lines.join("\n") + "\n"
}

/// Runs `simulate payload`.
pub(super) fn run_payload(args: &PayloadArgs) -> Result<u8> {
    let added = usize::from(args.claims);
    if args.json {
        out_json(&json!({"start": to_value(start::figures()?)?, "payload": to_value(payload::report(added)?)?}));
    } else {
        out(&payload_text(added)?);
    }
    Ok(0)
}

/// Runs `simulate hybrids`.
pub(super) fn run_hybrids(args: &PageArgs) -> Result<u8> {
    if args.json {
        out_json(&to_value(hybrids::report()?)?);
    } else {
        out(&hybrids_text()?);
    }
    Ok(0)
}

/// Runs `simulate sso`.
pub(super) fn run_sso(args: &PageArgs) -> Result<u8> {
    if args.json {
        out_json(&to_value(sso::report()?)?);
    } else {
        out(&sso_text()?);
    }
    Ok(0)
}

/// Runs `simulate defaults`.
pub(super) fn run_defaults(args: &PageArgs) -> Result<u8> {
    if args.json {
        let r = defaults::report();
        let mut v = to_value(&r)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("conclusion".into(), r.conclusion().into());
        }
        out_json(&v);
    } else {
        out(&defaults_text());
    }
    Ok(0)
}
