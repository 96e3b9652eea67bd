//! `tokenbench simulate …`: the labs' models on the command line, each with an exact JSON
//! contract and the same numbers as its view.
//!
//! `simulate revocation` runs [`crate::core::labs::revocation`]: one login, one revocation (or another
//! event), five strategies. Exit 0; 2 with a message naming the flag or scenario member when
//! the input cannot be simulated. `simulate flow` runs [`crate::core::labs::flows`] (see `flow.rs`).

use std::io::Read as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::flows::{self, FlowArgs};
use super::{out, out_json};
use crate::core::engine::clock::format_utc;
use crate::core::engine::error::Error;
use crate::core::engine::limits;
use crate::core::engine::timeline::TokenTimeline;
use crate::core::engine::token;
use crate::core::labs::revocation::{
    Event, EventKind, MAX_SCENARIO_BYTES, ScaleInputs, Scenario, ScenarioError, Simulation, TokenLifetime, at_scale,
    duration_text, simulate,
};
use crate::core::text::visible;

/// `tokenbench simulate …`.
#[derive(Debug, Subcommand)]
pub enum SimulateCommand {
    /// Revoke one login at an instant and compare five strategies: session, jwt, jwt-refresh,
    /// jwt-denylist, jwt-version.
    Revocation(Box<RevocationArgs>),
    /// Session vs JWT request flows: lookups, verifications, bytes, failures and replication for
    /// N servers, U users and R requests.
    Flow(Box<FlowArgs>),
    /// Session fixation, a stolen session cookie or a stolen JWT, step by step: where the attack
    /// succeeds or is blocked, and how long the stolen credential stays useful.
    SessionRisk(Box<super::session_risk::SessionRiskArgs>),
}

/// `tokenbench simulate revocation`: flags, or a scenario file.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
pub struct RevocationArgs {
    /// Lifetime of the session, of the jwt strategies' token and of the refresh token, seconds.
    #[arg(long, value_name = "S", allow_negative_numbers = true, required_unless_present_any = ["scenario", "token"])]
    pub token_ttl: Option<i64>,
    /// Lifetime of a jwt-refresh access token, seconds (at most token-ttl) [with --token:
    /// 300, or the token's lifetime when shorter].
    #[arg(long, value_name = "S", allow_negative_numbers = true, required_unless_present_any = ["scenario", "token"])]
    pub access_ttl: Option<i64>,
    /// When the user logs in, Unix seconds.
    #[arg(long, value_name = "T", allow_negative_numbers = true, required_unless_present_any = ["scenario", "token"])]
    pub login_at: Option<i64>,
    /// When the user's credentials are revoked (the event's instant), Unix seconds [with
    /// --token: 17 minutes after the login, or a third of the lifetime when it is shorter].
    #[arg(long, value_name = "T", allow_negative_numbers = true, required_unless_present_any = ["scenario", "token"])]
    pub revoke_at: Option<i64>,
    /// Take the login (nbf, else iat) and token-ttl (exp minus it) from a token, as the lab's
    /// "Use the decoded token": the token, `-` for stdin, or `@FILE`. A token without exp is
    /// refused: it never expires, so no simulation can end it.
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["scenario", "token_ttl", "login_at"])]
    pub token: Option<String>,
    /// Leeway past exp for jwt and jwt-refresh, seconds [default: 0].
    #[arg(long, value_name = "S", allow_negative_numbers = true, conflicts_with = "scenario")]
    pub leeway: Option<i64>,
    /// What happens at revoke-at: logout (default), password-change, account-suspended,
    /// token-stolen, key-rotated, refresh-reuse.
    #[arg(long, value_name = "KIND", conflicts_with = "scenario")]
    pub event: Option<String>,
    /// token-stolen and refresh-reuse: when the attacker copied the credentials [default: login-at].
    #[arg(long, value_name = "T", allow_negative_numbers = true, conflicts_with = "scenario")]
    pub stolen_at: Option<i64>,
    /// Run a scenario file instead (JSON; format in assets/scenarios/README.md), `-` for stdin.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["token_ttl", "access_ttl", "login_at", "revoke_at"])]
    pub scenario: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Add the at-scale steady state (records, bytes, lookups/s per strategy).
    #[arg(long)]
    pub scale: bool,
    /// At scale: registered users [default: the scenario's, or 1000000].
    #[arg(long, value_name = "N", requires = "scale")]
    pub users: Option<u64>,
    /// At scale: users signed in at any moment [default: the scenario's, or 100000].
    #[arg(long, value_name = "N", requires = "scale")]
    pub active_users: Option<u64>,
    /// At scale: authenticated requests per second [default: the scenario's, or 5000].
    #[arg(long, value_name = "N", requires = "scale", allow_hyphen_values = true)]
    pub requests_per_second: Option<f64>,
    /// At scale: revocations per day [default: the scenario's, or 20000].
    #[arg(long, value_name = "N", requires = "scale", allow_hyphen_values = true)]
    pub revocations_per_day: Option<f64>,
}

/// Runs a `simulate` subcommand; the exit code.
pub(super) fn run(command: SimulateCommand) -> Result<u8, Error> {
    match command {
        SimulateCommand::Revocation(args) => revocation(&args),
        SimulateCommand::Flow(args) => flows::run(&args),
        SimulateCommand::SessionRisk(args) => super::session_risk::run(&args),
    }
}

fn revocation(args: &RevocationArgs) -> Result<u8, Error> {
    // With --token: the rule's verdict on its lifetime, printed with the figures.
    let mut token_lifetime = None;
    let scenario = match &args.scenario {
        Some(path) => match read_scenario(path)? {
            Ok(s) => s,
            Err(e) => return Ok(usage(&format!("{}: {e}", path.display()))),
        },
        None => match scenario_from_flags(args) {
            Ok((s, lifetime)) => {
                token_lifetime = lifetime;
                s
            }
            Err(message) => return Ok(usage(&message)),
        },
    };
    let mut scenario = scenario;
    // The flags override the file's population before anything is judged, so a flag can fix
    // what the file gets wrong.
    if args.scale {
        let mut inputs = scenario.scale.unwrap_or_default();
        inputs.users = args.users.unwrap_or(inputs.users);
        inputs.active_users = args.active_users.unwrap_or(inputs.active_users);
        inputs.requests_per_second = args.requests_per_second.unwrap_or(inputs.requests_per_second);
        inputs.revocations_per_day = args.revocations_per_day.unwrap_or(inputs.revocations_per_day);
        if let Err(e) = inputs.validate() {
            // Fewer users than signed-in users: the flag the user gave is the one at fault.
            if e.field == "scale.active_users" && args.users.is_some() && args.active_users.is_none() {
                return Ok(usage(&format!(
                    "--users: {} is fewer than the {} signed-in users (--active-users, from the scenario or the \
                     default)",
                    inputs.users, inputs.active_users
                )));
            }
            return Ok(usage(&flag_error(&e)));
        }
        scenario.scale = Some(inputs);
    }
    if let Some(path) = &args.scenario
        && let Err(e) = scenario.validate()
    {
        return Ok(usage(&format!("{}: {e}", path.display())));
    }
    let sim = simulate(&scenario);
    if args.json {
        let mut value = revocation_json(&sim);
        if let Some(l) = &token_lifetime {
            value["token_lifetime"] = json!({"kind": kind_name(l), "seconds": l.seconds(), "text": l.describe()});
        }
        if args.scale {
            value["scale"] = scale_json(&scenario);
        }
        out_json(&value);
    } else {
        out(&revocation_text(&sim, args.scale));
    }
    Ok(0)
}

/// Prints a usage error; exit code 2.
fn usage(message: &str) -> u8 {
    super::say(message);
    2
}

/// Reads a scenario file (or stdin for `-`), at most 10 MiB like every input, without judging
/// the rules between its members yet (the `--scale` flags may change some first).
fn read_scenario(path: &Path) -> Result<Result<Scenario, ScenarioError>, Error> {
    let io = |reason: String| Error::Io { path: path.display().to_string(), reason };
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().take(MAX_SCENARIO_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| io(e.to_string()))?;
        bytes
    } else {
        limits::read_file(path)?
    };
    let text = String::from_utf8(bytes).map_err(|_| io("the file is not UTF-8 text".into()))?;
    Ok(Scenario::from_json_unchecked(&text))
}

/// The scenario on a token's lifetime (`--token`): the lab's starting point moved onto the
/// token by the rule every lab uses ([`Scenario::on_token`]), then the flags.
fn scenario_from_token(arg: &str, args: &RevocationArgs, kind: EventKind) -> Result<(Scenario, TokenLifetime), String> {
    let text = super::read_token_arg(arg).map_err(|e| format!("--token: {e}"))?;
    let parsed = token::parse(text.trim()).map_err(|e| format!("--token: {e}"))?;
    // A JWE, or a payload that is not a JSON object: said as every lab says it (the payload's
    // own note names what it is instead: an array, text, empty...).
    let timeline = TokenTimeline::from_token(&parsed, 0).ok_or_else(|| match parsed.payload_note() {
        Some(note) if parsed.kind != crate::core::engine::token::Kind::Jwe => format!("--token: {note}"),
        _ => format!("--token: the token {}", crate::core::labs::flows::credential::unusable_reason(&parsed)),
    })?;
    let lifetime = TokenLifetime::of_timeline(&timeline);
    let mut base = Scenario::example(0);
    if let Some(a) = args.access_ttl {
        base.access_ttl = a;
    }
    let mut s = base.on_token(&timeline).map_err(|e| {
        if lifetime.endless() {
            format!(
                "--token: {e} (give --login-at, --token-ttl, --access-ttl and --revoke-at instead of --token to \
                 simulate a lifetime)"
            )
        } else {
            format!("--token: {e}")
        }
    })?;
    s.event.kind = kind;
    s.leeway = args.leeway.unwrap_or(0);
    if let Some(at) = args.revoke_at {
        s.event.at = at;
    }
    s.event.stolen_at = args.stolen_at;
    s.validate().map_err(|e| flag_error(&e))?;
    Ok((s, lifetime))
}

/// The kind of a lifetime, as the JSON's `token_lifetime.kind` names it.
fn kind_name(l: &TokenLifetime) -> &'static str {
    match l {
        TokenLifetime::Bounded { .. } => "bounded",
        TokenLifetime::NeverValid { .. } => "never-valid",
        TokenLifetime::NeverExpires => "never-expires",
        TokenLifetime::BeyondModel { .. } => "beyond-model",
        TokenLifetime::Unknown { .. } => "unknown",
    }
}

/// The scenario the flags describe, or what is wrong with them (naming the flag).
fn scenario_from_flags(args: &RevocationArgs) -> Result<(Scenario, Option<TokenLifetime>), String> {
    let missing = |flag: &str| format!("{flag} is required (or give --scenario FILE)");
    let kind = match args.event.as_deref() {
        None => EventKind::Logout,
        Some(name) => EventKind::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
            format!("--event: {name:?} is not one of {}", names.join(", "))
        })?,
    };
    if let Some(arg) = &args.token {
        return scenario_from_token(arg, args, kind).map(|(s, l)| (s, Some(l)));
    }
    let login_at = args.login_at.ok_or_else(|| missing("--login-at"))?;
    let scenario = Scenario {
        name: String::new(),
        description: String::new(),
        login_at,
        token_ttl: args.token_ttl.ok_or_else(|| missing("--token-ttl"))?,
        access_ttl: args.access_ttl.ok_or_else(|| missing("--access-ttl"))?,
        leeway: args.leeway.unwrap_or(0),
        event: Event { kind, at: args.revoke_at.ok_or_else(|| missing("--revoke-at"))?, stolen_at: args.stolen_at },
        scale: None,
    };
    scenario.validate().map_err(|e| flag_error(&e))?;
    Ok((scenario, None))
}

/// A scenario error in the command line's words: `event.at` is `--revoke-at`…
fn flag_error(e: &ScenarioError) -> String {
    const NAMES: [(&str, &str); 10] = [
        ("event.stolen_at", "--stolen-at"),
        ("event.at", "--revoke-at"),
        ("token_ttl", "--token-ttl"),
        ("access_ttl", "--access-ttl"),
        ("login_at", "--login-at"),
        ("leeway", "--leeway"),
        ("scale.active_users", "--active-users"),
        ("scale.users", "--users"),
        ("scale.requests_per_second", "--requests-per-second"),
        ("scale.revocations_per_day", "--revocations-per-day"),
    ];
    let flag = NAMES.iter().find(|(f, _)| *f == e.field).map_or(e.field.as_str(), |(_, flag)| flag);
    let message = NAMES.iter().fold(e.message.clone(), |m, (field, flag)| m.replace(field, flag));
    format!("{flag}: {message}")
}

/// The contract's JSON: `{"strategies": [{"name", "accepted_until", "exposure_seconds",
/// "lookups_per_request", "server_state_entries"}, …]}`, the five strategies in order.
#[must_use]
pub fn revocation_json(sim: &Simulation) -> Value {
    let strategies: Vec<Value> = sim
        .outcomes
        .iter()
        .map(|o| {
            json!({
                "name": o.strategy.name(),
                "accepted_until": o.accepted_until,
                "exposure_seconds": o.exposure_seconds,
                "lookups_per_request": o.lookups_per_request,
                "server_state_entries": o.server_state_entries,
            })
        })
        .collect();
    json!({ "strategies": strategies })
}

/// The at-scale steady state: the inputs and, per strategy, entries, bytes and lookups/s.
#[must_use]
pub fn scale_json(scenario: &Scenario) -> Value {
    let inputs = scenario.scale.unwrap_or_default();
    let rows: Vec<Value> = at_scale(scenario)
        .iter()
        .map(|r| {
            json!({
                "name": r.strategy.name(),
                "entries": r.entries,
                "bytes": r.bytes,
                "lookups_per_second": r.lookups_per_second,
                "grows_with": r.grows_with,
            })
        })
        .collect();
    json!({
        "inputs": {
            "users": inputs.users,
            "active_users": inputs.active_users,
            "requests_per_second": inputs.requests_per_second,
            "revocations_per_day": inputs.revocations_per_day,
            "token_ttl": scenario.token_ttl,
            "access_ttl": scenario.access_ttl,
        },
        "strategies": rows,
    })
}

fn revocation_text(sim: &Simulation, with_scale: bool) -> String {
    use std::fmt::Write as _;
    let s = &sim.scenario;
    let mut text = String::new();
    if !s.name.is_empty() {
        // The file's text: a line feed in it must not start a line of the report.
        let _ = writeln!(text, "{}", visible(&s.name));
    }
    let _ = writeln!(
        text,
        "{} at {}, {} after the login at {}",
        s.event.kind.title(),
        format_utc(s.event.at as f64),
        duration_text(s.event.at - s.login_at),
        format_utc(s.login_at as f64),
    );
    let _ = write!(
        text,
        "token-ttl {}, access-ttl {}, leeway {}",
        duration_text(s.token_ttl),
        duration_text(s.access_ttl),
        duration_text(s.leeway)
    );
    if s.event.kind.has_theft() {
        let _ = write!(text, ", stolen at {}", format_utc(s.stolen_at() as f64));
    }
    let _ = writeln!(text, "\n");
    let _ = writeln!(
        text,
        "{:<13} {:<31} {:>12} {:>16} {:>15}",
        "strategy", "accepted until", "exposure", "lookups/request", "server entries"
    );
    for o in &sim.outcomes {
        // A credential that had expired before the event was not accepted until the event: the
        // JSON's accepted_until is the event by definition, the text says when it expired.
        let until = match o.expired_at {
            Some(at) => format!("expired {}", format_utc(at as f64)),
            None => format_utc(o.accepted_until as f64),
        };
        let _ = writeln!(
            text,
            "{:<13} {:<31} {:>12} {:>16} {:>15}",
            o.strategy.name(),
            until,
            duration_text(o.exposure_seconds),
            o.lookups_per_request,
            o.server_state_entries
        );
    }
    let _ = writeln!(text);
    for o in &sim.outcomes {
        let _ = writeln!(text, "{:<13} {}", o.strategy.name(), o.summary);
    }
    if with_scale {
        let inputs: ScaleInputs = s.scale.unwrap_or_default();
        let _ = writeln!(
            text,
            "\nAt scale: {} users, {} signed in, {} requests/s, {} revocations/day",
            inputs.users, inputs.active_users, inputs.requests_per_second, inputs.revocations_per_day
        );
        let _ = writeln!(text, "{:<13} {:>14} {:>14} {:>14}  grows with", "strategy", "entries", "bytes", "lookups/s");
        for r in at_scale(s) {
            let _ = writeln!(
                text,
                "{:<13} {:>14.0} {:>14.0} {:>14.1}  {}",
                r.strategy.name(),
                r.entries,
                r.bytes,
                r.lookups_per_second,
                r.grows_with
            );
        }
    }
    text
}
