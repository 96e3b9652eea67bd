//! `tokenbench simulate session-risk`: the Security lab's session scenarios walked through on
//! the command line ([`crate::core::labs::security::session_risk`]), with the figures the
//! window's Session risks view shows: each step, whether the attack succeeds or where it is
//! blocked, and how long a stolen credential stays useful. Exit 0; 2 with a message naming
//! the flag when the input cannot be simulated.

use std::fmt::Write as _;

use clap::Args;
use serde_json::{Value, json};

use super::{out, out_json, read_token_arg, say};
use crate::core::engine::clock::system_now;
use crate::core::engine::error::Error;
use crate::core::engine::limits;
use crate::core::engine::token::Token;
use crate::core::labs::security::lab::current_token;
use crate::core::labs::security::session_risk::{
    self, MIN_SESSION_TIMEOUT, RiskScenario, RiskSettings, ScenarioKind, SessionLifetimes, lifetime_text,
};
use crate::core::labs::security::token_times;

/// `tokenbench simulate session-risk`.
#[derive(Debug, Args)]
pub struct SessionRiskArgs {
    /// The attack: fixation, hijacking (a stolen session cookie) or jwt-theft (a stolen bearer JWT).
    #[arg(long, value_name = "ATTACK")]
    pub attack: String,
    /// A defence switched on, as the window lists them (repeatable): regenerate-id for fixation;
    /// http-only, secure and one of same-site-none, same-site-lax, same-site-strict for hijacking.
    /// None given: no defence.
    #[arg(long = "defence", value_name = "NAME")]
    pub defences: Vec<String>,
    /// The server's session idle timeout, seconds (at least 60) [default: 1800].
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub idle_timeout: Option<f64>,
    /// The server's absolute session limit, seconds (at least the idle timeout) [default: 28800].
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub absolute_timeout: Option<f64>,
    /// The instant the token's remaining lifetime is taken at (Unix seconds) [default: now].
    #[arg(long, value_name = "UNIX_SECONDS", value_parser = limits::parse_instant, allow_hyphen_values = true)]
    pub at: Option<f64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The stolen JWT, whose exp says how long it stays useful (a token, a URL carrying one, `-`
    /// for stdin, or `@FILE`) [default: the typical 15 min token, as every lab assumes without one].
    pub token: Option<String>,
}

/// Runs `simulate session-risk`; the exit code.
pub(super) fn run(args: &SessionRiskArgs) -> Result<u8, Error> {
    let Some(kind) = ScenarioKind::from_name(&args.attack) else {
        let names: Vec<&str> = ScenarioKind::ALL.iter().map(|k| k.name()).collect();
        return Ok(usage(&format!("--attack {:?} is not one of {}", args.attack, names.join(", "))));
    };
    let settings = match RiskSettings::from_defence_names(kind, &args.defences) {
        Ok(s) => s,
        Err(message) => return Ok(usage(&message)),
    };
    let defaults = SessionLifetimes::default();
    let idle = args.idle_timeout.unwrap_or(defaults.idle_timeout);
    let absolute = args.absolute_timeout.unwrap_or(defaults.absolute_timeout);
    if let Err(message) = check_timeouts(idle, absolute, args.absolute_timeout.is_some()) {
        return Ok(usage(&message));
    }
    let token = match &args.token {
        None => None,
        Some(arg) => match read_stolen_token(arg)? {
            Ok(t) => Some(t),
            Err(message) => return Ok(usage(&format!("TOKEN: {message}"))),
        },
    };
    let now = args.at.unwrap_or_else(system_now);
    if let Some(Err(message)) = token.as_ref().map(|t| token_times::read(t, now)) {
        return Ok(usage(&format!("TOKEN: {message}")));
    }
    let (jwt_remaining, source) = session_risk::jwt_remaining(token.as_ref(), now);
    let (idle_timeout, absolute_timeout) = session_risk::session_timeouts(idle, absolute);
    let lifetimes = SessionLifetimes { idle_timeout, absolute_timeout, jwt_remaining };
    let scenario = session_risk::scenario(kind, settings.regenerate, settings.flags, &lifetimes);
    let defences = settings.defence_names(kind);
    if args.json {
        out_json(&session_risk_json(kind, &defences, &scenario, &lifetimes, &source));
    } else {
        out(&session_risk_text(&defences, &scenario, &lifetimes, &source));
    }
    Ok(0)
}

/// Prints a usage error; exit code 2.
fn usage(message: &str) -> u8 {
    say(message);
    2
}

/// The timeouts the window accepts: finite, the idle timeout at least a minute, the absolute
/// limit no shorter than it.
fn check_timeouts(idle: f64, absolute: f64, absolute_given: bool) -> Result<(), String> {
    // 1e300 is shown as such, not as 301 digits.
    let shown = |v: f64| if v.abs() < 1e9 { v.to_string() } else { format!("{v:e}") };
    let (idle_shown, absolute_shown) = (shown(idle), shown(absolute));
    if !(MIN_SESSION_TIMEOUT..=MAX_SESSION_TIMEOUT).contains(&idle) {
        return Err(format!(
            "--idle-timeout {idle_shown}: give a number of seconds from {MIN_SESSION_TIMEOUT} to {MAX_SESSION_TIMEOUT} (a \
             year)"
        ));
    }
    if !absolute_given && absolute < idle {
        return Err(format!(
            "--idle-timeout {idle_shown} is longer than the default absolute timeout ({absolute} s): give \
             --absolute-timeout too"
        ));
    }
    if !(idle..=MAX_SESSION_TIMEOUT).contains(&absolute) {
        return Err(format!(
            "--absolute-timeout {absolute_shown}: give a number of seconds from the idle timeout ({idle} s) to \
             {MAX_SESSION_TIMEOUT} (a year)"
        ));
    }
    Ok(())
}

/// The longest session timeout the walk-through takes: a year (a session cookie has no key and
/// no exp; past this the figures would only say "forever" for a server that never forgets).
const MAX_SESSION_TIMEOUT: f64 = 31_536_000.0;

/// The token argument: read (stdin, `@FILE`), then parsed directly or out of a URL, as the
/// window reads its input. The inner error is the token's fault (exit 2 with its message).
fn read_stolen_token(arg: &str) -> Result<Result<Token, String>, Error> {
    let text = read_token_arg(arg)?;
    if text.trim().is_empty() {
        return Ok(Err("empty: give a token, a URL carrying one, `-` or @FILE".into()));
    }
    Ok(current_token(text.trim()).map(|(t, _)| t))
}

/// Seconds as JSON: a number, or `null` for a lifetime that never ends (a token without exp).
fn seconds(s: f64) -> Value {
    if s.is_finite() { json!(s) } else { Value::Null }
}

/// The JSON contract: the scenario's steps and outcome, the lifetimes it was run with and the
/// usefulness chart's two rows (from the same run as the steps), each figure as the window's
/// view shows it.
#[must_use]
pub fn session_risk_json(
    kind: ScenarioKind,
    defences: &[&str],
    scenario: &RiskScenario,
    lifetimes: &SessionLifetimes,
    source: &str,
) -> Value {
    let steps: Vec<Value> = scenario
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| json!({"step": i + 1, "actor": s.actor.name(), "text": s.text, "attacker_gains": s.attacker_gains}))
        .collect();
    let chart: Vec<Value> = session_risk::usefulness(scenario)
        .iter()
        .map(|r| json!({"label": r.label, "seconds": seconds(r.seconds), "text": r.text}))
        .collect();
    json!({
        "attack": kind.name(),
        "defences": defences,
        "title": scenario.title,
        "steps": steps,
        "attacker_wins": scenario.attacker_wins,
        "gaining_steps": scenario.gaining_steps(),
        "blocked_steps": scenario.blocked_steps(),
        "useful_for": scenario.useful_for.map(|s| json!({"seconds": seconds(s), "text": lifetime_text(s)})),
        "verdict": scenario.verdict,
        "defence": scenario.defence,
        "lifetimes": {
            "idle_timeout": lifetimes.idle_timeout,
            "absolute_timeout": lifetimes.absolute_timeout,
            "jwt_remaining": seconds(lifetimes.jwt_remaining),
            "jwt_remaining_text": lifetime_text(lifetimes.jwt_remaining),
            "jwt_source": source,
        },
        "stolen_credential_useful_for": chart,
    })
}

fn step_numbers(steps: &[usize]) -> String {
    let list: Vec<String> = steps.iter().map(ToString::to_string).collect();
    format!("{} {}", if steps.len() == 1 { "step" } else { "steps" }, list.join(", "))
}

fn session_risk_text(defences: &[&str], s: &RiskScenario, l: &SessionLifetimes, source: &str) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "{}", s.title);
    let on = if defences.is_empty() { "none".to_owned() } else { defences.join(", ") };
    let _ = writeln!(text, "Defences: {on}");
    let _ = writeln!(
        text,
        "Session idle timeout {}, absolute limit {}; JWT lifetime left: {} ({source})\n",
        lifetime_text(l.idle_timeout),
        lifetime_text(l.absolute_timeout),
        lifetime_text(l.jwt_remaining)
    );
    for (i, step) in s.steps.iter().enumerate() {
        let mark = match step.attacker_gains {
            Some(true) => "  [attacker gains]",
            Some(false) => "  [blocked]",
            None => "",
        };
        let _ = writeln!(text, "{:>2}. {:<8} {}{mark}", i + 1, step.actor.name(), step.text);
    }
    let (gains, blocks) = (s.gaining_steps(), s.blocked_steps());
    let outcome = match (s.attacker_wins, blocks.is_empty()) {
        (true, true) => format!("the attack succeeds (the attacker gains at {})", step_numbers(&gains)),
        (true, false) => format!(
            "the attack succeeds (the attacker gains at {}; blocked at {})",
            step_numbers(&gains),
            step_numbers(&blocks)
        ),
        (false, _) => format!("the attack is blocked at {}", step_numbers(&blocks)),
    };
    let _ = writeln!(text, "\nOutcome: {outcome}");
    if let Some(useful) = s.useful_for {
        let how_long = if useful.is_infinite() { String::new() } else { "for ".to_owned() };
        let _ = writeln!(text, "The stolen credential stays useful {how_long}{}", lifetime_text(useful));
    }
    let _ = writeln!(text, "Verdict: {}", s.verdict);
    let _ = writeln!(text, "Defence: {}", s.defence);
    let _ = writeln!(text, "\nHow long a stolen credential stays useful:");
    for row in session_risk::usefulness(s) {
        let _ = writeln!(text, "  {:<40} {}", row.label, row.text);
    }
    text
}
