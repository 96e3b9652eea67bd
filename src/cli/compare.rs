//! `tokenbench compare`: the Compare tab's nine rows and three misconceptions on the command
//! line, computed by the same model ([`crate::core::labs::compare`]) from the same inputs: the token
//! (or the typical one), the keys, the Flows lab's parameters and the revocation lab's at-scale
//! inputs (the labs' defaults unless given), plus the advisor's answers for the advice.
//!
//! Text by default, `--markdown` for the report the tab exports, `--json` for scripts. No token,
//! key or secret is printed unless `--include-token` (and then only the token). Exit 0, or 2
//! for unusable input.

use crate::core::text::exact_duration;
use std::fmt::Write as _;
use std::time::Duration;

use clap::Args;

use super::key_args::KeyArgs;

use super::advise::AnswerArgs;
use super::{advice_text, out, out_json, read_token_arg};
use crate::core::engine::clock::{format_utc, system_now};
use crate::core::engine::error::Error;
use crate::core::engine::token;
use crate::core::labs::compare::advise;
use crate::core::labs::compare::report::{self, Report};
use crate::core::labs::compare::{self, Comparison, FlowSettings, Inputs};
use crate::core::labs::flows::credential::{self, Credential};
use crate::core::labs::flows::lab;
use crate::core::labs::revocation::{MAX_TIME, RevocationScenario, ScaleInputs, Seconds};

/// Time spent measuring each operation (as the Flows lab does).
const MEASURE_BUDGET: Duration = Duration::from_millis(15);

/// Arguments of `tokenbench compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The token the figures are about: the token, `-` for stdin, or `@FILE` (default: a typical
    /// OIDC access token signed with the bundled demo key).
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// The keys and secrets that verify (or sign) the token.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Judge at this instant (Unix seconds); default: now. The revocation lab runs a logout
    /// at this instant, so it must lie within the revocation model's range (up to the year 5138).
    #[arg(long, value_name = "UNIX_SECONDS", value_parser = crate::core::engine::limits::parse_instant, allow_hyphen_values = true)]
    pub at: Option<f64>,
    /// Flows lab: app servers (default 4, at most 50 as in the window).
    #[arg(long, value_name = "N")]
    pub servers: Option<u32>,
    /// Flows lab: users (default 12, at most 100000).
    #[arg(long, value_name = "U")]
    pub users: Option<u32>,
    /// Flows lab: requests (default 240, at most 10000000).
    #[arg(long, value_name = "R")]
    pub requests: Option<u64>,
    /// Flows lab: services each request fans out to (default 0, at most 8; the microservices row then uses 4).
    #[arg(long, value_name = "M")]
    pub services: Option<u32>,
    /// Flows lab: round trip to a remote session store, ms (default 0.5, 0 to 1000).
    #[arg(long, value_name = "MS", allow_negative_numbers = true)]
    pub latency_ms: Option<f64>,
    /// Revocation lab at scale: users signed in at any moment (default 100000).
    #[arg(long, value_name = "N")]
    pub signed_in: Option<u64>,
    /// Revocation lab at scale: revocations per day (default 20000).
    #[arg(long, value_name = "N")]
    pub revocations_per_day: Option<f64>,
    /// Revocation lab: leeway past exp, seconds (default 0; 0 or more).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub leeway: Option<Seconds>,
    /// The advisor's answers.
    #[command(flatten)]
    pub answers: AnswerArgs,
    /// Include the token in the output (never keys or secrets).
    #[arg(long)]
    pub include_token: bool,
    /// Print the Markdown report the Compare tab exports.
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

impl CompareArgs {
    /// The Flows lab's parameters these arguments give.
    #[must_use]
    pub fn flow_settings(&self) -> FlowSettings {
        let d = FlowSettings::default();
        FlowSettings {
            servers: self.servers.unwrap_or(d.servers),
            users: self.users.unwrap_or(d.users),
            requests: self.requests.unwrap_or(d.requests),
            services: self.services.unwrap_or(d.services),
            store_latency_ms: self.latency_ms.unwrap_or(d.store_latency_ms),
        }
    }

    /// The revocation lab's scenario these arguments give: its example, at `now`'s minute.
    ///
    /// # Errors
    /// Inputs the lab would refuse, in the command line's words: more signed in than users, a
    /// negative rate, a negative or too long `--leeway`, an `--at` beyond the model's range.
    pub fn revocation_scenario(&self, now: f64) -> Result<RevocationScenario, String> {
        #[allow(clippy::cast_possible_truncation)]
        let minute = (now / 60.0).floor() as Seconds * 60;
        let mut s = RevocationScenario::example(minute);
        let d = s.scale.unwrap_or_default();
        let scale = ScaleInputs {
            active_users: self.signed_in.unwrap_or(d.active_users),
            revocations_per_day: self.revocations_per_day.unwrap_or(d.revocations_per_day),
            ..d
        };
        scale.validate().map_err(|e| crate::core::labs::compare::scale_flag_error(&e, &scale))?;
        s.scale = Some(scale);
        // Never clamped: a negative leeway is refused, as `simulate revocation` refuses it.
        if let Some(l) = self.leeway {
            s.leeway = l;
        }
        s.validate().map_err(|e| match e.field.as_str() {
            "leeway" => format!("--leeway: {}", e.message),
            // The scenario's instants come from --at alone: say so, not which member broke.
            "login_at" | "event.at" => {
                // The latest second whose minute, plus the logout's offset, is still in range.
                let offset = s.event.at - s.login_at;
                let latest = (MAX_TIME - offset).div_euclid(60) * 60 + 59;
                let (latest_f, max_f) = (latest as f64, MAX_TIME as f64);
                format!(
                    "--at: {now} ({}) is too late for the revocation lab, which compare runs on a login at --at and \
                     a logout {} later: the model holds instants up to {}. Give an --at of at most {latest} ({})",
                    format_utc(now),
                    exact_duration(offset),
                    format_utc(max_f),
                    format_utc(latest_f)
                )
            }
            _ => e.to_string(),
        })?;
        Ok(s)
    }
}

fn fail(message: &str) -> u8 {
    super::say(message);
    2
}

pub(super) fn compare_cmd(args: &CompareArgs) -> Result<u8, Error> {
    let now = args.at.unwrap_or_else(system_now);
    let loaded = match &args.token {
        Some(arg) => Some(token::parse(&read_token_arg(arg)?)?),
        None => None,
    };
    let keys = args.key.load()?;
    let flow = args.flow_settings();
    if let Err(e) = flow.validate() {
        return Ok(fail(&e));
    }
    // Compare runs the model about six times: the window's caps keep it to seconds.
    let caps = lab::check_caps(flow.servers, flow.users, flow.requests, flow.services, flow.store_latency_ms);
    if let Err(e) = caps {
        return Ok(fail(&e));
    }
    let lab = match args.revocation_scenario(now) {
        Ok(s) => s,
        Err(e) => return Ok(fail(&e)),
    };
    #[allow(clippy::cast_possible_truncation)]
    let iat = now.floor() as i64;
    let cred = Credential::choose(loaded.as_ref(), &keys, now, iat)?;
    let measured = credential::measure(&cred, flow.users, now, MEASURE_BUDGET)?;
    let inputs = Inputs {
        token: loaded.as_ref(),
        keys: &keys,
        now,
        credential: &cred,
        measured: Some(&measured),
        flow,
        revocation: &lab,
    };
    let comparison = match compare::compare(&inputs) {
        Ok(c) => c,
        Err(e) => return Ok(fail(&e)),
    };
    let answers = args.answers.answers();
    let advice = advise::advise(&answers);
    let shown_token = loaded.as_ref().map_or(cred.token.as_str(), |t| t.text.as_str());
    let r = Report {
        comparison: &comparison,
        answers: &answers,
        advice: &advice,
        keys: &keys,
        now,
        token: args.include_token.then_some(shown_token),
    };
    if args.json {
        out_json(&report::json(&r));
    } else if args.markdown {
        out(&report::markdown(&r));
    } else {
        out(&text(&r));
    }
    Ok(0)
}

/// The human form: one block per factor, the myths, the advice.
#[must_use]
pub fn text(r: &Report<'_>) -> String {
    let c: &Comparison = r.comparison;
    let mut s = String::new();
    let t = &c.token;
    let bytes = crate::core::text::thousands(t.bytes as u64);
    let _ = writeln!(s, "Sessions vs JWT on: {}\n  {}, {bytes} B, {}", t.source, t.alg, t.lifetime_text());
    if let Some(token) = r.token {
        let _ = writeln!(s, "  token: {token}");
    }
    for k in r.keys {
        let _ = writeln!(s, "  key: {}", report::key_summary(k));
    }
    for row in &c.rows {
        let _ = writeln!(s, "\n{}: {}", row.factor.title(), row.caption);
        let _ = writeln!(s, "  sessions  {}", row.sessions.text);
        let _ = writeln!(s, "            ({})", row.sessions.source);
        let _ = writeln!(s, "  jwt       {}", row.jwt.text);
        let _ = writeln!(s, "            ({})", row.jwt.source);
        if row.factor == crate::core::labs::compare::advise::Factor::Complexity {
            // Each risk and pitfall with why, as the window lists them under the row.
            for item in c.surface.sessions.iter().chain(&c.surface.jwt) {
                let applies = if item.applies { "applies" } else { "does not apply" };
                let _ =
                    writeln!(s, "    {}: {applies} ({}); Security lab: {}", item.name, item.reason, item.demo.place());
            }
        }
    }
    s.push_str("\nMisconceptions\n");
    for m in &c.myths {
        let _ = writeln!(s, "\n  \"{}\"", m.claim);
        if let Some(context) = &m.context {
            let _ = writeln!(s, "  defaults: {context}");
        }
        let _ = writeln!(s, "  experiment: {}\n  result: {}", m.experiment, m.result);
    }
    s.push_str("\nAdvice\n");
    s.push_str(&advice_text(r.advice));
    s
}
