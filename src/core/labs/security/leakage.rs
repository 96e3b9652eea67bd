//! Tokens leaking through logs and URLs: a token put in a URL's query lands, as it is, in the
//! server's access log line and in the `Referer` header the page sends to a third-party site;
//! a copy read from either later still works for the rest of its life. The defences (the token
//! in an `Authorization` header, a `Referrer-Policy`, a short lifetime, a revocation check) each
//! change that outcome.
//!
//! Deterministic: [`leakage`] is a function of the token, the lab clock and the [`LeakSettings`];
//! the window's Leaks view draws it and `tokenbench simulate leakage` prints it.

use chrono::{TimeZone, Utc};
use serde::Serialize;
use serde_json::json;

use crate::core::engine::audit::human_duration;
use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::keys::{self, SecretEncoding};
use crate::core::engine::sign;
use crate::core::engine::token::{self, JsonObject, Token};
use crate::core::labs::security::token_times;

/// The application's origin in the demonstration.
pub const APP_ORIGIN: &str = "https://app.example";
/// The page the token is sent to.
pub const PAGE_PATH: &str = "/account";
/// The third-party site the page loads a resource from (an analytics pixel).
pub const THIRD_PARTY: &str = "analytics.example";
/// The client's address in the log lines (a documentation address, RFC 5737).
pub const CLIENT_IP: &str = "203.0.113.7";
/// The browser named in the log lines.
pub const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0";
/// When the victim logs out, seconds after the request: a revocation check refuses copies from then.
pub const LOGOUT_AFTER: i64 = 300;
/// When someone reads the log and replays the copy, seconds after the request, by default.
pub const DEFAULT_READ_AFTER: i64 = 600;
/// The longest delay before the copy is replayed: a year of kept logs.
pub const MAX_READ_AFTER: i64 = 31_536_000;
/// The lifetime the "short lifetime" defence gives access tokens, seconds.
pub const SHORT_LIFETIME: i64 = 300;
/// The sample token's lifetime, seconds: the typical access token's, the one every lab assumes
/// when no token is loaded ([`credential::TYPICAL_LIFETIME`]), so the labs' figures agree.
pub const SAMPLE_LIFETIME: i64 = crate::core::labs::flows::credential::TYPICAL_LIFETIME;
/// Past this many bytes, the window shows the token in a line shortened ([`Leak::shown`]).
pub const SHOWN_TOKEN_BYTES: usize = 2048;

/// The sample's HMAC secret: public, for this demonstration only.
const SAMPLE_SECRET: &[u8] = b"tokenbench-leakage-demo-secret-0";

/// What a page's `Referrer-Policy` lets the browser send to another site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReferrerPolicy {
    /// `unsafe-url`: the full URL, query included, everywhere.
    UnsafeUrl,
    /// `no-referrer-when-downgrade`: the full URL to any HTTPS site (browsers' default before 2020).
    NoReferrerWhenDowngrade,
    /// `strict-origin-when-cross-origin`: only the origin to other sites (browsers' default now).
    StrictOriginWhenCrossOrigin,
    /// `origin`: only the origin.
    Origin,
    /// `same-origin`: nothing to other sites.
    SameOrigin,
    /// `no-referrer`: nothing at all.
    NoReferrer,
}

impl ReferrerPolicy {
    /// Every policy, from the most to the least revealing.
    pub const ALL: [Self; 6] = [
        Self::UnsafeUrl,
        Self::NoReferrerWhenDowngrade,
        Self::StrictOriginWhenCrossOrigin,
        Self::Origin,
        Self::SameOrigin,
        Self::NoReferrer,
    ];

    /// The header's value, also the command line's name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::UnsafeUrl => "unsafe-url",
            Self::NoReferrerWhenDowngrade => "no-referrer-when-downgrade",
            Self::StrictOriginWhenCrossOrigin => "strict-origin-when-cross-origin",
            Self::Origin => "origin",
            Self::SameOrigin => "same-origin",
            Self::NoReferrer => "no-referrer",
        }
    }

    /// The policy a name means.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The `Referer` an HTTPS page at `url` sends to another HTTPS site under this policy.
    #[must_use]
    pub fn referer(self, url: &str) -> Option<String> {
        match self {
            Self::UnsafeUrl | Self::NoReferrerWhenDowngrade => Some(url.to_owned()),
            Self::StrictOriginWhenCrossOrigin | Self::Origin => Some(format!("{APP_ORIGIN}/")),
            Self::SameOrigin | Self::NoReferrer => None,
        }
    }

    /// True when the full URL (its query too) goes to other sites.
    #[must_use]
    pub fn sends_full_url(self) -> bool {
        matches!(self, Self::UnsafeUrl | Self::NoReferrerWhenDowngrade)
    }
}

/// The demonstration's settings: what the window's controls hold, what the flags give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LeakSettings {
    /// The token travels in an `Authorization: Bearer` header instead of the URL's query.
    pub in_header: bool,
    /// The page's `Referrer-Policy`.
    pub referrer_policy: ReferrerPolicy,
    /// Access tokens live [`SHORT_LIFETIME`] seconds from issue at most.
    pub short_lifetime: bool,
    /// The server checks a denylist (or a token version) on every request.
    pub revocation_check: bool,
    /// Seconds between the request and the copy's replay.
    pub read_after: i64,
}

impl Default for LeakSettings {
    /// No defence: the token in the URL, the full URL sent on, its own lifetime, no check.
    fn default() -> Self {
        Self {
            in_header: false,
            referrer_policy: ReferrerPolicy::NoReferrerWhenDowngrade,
            short_lifetime: false,
            revocation_check: false,
            read_after: DEFAULT_READ_AFTER,
        }
    }
}

/// A defence of the demonstration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LeakDefence {
    /// The token in an `Authorization` header, not the URL.
    Header,
    /// A `Referrer-Policy` that keeps the URL's query from other sites.
    ReferrerPolicy,
    /// Short-lived access tokens.
    ShortLifetime,
    /// A revocation check on every request.
    RevocationCheck,
}

impl LeakDefence {
    /// Every defence, in the order the window lists them.
    pub const ALL: [Self; 4] = [Self::Header, Self::ReferrerPolicy, Self::ShortLifetime, Self::RevocationCheck];

    /// A name for the JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Header => "authorization-header",
            Self::ReferrerPolicy => "referrer-policy",
            Self::ShortLifetime => "short-lifetime",
            Self::RevocationCheck => "revocation-check",
        }
    }

    /// The defence in words.
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Self::Header => "Token in the Authorization header, not the URL".to_owned(),
            Self::ReferrerPolicy => "Referrer-Policy: no-referrer (or strict-origin-when-cross-origin)".to_owned(),
            Self::ShortLifetime => format!("Short access-token lifetime ({})", human_duration(SHORT_LIFETIME as f64)),
            Self::RevocationCheck => "Revocation check on every request (a denylist lookup)".to_owned(),
        }
    }

    /// Whether it is on in `s`.
    #[must_use]
    pub fn is_on(self, s: &LeakSettings) -> bool {
        match self {
            Self::Header => s.in_header,
            Self::ReferrerPolicy => !s.referrer_policy.sends_full_url(),
            Self::ShortLifetime => s.short_lifetime,
            Self::RevocationCheck => s.revocation_check,
        }
    }

    /// `s` with this defence switched the other way (the policy goes to `no-referrer`, or back
    /// to `no-referrer-when-downgrade`).
    #[must_use]
    pub fn toggled(self, s: &LeakSettings) -> LeakSettings {
        let mut t = *s;
        match self {
            Self::Header => t.in_header = !s.in_header,
            Self::ReferrerPolicy => {
                t.referrer_policy = if s.referrer_policy.sends_full_url() {
                    ReferrerPolicy::NoReferrer
                } else {
                    ReferrerPolicy::NoReferrerWhenDowngrade
                };
            }
            Self::ShortLifetime => t.short_lifetime = !s.short_lifetime,
            Self::RevocationCheck => t.revocation_check = !s.revocation_check,
        }
        t
    }
}

/// What a copy of the token read from a log can still do when it is replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CopyStatus {
    /// Neither log line nor `Referer` holds the token.
    NothingLeaked,
    /// The copy is past its (effective) exp when replayed.
    Expired,
    /// The token is not valid yet when replayed (its nbf or iat is later).
    NotYetValid,
    /// The victim logged out and the server checks revocations.
    Revoked,
    /// The copy works until its exp.
    Live,
    /// The copy works until the signing key is rotated (no exp).
    NoExp,
}

/// The outcome for a copy replayed [`LeakSettings::read_after`] seconds after the request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopyOutcome {
    /// What the copy can do.
    pub status: CopyStatus,
    /// Who holds a copy ([`APP_LOG`], [`THIRD_PARTY_COPY`]).
    pub holders: Vec<&'static str>,
    /// When it is replayed (Unix seconds).
    pub used_at: UnixSeconds,
    /// When it stops working on its own: its exp, or the short lifetime's end; `None` without exp.
    pub expires_at: Option<UnixSeconds>,
    /// Seconds it still works when replayed (0 when refused; `None`: until the key is rotated).
    pub remaining: Option<f64>,
    /// The outcome in one line.
    pub text: String,
}

/// One defence and what switching it changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DefenceEffect {
    /// Which.
    pub defence: LeakDefence,
    /// In words.
    pub label: String,
    /// On in the current settings.
    pub on: bool,
    /// The copy's outcome with this one defence switched the other way.
    pub if_switched: CopyOutcome,
}

/// The demonstration on one token at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leak {
    /// The token as sent.
    pub token: String,
    /// Where the token and its lifetime come from.
    pub token_source: String,
    /// The settings it ran with.
    pub settings: LeakSettings,
    /// When the request is made (the lab clock).
    pub at: UnixSeconds,
    /// The request's first line.
    pub request_line: String,
    /// The `Authorization` header, when the token travels in one.
    pub authorization: Option<String>,
    /// The app server's access log line (combined log format).
    pub access_log: String,
    /// True when the token is in that line.
    pub log_has_token: bool,
    /// The `Referer` header sent to the third-party site (`None`: the policy sends none).
    pub referer: Option<String>,
    /// True when the token is in it.
    pub referer_has_token: bool,
    /// The third-party site's own access log line for the same request.
    pub third_party_log: String,
    /// What a copy can still do when replayed.
    pub copy: CopyOutcome,
    /// Each defence, and the outcome with it switched.
    pub defences: Vec<DefenceEffect>,
}

impl Leak {
    /// A line as the window shows it: a token past [`SHOWN_TOKEN_BYTES`] is shortened to its
    /// first 40 and last 12 characters and its size (the command line prints it whole).
    #[must_use]
    pub fn shown(&self, line: &str) -> String {
        if self.token.len() <= SHOWN_TOKEN_BYTES {
            return line.to_owned();
        }
        let head: String = self.token.chars().take(40).collect();
        let tail: String = self.token.chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
        line.replace(&self.token, &format!("{head}…[{} B]…{tail}", self.token.len()))
    }
}

/// The sample access token issued at `at` (HS256 with a public demo secret, [`SAMPLE_LIFETIME`]): what the
/// demonstration uses without a token of the user's.
///
/// # Errors
/// When signing fails (never with the compiled-in secret).
pub fn sample_token(at: UnixSeconds) -> Result<String, String> {
    #[allow(clippy::cast_possible_truncation)]
    let iat = at.floor() as i64;
    let claims = json!({
        "iss": "https://auth.example.com/",
        "sub": "248289761001",
        "scope": "orders:read orders:write",
        "iat": iat,
        "exp": iat + SAMPLE_LIFETIME,
    });
    let claims: JsonObject = claims.as_object().cloned().unwrap_or_default();
    let key =
        keys::load_secret(SAMPLE_SECRET, SecretEncoding::Raw, "leakage demo secret").map_err(|e| e.to_string())?;
    sign::sign(&JsonObject::new(), &claims, "HS256", &key).map_err(|e| e.to_string())
}

/// `[06/Dec/2026:08:27:01 +0000]`'s inside: the log's timestamp.
fn log_time(t: UnixSeconds) -> String {
    #[allow(clippy::cast_possible_truncation)]
    let secs = t.floor() as i64;
    Utc.timestamp_opt(secs, 0)
        .single()
        .map_or_else(|| "-".to_owned(), |d| d.format("%d/%b/%Y:%H:%M:%S +0000").to_string())
}

/// The token's lifetime as the demonstration takes it, read by the engine's rules
/// ([`token_times::read`]).
struct Lifetime {
    /// When it was issued (its `iat`, else the request).
    issued: UnixSeconds,
    /// Its `exp` (or the assumed one of a token whose claims cannot be read).
    exp: Option<UnixSeconds>,
    /// When a token not valid yet becomes valid, with the wording.
    not_before: Option<(UnixSeconds, String)>,
    /// Where they come from, a sentence.
    source: String,
}

/// The token's lifetime at `at`.
///
/// # Errors
/// A time claim verify calls invalid, or one too far from `at` to simulate.
fn lifetime(token: &Token, at: UnixSeconds, sample: bool) -> Result<Lifetime, String> {
    let Some(times) = token_times::read(token, at)? else {
        let why = if token.kind == token::Kind::Jwe {
            "Your token is encrypted (JWE): its exp cannot be read without the key"
        } else {
            "Your token's claims cannot be read"
        };
        let assumed = human_duration(SAMPLE_LIFETIME as f64);
        return Ok(Lifetime {
            issued: at,
            exp: Some(at + SAMPLE_LIFETIME as f64),
            not_before: None,
            source: format!("{why}, so a lifetime of {assumed} from now is assumed."),
        });
    };
    let source = if sample {
        format!(
            "A sample access token issued at the lab clock, with a lifetime of {}.",
            human_duration(SAMPLE_LIFETIME as f64)
        )
    } else if times.exp.is_some() {
        "Your token's own exp sets how long a copy works.".to_owned()
    } else {
        "Your token has no exp.".to_owned()
    };
    Ok(Lifetime {
        issued: times.iat.unwrap_or(at),
        exp: times.exp,
        not_before: token_times::not_valid_until(&times, at),
        source,
    })
}

/// Who holds a copy: the app's access log.
pub const APP_LOG: &str = "app.example's access log";
/// Who holds a copy: the third party, from the `Referer`.
pub const THIRD_PARTY_COPY: &str = "analytics.example (the Referer, and its own log)";

/// Who holds a copy under `s`, by the rules the lines are built with: the access log records the
/// request line (never its headers); the `Referer` carries the query under a policy that sends
/// the full URL. (A test checks these against the lines themselves.)
fn holders_under(s: &LeakSettings) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !s.in_header {
        out.push(APP_LOG);
        if s.referrer_policy.sends_full_url() {
            out.push(THIRD_PARTY_COPY);
        }
    }
    out
}

/// What a copy replayed under `s` can do, when `holders` hold one.
fn copy_outcome(holders: &[&'static str], life: &Lifetime, at: UnixSeconds, s: &LeakSettings) -> CopyOutcome {
    let (issued, exp) = (life.issued, life.exp);
    let used_at = at + s.read_after as f64;
    let short = issued + SHORT_LIFETIME as f64;
    let expires_at = if s.short_lifetime { Some(exp.map_or(short, |e| e.min(short))) } else { exp };
    let held = format!("Copies in {}. ", holders.join(" and in "));
    let holders: Vec<&'static str> = holders.to_vec();
    let outcome = |status, remaining, text: String| CopyOutcome {
        status,
        holders: holders.clone(),
        used_at,
        expires_at,
        remaining,
        text: if status == CopyStatus::NothingLeaked { text } else { format!("{held}{text}") },
    };
    let after = human_duration(s.read_after as f64);
    if holders.is_empty() {
        return outcome(
            CopyStatus::NothingLeaked,
            Some(0.0),
            "Nothing to copy: neither the log line nor the Referer holds the token.".to_owned(),
        );
    }
    if let Some((from, until)) = life.not_before.as_ref().filter(|(from, _)| *from > used_at) {
        return outcome(
            CopyStatus::NotYetValid,
            Some(0.0),
            format!(
                "A copy replayed {after} later is refused: the token is {until}, {} after the replay.",
                human_duration(from - used_at)
            ),
        );
    }
    if let Some(end) = expires_at.filter(|e| *e <= used_at) {
        let why = if s.short_lifetime && exp.is_none_or(|e| e > end) { " (the short lifetime)" } else { "" };
        return outcome(
            CopyStatus::Expired,
            Some(0.0),
            format!(
                "A copy replayed {after} later is refused: it expired{why} {} before.",
                human_duration(used_at - end)
            ),
        );
    }
    if s.revocation_check && s.read_after >= LOGOUT_AFTER {
        return outcome(
            CopyStatus::Revoked,
            Some(0.0),
            format!(
                "A copy replayed {after} later is refused: the victim logged out {} after the request and the server \
                 checks revocations (one lookup per request).",
                human_duration(LOGOUT_AFTER as f64)
            ),
        );
    }
    match expires_at {
        None => outcome(
            CopyStatus::NoExp,
            None,
            format!(
                "A copy replayed {after} later works as the victim until the signing key is rotated: the token has \
                 no exp."
            ),
        ),
        Some(end) => {
            let left = end - used_at;
            outcome(
                CopyStatus::Live,
                Some(left),
                format!("A copy replayed {after} later works as the victim: live for {} more.", human_duration(left)),
            )
        }
    }
}

/// Refuses a token a URL cannot carry: a JWS JSON serialization (a JSON object, often over
/// several lines) is not what a query parameter or a header holds; a URL carries a compact token.
///
/// # Errors
/// The token is not compact, with what it is.
pub fn check_carriable(token: &Token) -> Result<(), String> {
    if token.serialization == token::Serialization::Compact {
        Ok(())
    } else {
        Err("the token is in the JSON serialization; a URL carries a compact token (header.payload.signature)"
            .to_owned())
    }
}

/// The demonstration: the lines built from `token` (a sample issued at `at` without one, afresh
/// on every call) sent at `at` (floored to whole seconds), and what a copy replayed `s.read_after` seconds later can do.
///
/// # Errors
/// `s.read_after` outside 0..=[`MAX_READ_AFTER`], a token a URL cannot carry
/// ([`check_carriable`]), a time claim verify calls invalid or too far to simulate
/// ([`token_times::read`]), or the sample could not be signed.
pub fn leakage(token: Option<&Token>, at: UnixSeconds, s: &LeakSettings) -> Result<Leak, String> {
    if !(0..=MAX_READ_AFTER).contains(&s.read_after) {
        return Err(format!("the replay delay must be 0 to {MAX_READ_AFTER} s (a year), got {}", s.read_after));
    }
    // Whole seconds, as the sample's iat and the log's timestamp: the same second, the same text.
    let at = at.floor();
    let sample;
    let (token, is_sample) = if let Some(t) = token {
        check_carriable(t)?;
        (t, false)
    } else {
        sample = token::parse(&sample_token(at)?).map_err(|e| e.to_string())?;
        (&sample, true)
    };
    let text = token.text.trim();
    let life = lifetime(token, at, is_sample)?;
    let page = format!("{APP_ORIGIN}{PAGE_PATH}");
    let (url, request_line, authorization) = if s.in_header {
        (page.clone(), format!("GET {PAGE_PATH} HTTP/1.1"), Some(format!("Authorization: Bearer {text}")))
    } else {
        (format!("{page}?access_token={text}"), format!("GET {PAGE_PATH}?access_token={text} HTTP/1.1"), None)
    };
    let when = log_time(at);
    // Combined log format: the request line is logged, headers such as Authorization are not.
    let access_log = format!("{CLIENT_IP} - - [{when}] \"{request_line}\" 200 2326 \"-\" \"{USER_AGENT}\"");
    let referer = s.referrer_policy.referer(&url);
    let third_party_log = format!(
        "{CLIENT_IP} - - [{when}] \"GET /pixel.gif HTTP/1.1\" 200 43 \"{}\" \"{USER_AGENT}\"",
        referer.as_deref().unwrap_or("-")
    );
    let log_has_token = access_log.contains(text);
    let referer_has_token = referer.as_deref().is_some_and(|r| r.contains(text));
    let mut holders = Vec::new();
    if log_has_token {
        holders.push(APP_LOG);
    }
    if referer_has_token {
        holders.push(THIRD_PARTY_COPY);
    }
    let copy = copy_outcome(&holders, &life, at, s);
    let defences = LeakDefence::ALL
        .into_iter()
        .map(|d| {
            let t = d.toggled(s);
            DefenceEffect {
                defence: d,
                label: d.label(),
                on: d.is_on(s),
                if_switched: copy_outcome(&holders_under(&t), &life, at, &t),
            }
        })
        .collect();
    Ok(Leak {
        token: text.to_owned(),
        token_source: life.source,
        settings: *s,
        at,
        request_line,
        authorization,
        access_log,
        log_has_token,
        referer: referer.map(|r| format!("Referer: {r}")),
        referer_has_token,
        third_party_log,
        copy,
        defences,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 14/Nov/2023:22:13:20 UTC.
    const AT: f64 = 1_700_000_000.0;

    fn run(s: LeakSettings) -> Leak {
        leakage(None, AT, &s).unwrap()
    }

    #[test]
    fn a_token_in_the_url_lands_in_the_log_and_the_referer() {
        let l = run(LeakSettings::default());
        let t = &l.token;
        assert_eq!(t, &sample_token(AT).unwrap(), "the sample issued at the lab clock");
        assert_eq!(l.request_line, format!("GET /account?access_token={t} HTTP/1.1"));
        assert_eq!(
            l.access_log,
            format!(
                "203.0.113.7 - - [14/Nov/2023:22:13:20 +0000] \"GET /account?access_token={t} HTTP/1.1\" 200 2326 \"-\" \
                 \"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0\""
            )
        );
        assert_eq!(
            l.referer.as_deref(),
            Some(format!("Referer: https://app.example/account?access_token={t}").as_str())
        );
        assert!(l.third_party_log.contains(&format!("200 43 \"https://app.example/account?access_token={t}\"")));
        assert!(l.log_has_token && l.referer_has_token && l.authorization.is_none());
        assert_eq!(l.copy.status, CopyStatus::Live);
        assert_eq!(l.copy.holders, [APP_LOG, THIRD_PARTY_COPY]);
        assert_eq!(l.copy.remaining, Some(300.0), "15 min from the request, replayed 10 min later");
        assert_eq!(
            l.copy.text,
            "Copies in app.example's access log and in analytics.example (the Referer, and its own log). A copy \
             replayed 10 min later works as the victim: live for 5 min more."
        );
    }

    #[test]
    fn each_defence_changes_the_outcome() {
        let l = run(LeakSettings::default());
        let switched: Vec<(LeakDefence, CopyStatus, Vec<&str>)> =
            l.defences.iter().map(|d| (d.defence, d.if_switched.status, d.if_switched.holders.clone())).collect();
        assert_eq!(
            switched,
            [
                (LeakDefence::Header, CopyStatus::NothingLeaked, vec![]),
                (LeakDefence::ReferrerPolicy, CopyStatus::Live, vec![APP_LOG]),
                (LeakDefence::ShortLifetime, CopyStatus::Expired, vec![APP_LOG, THIRD_PARTY_COPY]),
                (LeakDefence::RevocationCheck, CopyStatus::Revoked, vec![APP_LOG, THIRD_PARTY_COPY]),
            ]
        );
        assert!(l.defences.iter().all(|d| !d.on));
        // Each switched outcome is what a run with those settings gives.
        for d in &l.defences {
            assert_eq!(run(d.defence.toggled(&l.settings)).copy, d.if_switched, "{:?}", d.defence);
        }
    }

    #[test]
    fn the_header_keeps_the_token_out_of_every_line() {
        let l = run(LeakSettings { in_header: true, ..LeakSettings::default() });
        assert_eq!(l.request_line, "GET /account HTTP/1.1");
        assert_eq!(l.authorization, Some(format!("Authorization: Bearer {}", l.token)));
        assert!(!l.access_log.contains(&l.token) && !l.log_has_token && !l.referer_has_token);
        assert_eq!(l.referer.as_deref(), Some("Referer: https://app.example/account"));
        assert_eq!(l.copy.text, "Nothing to copy: neither the log line nor the Referer holds the token.");
    }

    #[test]
    fn each_referrer_policy_sends_what_it_says() {
        let sent: Vec<(&str, Option<String>)> = ReferrerPolicy::ALL
            .into_iter()
            .map(|p| {
                let l = run(LeakSettings { referrer_policy: p, ..LeakSettings::default() });
                assert_eq!(l.referer_has_token, p.sends_full_url(), "{p:?}");
                assert_eq!(holders_under(&l.settings), l.copy.holders, "the rules are the lines'");
                (p.name(), l.referer.map(|r| r.replace(&l.token, "T")))
            })
            .collect();
        let full = Some("Referer: https://app.example/account?access_token=T".to_owned());
        let origin = Some("Referer: https://app.example/".to_owned());
        assert_eq!(
            sent,
            [
                ("unsafe-url", full.clone()),
                ("no-referrer-when-downgrade", full),
                ("strict-origin-when-cross-origin", origin.clone()),
                ("origin", origin),
                ("same-origin", None),
                ("no-referrer", None),
            ]
        );
        for p in ReferrerPolicy::ALL {
            assert_eq!(ReferrerPolicy::from_name(p.name()), Some(p));
        }
    }

    #[test]
    fn short_lifetime_and_revocation_refuse_the_copy_with_figures() {
        let short = run(LeakSettings { short_lifetime: true, ..LeakSettings::default() });
        assert_eq!(short.copy.expires_at, Some(AT + 300.0));
        assert!(
            short
                .copy
                .text
                .ends_with("A copy replayed 10 min later is refused: it expired (the short lifetime) 5 min before."),
            "{}",
            short.copy.text
        );
        let checked = run(LeakSettings { revocation_check: true, ..LeakSettings::default() });
        assert!(checked.copy.text.contains("the victim logged out 5 min after the request"), "{}", checked.copy.text);
        // Replayed before the logout, the check has nothing to refuse yet.
        let early = run(LeakSettings { revocation_check: true, read_after: 120, ..LeakSettings::default() });
        assert_eq!((early.copy.status, early.copy.remaining), (CopyStatus::Live, Some(780.0)));
        // A day later the 15 min token has expired on its own.
        let late = run(LeakSettings { read_after: 86_400, ..LeakSettings::default() });
        assert_eq!(late.copy.status, CopyStatus::Expired);
        assert!(late.copy.text.ends_with("it expired 23 h 45 min before."), "{}", late.copy.text);
        assert!(leakage(None, AT, &LeakSettings { read_after: -1, ..LeakSettings::default() }).is_err());
    }

    #[test]
    fn the_users_token_brings_its_own_exp_or_none() {
        let key = keys::load_secret(b"k", SecretEncoding::Raw, "t").unwrap();
        let sign_claims = |v: serde_json::Value| {
            let t = sign::sign(&JsonObject::new(), v.as_object().unwrap(), "HS256", &key).unwrap();
            token::parse(&t).unwrap()
        };
        let endless = sign_claims(json!({"sub": "a"}));
        let l = leakage(Some(&endless), AT, &LeakSettings::default()).unwrap();
        assert_eq!((l.copy.status, l.copy.remaining), (CopyStatus::NoExp, None));
        assert_eq!(l.token_source, "Your token has no exp.");
        assert!(l.access_log.contains(&endless.text));
        let expired = sign_claims(json!({"exp": AT - 60.0}));
        let l = leakage(Some(&expired), AT, &LeakSettings::default()).unwrap();
        assert!(l.copy.text.ends_with("it expired 11 min before."), "{}", l.copy.text);
    }

    #[test]
    fn a_huge_token_is_shortened_only_for_the_window() {
        let key = keys::load_secret(b"k", SecretEncoding::Raw, "t").unwrap();
        let claims = json!({"blob": "x".repeat(4000), "exp": AT + 60.0});
        let t = sign::sign(&JsonObject::new(), claims.as_object().unwrap(), "HS256", &key).unwrap();
        let l = leakage(Some(&token::parse(&t).unwrap()), AT, &LeakSettings::default()).unwrap();
        assert!(l.access_log.contains(&t), "whole in the model");
        let shown = l.shown(&l.access_log);
        assert!(shown.contains(&format!("…[{} B]…", t.len())) && !shown.contains(&t), "{shown}");
    }

    #[test]
    fn a_token_not_valid_yet_says_until_when() {
        let key = keys::load_secret(b"k", SecretEncoding::Raw, "t").unwrap();
        let claims = json!({"nbf": AT + 3600.0, "exp": AT + 7200.0});
        let t = sign::sign(&JsonObject::new(), claims.as_object().unwrap(), "HS256", &key).unwrap();
        let l = leakage(Some(&token::parse(&t).unwrap()), AT, &LeakSettings::default()).unwrap();
        assert_eq!((l.copy.status, l.copy.remaining), (CopyStatus::NotYetValid, Some(0.0)));
        assert!(
            l.copy.text.ends_with(
                "A copy replayed 10 min later is refused: the token is not valid until 2023-11-14 23:13:20 UTC (its \
                 nbf or iat is in the future), 50 min after the replay."
            ),
            "{}",
            l.copy.text
        );
        let soon = sign::sign(&JsonObject::new(), json!({"exp": "soon"}).as_object().unwrap(), "HS256", &key).unwrap();
        assert!(leakage(Some(&token::parse(&soon).unwrap()), AT, &LeakSettings::default()).is_err());
    }

    #[test]
    fn the_sample_is_issued_afresh_at_the_whole_second() {
        let a = leakage(None, 1_796_549_853.1, &LeakSettings::default()).unwrap();
        let b = leakage(None, 1_796_549_853.9, &LeakSettings::default()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.copy.remaining, Some(300.0));
        assert!(a.copy.text.ends_with("works as the victim: live for 5 min more."), "{}", a.copy.text);
        // An hour later the sample is issued then: a copy still has its 5 minutes.
        let later = leakage(None, 1_796_553_453.5, &LeakSettings::default()).unwrap();
        assert_eq!((later.copy.status, later.copy.remaining), (CopyStatus::Live, Some(300.0)));
    }
}
