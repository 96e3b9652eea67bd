//! `tokenbench simulate revocation`: the revocation lab on the command line. Flags, a scenario
//! file or a token make a [`RevocationScenario`]; the figures printed are those of the
//! [`RevocationLab`] the window holds for it, so every figure the window shows (with `--details`
//! and `--at` for the ones beyond the contract) is printed here with the same numbers.
//!
//! Exit 0; 2 with a message naming the flag or scenario member when the input cannot be
//! simulated.

use crate::core::text::exact_duration;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Value, json};

use super::{out, out_json};
use crate::core::engine::clock::format_utc;
use crate::core::engine::error::Error;
use crate::core::engine::limits;
use crate::core::engine::timeline::TokenTimeline;
use crate::core::engine::token;
use crate::core::labs::revocation::{
    Event, EventKind, Holder, MAX_SCENARIO_BYTES, RevocationLab, RevocationScenario, ScaleInputs, ScenarioError,
    Simulation, Status, StrategyOutcome, TokenLifetime, at_scale,
};
use crate::core::text::visible;

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
    /// refused: it never expires, so no simulation can end it; with `--event key-rotated` it is
    /// run as the lab's "Show me" runs it, the signing key rotated a third into token-ttl.
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
    /// Add what the lab's window shows besides the contract's figures: the scenario run, the
    /// event's words, each strategy's caption, summary, record and (for a login that had
    /// expired before the event) when it expired, and with --scale the plot against token-ttl.
    #[arg(long)]
    pub details: bool,
    /// Add who is accepted at this instant (the lab's "User now" and event-subject columns) and
    /// what the server keeps then, Unix seconds.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub at: Option<f64>,
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

/// Runs `simulate revocation`; the exit code.
pub(super) fn run(args: &RevocationArgs) -> Result<u8, Error> {
    if let Some(at) = args.at
        && !at.is_finite()
    {
        return Ok(usage(&format!("--at: {at} is not an instant: give a finite number of Unix seconds")));
    }
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
    // The window's lab on this scenario: what it holds is what is printed.
    let lab = match &token_lifetime {
        Some(l) if l.endless() => RevocationLab::on_endless_token(scenario, l),
        _ => RevocationLab::new(scenario),
    };
    let report = Report { scale: args.scale, details: args.details, at: args.at };
    if args.json {
        let mut value = report_json(&lab, report);
        if let Some(l) = &token_lifetime {
            value["token_lifetime"] = json!({"kind": kind_name(l), "seconds": l.seconds(), "text": l.describe()});
        }
        out_json(&value);
    } else {
        out(&revocation_text(&lab, report));
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
fn read_scenario(path: &Path) -> Result<Result<RevocationScenario, ScenarioError>, Error> {
    let io = |reason: String| Error::Io { path: path.display().to_string(), reason };
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().take(MAX_SCENARIO_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| io(e.to_string()))?;
        bytes
    } else {
        limits::read_file(path)?
    };
    let text = String::from_utf8(bytes).map_err(|_| io("the file is not UTF-8 text".into()))?;
    Ok(RevocationScenario::from_json_unchecked(&text))
}

/// The scenario on a token's lifetime (`--token`): the lab's starting point moved onto the
/// token by the rule every lab uses ([`RevocationScenario::on_token`]), then the flags.
fn scenario_from_token(
    arg: &str,
    args: &RevocationArgs,
    kind: EventKind,
) -> Result<(RevocationScenario, TokenLifetime), String> {
    let text = super::read_token_arg(arg).map_err(|e| format!("--token: {e}"))?;
    let parsed = token::parse(text.trim()).map_err(|e| format!("--token: {e}"))?;
    // A JWE, or a payload that is not a JSON object: said as every lab says it (the payload's
    // own note names what it is instead: an array, text, empty...).
    let timeline = TokenTimeline::from_token(&parsed, 0).ok_or_else(|| match parsed.payload_note() {
        Some(note) if parsed.kind != crate::core::engine::token::Kind::Jwe => format!("--token: {note}"),
        _ => format!("--token: the token {}", crate::core::labs::flows::credential::unusable_reason(&parsed)),
    })?;
    let lifetime = TokenLifetime::of_timeline(&timeline);
    let mut base = RevocationScenario::example(0);
    if let Some(a) = args.access_ttl {
        base.access_ttl = a;
    }
    // A token no exp ends runs only on the one thing that ends it, the key's rotation, as the
    // lab's "Show me" runs it; any other event is refused in the rule's words.
    let shown = if lifetime.endless() && kind == EventKind::KeyRotated {
        base.showing_endless(&timeline)
    } else {
        base.on_token(&timeline)
    };
    let mut s = shown.map_err(|e| {
        if lifetime.endless() {
            format!(
                "--token: {e} (--event key-rotated shows what ends it; or give --login-at, --token-ttl, \
                 --access-ttl and --revoke-at instead of --token to simulate a lifetime)"
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
fn scenario_from_flags(args: &RevocationArgs) -> Result<(RevocationScenario, Option<TokenLifetime>), String> {
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
    let scenario = RevocationScenario {
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
pub fn scale_json(scenario: &RevocationScenario) -> Value {
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

/// What `simulate revocation` prints beyond the contract's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Report {
    /// The at-scale steady state (`--scale`).
    pub scale: bool,
    /// What the window shows besides the contract's figures (`--details`).
    pub details: bool,
    /// Who is accepted at this instant, and what the server keeps then (`--at`).
    pub at: Option<f64>,
}

/// Everything `simulate revocation --json` prints for the lab (but the token's lifetime, which
/// the lab does not hold): the contract's [`revocation_json`], and as `report` asks, `scale`
/// ([`scale_json`], with the plot's `series` for `details`), the `details` of the scenario and
/// each strategy, and `at` with each strategy's `status_at`. `endless_note` is there whenever
/// the lab shows a token no exp ends.
#[must_use]
pub fn report_json(lab: &RevocationLab, report: Report) -> Value {
    let sim = lab.simulation();
    let mut value = revocation_json(sim);
    if let Some(note) = lab.endless_note() {
        value["endless_note"] = json!(note);
    }
    if report.details {
        let s = lab.scenario();
        let file: Value = serde_json::from_str(&s.to_json()).unwrap_or(Value::Null);
        value["scenario"] = file;
        value["event"] = json!({
            "title": s.event.kind.title(),
            "subject": s.event.kind.subject(),
            "caption": s.event.kind.caption(),
        });
    }
    if let Some(list) = value["strategies"].as_array_mut() {
        for (entry, o) in list.iter_mut().zip(&sim.outcomes) {
            if report.details {
                entry["caption"] = json!(o.strategy.caption());
                entry["summary"] = json!(o.summary);
                entry["expired_at"] = json!(o.expired_at);
                entry["record"] = o
                    .record
                    .as_ref()
                    .map_or(Value::Null, |r| json!({"key": r.key, "value": r.value, "bytes": r.bytes()}));
            }
            if let Some(t) = report.at {
                entry["status_at"] = json!({
                    "user": status_json(o, t, Holder::User),
                    "subject": status_json(o, t, Holder::Other),
                    "records": o.records_at(t),
                    "bytes": o.bytes_at(t),
                });
            }
        }
    }
    if let Some(t) = report.at {
        value["at"] = json!(t);
    }
    if report.scale {
        value["scale"] = scale_json(lab.scenario());
        if report.details {
            let series: Vec<Value> =
                lab.series().iter().map(|s| json!({"name": s.strategy.name(), "points": s.points})).collect();
            value["scale"]["series"] = json!(series);
        }
    }
    value
}

/// A holder's status at `t` as the lab's table shows it: accepted or refused and why, and for
/// jwt-refresh the access token accepted then.
fn status_json(o: &StrategyOutcome, t: f64, holder: Holder) -> Value {
    let status: Status = if holder == Holder::User { o.user_status(t) } else { o.subject_status(t) };
    let mut value = json!({"accepted": status.accepted, "reason": status.reason});
    if status.accepted
        && let Some(tok) = o.access_token_at(t, holder)
    {
        value["access_token"] = json!({"number": tok.number, "exp": tok.exp});
    }
    value
}

/// The report as text: the scenario, the table, one sentence per strategy, then what `report`
/// adds.
#[must_use]
pub fn revocation_text(lab: &RevocationLab, report: Report) -> String {
    use std::fmt::Write as _;
    let sim = lab.simulation();
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
        exact_duration(s.event.at - s.login_at),
        format_utc(s.login_at as f64),
    );
    let _ = write!(
        text,
        "token-ttl {}, access-ttl {}, leeway {}",
        exact_duration(s.token_ttl),
        exact_duration(s.access_ttl),
        exact_duration(s.leeway)
    );
    if s.event.kind.has_theft() {
        let _ = write!(text, ", stolen at {}", format_utc(s.stolen_at() as f64));
    }
    let _ = writeln!(text, "\n");
    if let Some(note) = lab.endless_note() {
        let _ = writeln!(text, "{note}\n");
    }
    if report.details {
        let _ = writeln!(text, "{}\n", s.event.kind.caption());
    }
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
            exact_duration(o.exposure_seconds),
            o.lookups_per_request,
            o.server_state_entries
        );
    }
    let _ = writeln!(text);
    for o in &sim.outcomes {
        let _ = writeln!(text, "{:<13} {}", o.strategy.name(), o.summary);
    }
    // Said where the denylist and version strategies are shown, as the window says it.
    let _ = writeln!(text, "\n{}", crate::core::labs::revocation::SERVER_STATE_BACK);
    text.push_str(&detail_text(sim, report));
    if report.scale {
        let inputs: ScaleInputs = s.scale.unwrap_or_default();
        let _ = writeln!(
            text,
            "\nAt scale: {} users, {} signed in, {} requests/s, {} revocations/day",
            inputs.users, inputs.active_users, inputs.requests_per_second, inputs.revocations_per_day
        );
        let _ = writeln!(text, "{:<13} {:>14} {:>14} {:>14}  grows with", "strategy", "entries", "bytes", "lookups/s");
        for r in lab.scale_rows() {
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

/// What `--details` (each strategy's record) and `--at` (who is accepted then) add to the text.
fn detail_text(sim: &Simulation, report: Report) -> String {
    use std::fmt::Write as _;
    let s = &sim.scenario;
    let mut text = String::new();
    if report.details {
        let _ = writeln!(text);
        for o in &sim.outcomes {
            let record = o.record.as_ref().map_or_else(
                || "nothing is stored".to_owned(),
                |r| format!("one record: {} = {} ({} B)", r.key, r.value, r.bytes()),
            );
            let _ = writeln!(text, "{:<13} {record}", o.strategy.name());
        }
    }
    if let Some(t) = report.at {
        let _ = writeln!(text, "\nAt {} ({t}):", format_utc(t));
        let _ = writeln!(text, "{:<13} {:<40} {:<40} {:>8}", "strategy", "user", s.event.kind.subject(), "records");
        for o in &sim.outcomes {
            let word = |st: Status| format!("{}: {}", if st.accepted { "accepted" } else { "refused" }, st.reason);
            let _ = writeln!(
                text,
                "{:<13} {:<40} {:<40} {:>8}",
                o.strategy.name(),
                word(o.user_status(t)),
                word(o.subject_status(t)),
                o.records_at(t)
            );
        }
    }
    text
}
