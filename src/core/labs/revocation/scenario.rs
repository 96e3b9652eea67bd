//! Scenarios: the inputs of the revocation lab, their JSON file format and their validation.
//!
//! The format (every time in Unix seconds, every duration in seconds, whole numbers):
//! ```json
//! {
//!   "name": "Logout 17 minutes after login",          // optional
//!   "description": "What the scenario shows",          // optional
//!   "login_at": 1700000000,
//!   "token_ttl": 3600,        // jwt lifetime; refresh-token lifetime from login
//!   "access_ttl": 300,        // jwt-refresh access-token lifetime, <= token_ttl
//!   "leeway": 0,              // optional, default 0; jwt and jwt-refresh only
//!   "event": {
//!     "kind": "logout",       // logout | password-change | account-suspended |
//!                             // token-stolen | key-rotated | refresh-reuse
//!     "at": 1700001020,       // the event (the revocation), >= login_at
//!     "stolen_at": 1700000600 // token-stolen and refresh-reuse only; login_at <= it <= at;
//!                             // default login_at
//!   },
//!   "scale": {                // optional: the at-scale view's inputs
//!     "users": 1000000, "active_users": 100000,
//!     "requests_per_second": 5000, "revocations_per_day": 20000
//!   }
//! }
//! ```
//! Unknown members are errors (a typo must not silently fall back to a default), so is `null`
//! for any member (leave an optional member out for its default), and every error names the
//! member it is about.

use std::fmt;

use crate::core::text::short_duration;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{MAX_TIME, ScaleInputs, Seconds};
use crate::core::engine::timeline::TokenTimeline;
use crate::core::text::visible;

/// The sample scenarios shipped in `assets/scenarios/`: (file name, JSON).
pub const SAMPLES: [(&str, &str); 7] = [
    ("logout.json", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/logout.json"))),
    (
        "password-change.json",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/password-change.json")),
    ),
    (
        "account-suspended.json",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/account-suspended.json")),
    ),
    ("token-stolen.json", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/token-stolen.json"))),
    ("key-rotated.json", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/key-rotated.json"))),
    ("refresh-reuse.json", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/refresh-reuse.json"))),
    (
        "refresh-reuse-race.json",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/refresh-reuse-race.json")),
    ),
];

/// The largest scenario file read: 10 MiB, like every input.
pub const MAX_SCENARIO_BYTES: usize = crate::core::engine::limits::MAX_INPUT_BYTES;

/// What happens at the event's instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// The user signs out.
    Logout,
    /// The user changes the password and signs in again.
    PasswordChange,
    /// An administrator suspends the account.
    AccountSuspended,
    /// An attacker copies what the user holds; the theft is reported at the event.
    TokenStolen,
    /// The signing key is removed from the verification keys.
    KeyRotated,
    /// An attacker presents a stolen refresh token (or, without one, the stolen credential).
    RefreshReuse,
}

impl EventKind {
    /// Every event, in menu order.
    pub const ALL: [EventKind; 6] = [
        EventKind::Logout,
        EventKind::PasswordChange,
        EventKind::AccountSuspended,
        EventKind::TokenStolen,
        EventKind::KeyRotated,
        EventKind::RefreshReuse,
    ];

    /// The name in scenario files and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Logout => "logout",
            EventKind::PasswordChange => "password-change",
            EventKind::AccountSuspended => "account-suspended",
            EventKind::TokenStolen => "token-stolen",
            EventKind::KeyRotated => "key-rotated",
            EventKind::RefreshReuse => "refresh-reuse",
        }
    }

    /// The event by its name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// A title for menus.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            EventKind::Logout => "Logout",
            EventKind::PasswordChange => "Password change",
            EventKind::AccountSuspended => "Account suspended",
            EventKind::TokenStolen => "Token stolen",
            EventKind::KeyRotated => "Signing key rotated",
            EventKind::RefreshReuse => "Refresh token reused",
        }
    }

    /// One sentence on what happens and what must stop working.
    #[must_use]
    pub fn caption(self) -> &'static str {
        match self {
            EventKind::Logout => {
                "The user signs out; what must stop working is any copy of the credential left behind (a shared \
                 computer, a proxy log)."
            }
            EventKind::PasswordChange => {
                "The user changes the password and signs in again; every credential issued before the change must \
                 stop working."
            }
            EventKind::AccountSuspended => {
                "An administrator suspends the account; the user keeps presenting what they hold and cannot sign in \
                 again."
            }
            EventKind::TokenStolen => {
                "An attacker copies everything the user holds from stolen-at on; at the event the theft is reported, \
                 the user's credentials are revoked and the user signs in again."
            }
            EventKind::KeyRotated => {
                "The signing key leaked and is removed from the verification keys: every token it signed must stop \
                 working (sessions are not signed)."
            }
            EventKind::RefreshReuse => {
                "An attacker took the long-lived credential at stolen-at and uses it at the event; only refresh-token \
                 rotation with reuse detection notices, and then revokes the whole family."
            }
        }
    }

    /// Who or what the event targets, as a column title.
    #[must_use]
    pub fn subject(self) -> &'static str {
        match self {
            EventKind::Logout => "Logged-out copy",
            EventKind::PasswordChange => "Pre-change credential",
            EventKind::AccountSuspended => "Suspended user",
            EventKind::TokenStolen => "Thief's copy",
            EventKind::KeyRotated => "Old-key credential",
            EventKind::RefreshReuse => "Attacker",
        }
    }

    /// Whether the event has a `stolen_at`.
    #[must_use]
    pub fn has_theft(self) -> bool {
        matches!(self, EventKind::TokenStolen | EventKind::RefreshReuse)
    }
}

/// The event of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// What happens.
    pub kind: EventKind,
    /// When (the revocation instant), Unix seconds.
    pub at: Seconds,
    /// When the attacker copied the credentials (theft events only; default: the login).
    pub stolen_at: Option<Seconds>,
}

/// One user, one login, one event: what the five strategies are run on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevocationScenario {
    /// A title.
    pub name: String,
    /// What the scenario shows.
    pub description: String,
    /// The login, Unix seconds.
    pub login_at: Seconds,
    /// Lifetime of the jwt strategies' tokens and of the refresh token, seconds.
    pub token_ttl: Seconds,
    /// Lifetime of a jwt-refresh access token, seconds.
    pub access_ttl: Seconds,
    /// Leeway granted past `exp` by the strategies without a server-side check, seconds.
    pub leeway: Seconds,
    /// The event.
    pub event: Event,
    /// Inputs of the at-scale view.
    pub scale: Option<ScaleInputs>,
}

/// A scenario that cannot be simulated, naming the member at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The member's path in the file (`token_ttl`, `event.at`…).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ScenarioError {}

fn err(field: &str, message: impl Into<String>) -> ScenarioError {
    ScenarioError { field: field.to_owned(), message: message.into() }
}

impl RevocationScenario {
    /// The lab's starting point: a logout 17 minutes into a one-hour login with five-minute
    /// access tokens.
    #[must_use]
    pub fn example(login_at: Seconds) -> Self {
        Self {
            name: "Logout 17 minutes after login".into(),
            description: "One user signs in for an hour (five-minute access tokens for jwt-refresh) and logs out \
                          after 17 minutes: how long does a copy of what they held keep working?"
                .into(),
            login_at,
            token_ttl: 3600,
            access_ttl: 300,
            leeway: 0,
            event: Event { kind: EventKind::Logout, at: login_at + 1020, stolen_at: None },
            scale: Some(ScaleInputs::default()),
        }
    }

    /// A title that says what the scenario is now: "Logout 17 min after a 1 h login (5 min
    /// access tokens)", "Token stolen at +2 min, acted on 17 min after a 1 h login (…)".
    #[must_use]
    pub fn derived_name(&self) -> String {
        let after = short_duration(self.event.at - self.login_at);
        let what = if self.event.kind.has_theft() {
            let stolen = short_duration(self.stolen_at() - self.login_at);
            format!("{} at +{stolen}, acted on {after}", self.event.kind.title())
        } else {
            format!("{} {after}", self.event.kind.title())
        };
        let (ttl, access) = (short_duration(self.token_ttl), short_duration(self.access_ttl));
        let leeway = if self.leeway > 0 { format!(", {} leeway", short_duration(self.leeway)) } else { String::new() };
        format!("{what} after a {ttl} login ({access} access tokens{leeway})")
    }

    /// When the attacker copied the credentials: `event.stolen_at`, or the login.
    #[must_use]
    pub fn stolen_at(&self) -> Seconds {
        self.event.stolen_at.unwrap_or(self.login_at)
    }

    /// This scenario on the user's own tokens: the login at the access token's `nbf` (or
    /// `iat`), access-ttl its lifetime and token-ttl the refresh token's lifetime from that
    /// login; with no refresh token, one token whose lifetime is token-ttl (access-ttl kept
    /// when it fits). The event keeps its offset from the login when it still falls within the
    /// lifetime, else moves to a third of it. Lifetimes by the rule of
    /// [`super::TokenLifetime`]: a token that is never valid runs on 0 s, and says so in the
    /// scenario's name.
    ///
    /// # Errors
    /// A token without both a start (`nbf` or `iat`) and an `exp`, a lifetime beyond the
    /// model's range, or lifetimes that no scenario can hold (the refresh token ending before
    /// the access token).
    pub fn with_tokens(&self, access: &TokenTimeline, refresh: Option<&TokenTimeline>) -> Result<Self, String> {
        use super::TokenLifetime;
        let rule = TokenLifetime::of_timeline(access);
        let (start, lifetime) = match &rule {
            TokenLifetime::Bounded { start, seconds, .. } => (*start, *seconds),
            TokenLifetime::NeverValid { start, .. } => (*start, 0),
            TokenLifetime::NeverExpires | TokenLifetime::Unknown { .. } => {
                return Err("the token needs an exp and an iat or nbf to set the scenario's lifetimes".into());
            }
            TokenLifetime::BeyondModel { .. } => return Err(format!("the token's {}", rule.describe())),
        };
        #[allow(clippy::cast_possible_truncation)]
        let whole = |t: f64| t.round().clamp(-(MAX_TIME as f64), MAX_TIME as f64) as Seconds;
        let login_at = whole(start);
        let mut next = self.clone();
        next.login_at = login_at;
        if let Some(r) = refresh {
            let r_exp = r.exp.ok_or("the refresh token has no exp: set token-ttl by hand")?;
            if !r_exp.is_finite() || (r_exp.round() - login_at as f64).abs() > MAX_TIME as f64 {
                return Err(format!(
                    "the refresh token's exp ({r_exp:e}) is beyond the revocation model's range ({})",
                    super::lifetime::model_range_text()
                ));
            }
            let ttl = whole(r_exp) - login_at;
            if ttl < lifetime {
                return Err(format!(
                    "the refresh token ends {ttl} s after the login, before the access token ({lifetime} s): an \
                     access token never outlives its refresh token"
                ));
            }
            next.access_ttl = lifetime;
            next.token_ttl = ttl;
        } else {
            next.token_ttl = lifetime;
            next.access_ttl = self.access_ttl.min(lifetime);
        }
        let offset = self.event.at - self.login_at;
        next.event.at = login_at + if offset < next.token_ttl { offset } else { next.token_ttl / 3 };
        next.event.stolen_at = self.event.stolen_at.map(|s| (login_at + (s - self.login_at)).min(next.event.at));
        next.name = match (refresh.is_some(), &rule) {
            (false, TokenLifetime::NeverValid { .. }) => format!("Your token: {}", rule.describe()),
            (true, TokenLifetime::NeverValid { .. }) => format!("Your access token: {}", rule.describe()),
            (true, _) => "Your access and refresh tokens".into(),
            (false, _) => "Your token".into(),
        };
        next.description = "Lifetimes taken from the tokens you loaded.".into();
        next.validate().map_err(|e| e.to_string())?;
        Ok(next)
    }

    /// Checks every rule of the format.
    ///
    /// # Errors
    /// The first rule broken, naming its member.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let time = |field: &str, v: Seconds| {
            if (-MAX_TIME..=MAX_TIME).contains(&v) {
                Ok(())
            } else {
                Err(err(field, format!("{v} is outside the supported range (-{MAX_TIME} to {MAX_TIME})")))
            }
        };
        let duration = |field: &str, v: Seconds| {
            if v < 0 {
                Err(err(field, format!("must not be negative, got {v}")))
            } else if v > MAX_TIME {
                Err(err(field, format!("{v} s is longer than the supported {MAX_TIME} s")))
            } else {
                Ok(())
            }
        };
        time("login_at", self.login_at)?;
        duration("token_ttl", self.token_ttl)?;
        duration("access_ttl", self.access_ttl)?;
        duration("leeway", self.leeway)?;
        if self.access_ttl > self.token_ttl {
            return Err(err(
                "access_ttl",
                format!(
                    "{} s is longer than token_ttl ({} s): an access token never outlives the refresh token",
                    self.access_ttl, self.token_ttl
                ),
            ));
        }
        time("event.at", self.event.at)?;
        if self.event.at < self.login_at {
            return Err(err(
                "event.at",
                format!(
                    "{} is before the login at {}: nothing can be revoked before it exists",
                    self.event.at, self.login_at
                ),
            ));
        }
        if let Some(stolen) = self.event.stolen_at {
            if !self.event.kind.has_theft() {
                return Err(err(
                    "event.stolen_at",
                    format!("only the token-stolen and refresh-reuse events have one, not {}", self.event.kind.name()),
                ));
            }
            if stolen < self.login_at || stolen > self.event.at {
                return Err(err(
                    "event.stolen_at",
                    format!(
                        "{stolen} must lie between the login ({}) and the event ({})",
                        self.login_at, self.event.at
                    ),
                ));
            }
        }
        if let Some(scale) = &self.scale {
            scale.validate()?;
        }
        Ok(())
    }

    /// Reads a scenario file's text and validates it.
    ///
    /// # Errors
    /// Not JSON, not an object, an unknown, repeated or missing member, a wrong type, or a
    /// broken rule; each names the member.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        let scenario = Self::from_json_unchecked(text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads a scenario file's text without checking the rules between members (for callers
    /// that change members first, as the command line's `--scale` flags do, then
    /// [`RevocationScenario::validate`]).
    ///
    /// # Errors
    /// Not strict JSON, not an object, an unknown, repeated or missing member, or a wrong type;
    /// each names the member.
    pub fn from_json_unchecked(text: &str) -> Result<Self, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(err(
                "(file)",
                format!("{} bytes is larger than the {MAX_SCENARIO_BYTES}-byte limit", text.len()),
            ));
        }
        let (value, duplicates) = crate::core::engine::token::parse_json_text(text.as_bytes())
            .map_err(|e| err("(file)", format!("not valid JSON: {e}")))?;
        // Last-wins would silently take one of two values: a typo must not pick the outcome.
        if let Some(path) = duplicates.shown.first() {
            return Err(err(
                &visible(path),
                "duplicate member: the file gives it more than once, and a reader would silently take one of \
                 the values; keep one",
            ));
        }
        let Value::Object(top) = value else {
            return Err(err("(file)", "a scenario is a JSON object"));
        };
        known(&top, "", &["name", "description", "login_at", "token_ttl", "access_ttl", "leeway", "event", "scale"])?;
        let event = match top.get("event") {
            Some(Value::Object(e)) => e,
            Some(other) => return Err(err("event", format!("must be an object, found {}", kind_of(other)))),
            None => return Err(err("event", "is missing")),
        };
        known(event, "event.", &["kind", "at", "stolen_at"])?;
        let kind = match event.get("kind") {
            Some(Value::String(k)) => EventKind::from_name(k).ok_or_else(|| {
                let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
                err("event.kind", format!("{k:?} is not one of {}", names.join(", ")))
            })?,
            Some(other) => return Err(err("event.kind", format!("must be a string, found {}", kind_of(other)))),
            None => return Err(err("event.kind", "is missing")),
        };
        let scale = match top.get("scale") {
            None => None,
            Some(Value::Null) => return Err(null_member("scale", "an object")),
            Some(Value::Object(s)) => Some(ScaleInputs::from_json(s)?),
            Some(other) => return Err(err("scale", format!("must be an object, found {}", kind_of(other)))),
        };
        let scenario = RevocationScenario {
            name: text_member(&top, "name")?.unwrap_or_default(),
            description: text_member(&top, "description")?.unwrap_or_default(),
            login_at: required(&top, "", "login_at")?,
            token_ttl: required(&top, "", "token_ttl")?,
            access_ttl: required(&top, "", "access_ttl")?,
            leeway: whole(&top, "", "leeway")?.unwrap_or(0),
            event: Event {
                kind,
                at: required(event, "event.", "at")?,
                stolen_at: whole(event, "event.", "stolen_at")?,
            },
            scale,
        };
        Ok(scenario)
    }

    /// The scenario in the file format, members in the documented order.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut event = Map::new();
        event.insert("kind".into(), json!(self.event.kind.name()));
        event.insert("at".into(), json!(self.event.at));
        if let Some(s) = self.event.stolen_at {
            event.insert("stolen_at".into(), json!(s));
        }
        let mut top = Map::new();
        top.insert("name".into(), json!(self.name));
        top.insert("description".into(), json!(self.description));
        top.insert("login_at".into(), json!(self.login_at));
        top.insert("token_ttl".into(), json!(self.token_ttl));
        top.insert("access_ttl".into(), json!(self.access_ttl));
        top.insert("leeway".into(), json!(self.leeway));
        top.insert("event".into(), Value::Object(event));
        if let Some(scale) = &self.scale {
            top.insert("scale".into(), scale.to_json());
        }
        serde_json::to_string_pretty(&Value::Object(top)).unwrap_or_default() + "\n"
    }
}

/// Rejects members the format does not define (a typo must not fall back to a default).
fn known(obj: &Map<String, Value>, prefix: &str, names: &[&str]) -> Result<(), ScenarioError> {
    match obj.keys().find(|k| !names.contains(&k.as_str())) {
        // The name is the file's: its control and bidi characters are shown as escapes.
        Some(k) => Err(err(
            &format!("{prefix}{}", visible(k)),
            format!("unknown member; expected one of {}", names.join(", ")),
        )),
        None => Ok(()),
    }
}

pub(super) fn kind_of(v: &Value) -> &'static str {
    crate::core::engine::token::json_type(v)
}

/// The error for `null` given for a member: the format has no null, and an optional member
/// left out takes its default (reading null as "absent" would hide a member written wrong).
fn null_member(field: &str, expected: &str) -> ScenarioError {
    err(field, format!("must be {expected}, found null; leave the member out for its default"))
}

fn text_member(obj: &Map<String, Value>, name: &str) -> Result<Option<String>, ScenarioError> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::Null) => Err(null_member(name, "a string")),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(err(name, format!("must be a string, found {}", kind_of(other)))),
    }
}

/// A whole number of seconds (`3600` or `3600.0`), if present.
fn whole(obj: &Map<String, Value>, prefix: &str, name: &str) -> Result<Option<Seconds>, ScenarioError> {
    let field = format!("{prefix}{name}");
    match obj.get(name) {
        None => Ok(None),
        Some(Value::Null) => Err(null_member(&field, "a number of seconds")),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                return Ok(Some(i));
            }
            match n.as_f64() {
                #[allow(clippy::cast_possible_truncation)]
                Some(f) if f.fract() == 0.0 && f.abs() <= MAX_TIME as f64 => Ok(Some(f as Seconds)),
                Some(f) if f.fract() != 0.0 => {
                    Err(err(&field, format!("must be a whole number of seconds, found {f}")))
                }
                _ => Err(err(&field, format!("{n} is outside the supported range (-{MAX_TIME} to {MAX_TIME})"))),
            }
        }
        Some(other) => Err(err(&field, format!("must be a number of seconds, found {}", kind_of(other)))),
    }
}

fn required(obj: &Map<String, Value>, prefix: &str, name: &str) -> Result<Seconds, ScenarioError> {
    whole(obj, prefix, name)?.ok_or_else(|| err(&format!("{prefix}{name}"), "is missing"))
}
