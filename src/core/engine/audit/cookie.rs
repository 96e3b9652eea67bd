//! Session cookies: a `Set-Cookie` header read as browsers read it (RFC 6265 §5.1.1 dates, §5.2
//! attributes) and judged: flags, lifetime, and how guessable the session id is.

use serde::Serialize;

use super::{Finding, Severity, finding, human_duration, sort};
use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::error::{Error, Result};
use crate::core::engine::token;

/// The `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum SameSite {
    /// Not set (browsers default to Lax, but not all, and not for 2 minutes after setting).
    Unset,
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=None`.
    None,
}

/// A parsed `Set-Cookie` header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cookie {
    /// The cookie's name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `Secure`.
    pub secure: bool,
    /// `SameSite`.
    pub same_site: SameSite,
    /// `Max-Age` in seconds (the last valid one; beyond i64 it saturates, RFC 6265 §5.2.2).
    pub max_age: Option<i64>,
    /// `Expires`, as Unix seconds (the last one that is a cookie date, RFC 6265 §5.1.1).
    pub expires: Option<i64>,
    /// An `Expires` value that is not a cookie date: browsers ignore it.
    pub bad_expires: Option<String>,
    /// `Domain`.
    pub domain: Option<String>,
    /// `Path`.
    pub path: Option<String>,
}

impl Cookie {
    /// Seconds the browser keeps the cookie from `now` (Max-Age wins over Expires, RFC 6265
    /// §5.3); `None` for a session cookie (kept until the browser closes).
    #[must_use]
    pub fn lifetime(&self, now: UnixSeconds) -> Option<f64> {
        self.max_age.map(|m| m as f64).or_else(|| self.expires.map(|e| e as f64 - now))
    }
}

/// Parses `Set-Cookie: name=value; attributes` (the `Set-Cookie:` prefix is optional).
///
/// # Errors
/// [`Error::CookieWithoutPair`] when there is no `name=value` pair, [`Error::CookieWithoutName`]
/// when its name is empty.
pub fn parse_cookie(line: &str) -> Result<Cookie> {
    const PREFIX: &[u8] = b"set-cookie:";
    let mut s = line.trim();
    // Compared as bytes: the 11th byte may fall inside a multi-byte character.
    if s.as_bytes().get(..PREFIX.len()).is_some_and(|head| head.eq_ignore_ascii_case(PREFIX)) {
        // The prefix is ASCII, so the byte after it starts a character.
        s = s.get(PREFIX.len()..).unwrap_or("").trim();
    }
    let mut parts = s.split(';');
    let pair = parts.next().unwrap_or("").trim();
    let Some((name, value)) = pair.split_once('=') else {
        return Err(Error::CookieWithoutPair { pair: pair.to_owned() });
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::CookieWithoutName);
    }
    let mut cookie = Cookie {
        name: name.to_owned(),
        value: value.trim().trim_matches('"').to_owned(),
        http_only: false,
        secure: false,
        same_site: SameSite::Unset,
        max_age: None,
        expires: None,
        bad_expires: None,
        domain: None,
        path: None,
    };
    for attr in parts {
        let (key, val) = attr.split_once('=').map_or((attr.trim(), ""), |(k, v)| (k.trim(), v.trim()));
        match key.to_ascii_lowercase().as_str() {
            "httponly" => cookie.http_only = true,
            "secure" => cookie.secure = true,
            "samesite" => {
                cookie.same_site = match val.to_ascii_lowercase().as_str() {
                    "strict" => SameSite::Strict,
                    "lax" => SameSite::Lax,
                    "none" => SameSite::None,
                    _ => SameSite::Unset,
                }
            }
            // An invalid value is ignored: an earlier valid one stays (RFC 6265 §5.2.1-5.2.2).
            "max-age" => cookie.max_age = parse_max_age(val).or(cookie.max_age),
            "expires" => match parse_cookie_date(val) {
                Some(t) => cookie.expires = Some(t),
                None => cookie.bad_expires = Some(val.to_owned()),
            },
            "domain" => cookie.domain = Some(val.to_owned()),
            "path" => cookie.path = Some(val.to_owned()),
            _ => {}
        }
    }
    Ok(cookie)
}

/// `Max-Age` as RFC 6265 §5.2.2 reads it: an optional `-` and digits, nothing else; a value
/// beyond i64 saturates (a cookie kept "forever" must not read as a session cookie).
fn parse_max_age(val: &str) -> Option<i64> {
    let (negative, digits) = match val.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, val),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.bytes().fold(0i64, |n, d| n.saturating_mul(10).saturating_add(i64::from(d - b'0')));
    Some(if negative { -magnitude } else { magnitude })
}

/// A cookie date as browsers read it (RFC 6265 §5.1.1): tokens split on delimiters, the first
/// time, day of month, month and year found, two-digit years 70-99 as 19xx and 00-69 as 20xx,
/// any zone ignored (UTC). Accepts the IMF form (`Wed, 21 Oct 2099 07:28:00 GMT`), RFC 850
/// (`Wednesday, 21-Oct-99 07:28:00 GMT`), asctime (`Sun Nov  6 08:49:37 2094`) and the
/// variants servers send (no comma, `UTC`, no zone). `None` when browsers would ignore it.
#[must_use]
pub fn parse_cookie_date(s: &str) -> Option<i64> {
    let delimiter = |b: &u8| matches!(*b, 0x09 | 0x20..=0x2f | 0x3b..=0x40 | 0x5b..=0x60 | 0x7b..=0x7e);
    let (mut time, mut day, mut month, mut year) = (None, None, None, None);
    for token in s.as_bytes().split(delimiter).filter(|t| !t.is_empty()) {
        if time.is_none()
            && let Some(t) = hms_time(token)
        {
            time = Some(t);
        } else if day.is_none()
            && let Some(d) = leading_number(token, 1, 2)
        {
            day = Some(d);
        } else if month.is_none()
            && let Some(m) = month_of(token)
        {
            month = Some(m);
        } else if year.is_none()
            && let Some(y) = leading_number(token, 2, 4)
        {
            year = Some(y);
        }
    }
    let ((hour, minute, second), day, month, year) = (time?, day?, month?, year?);
    let year = match year {
        70..=99 => year + 1900,
        0..=69 => year + 2000,
        _ => year,
    };
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.and_hms_opt(hour, minute, second)?.and_utc().timestamp())
}

/// `min` to `max` digits at the start of `token`, followed by a non-digit or nothing (the
/// day-of-month and year productions of RFC 6265 §5.1.1).
fn leading_number(token: &[u8], min: usize, max: usize) -> Option<u32> {
    let n = token.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    Some(token[..n].iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
}

/// `h:m:s`, each one or two digits, followed by a non-digit or nothing.
fn hms_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let mut fields = [0u32; 3];
    let mut rest = token;
    for (i, field) in fields.iter_mut().enumerate() {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=2).contains(&n) {
            return None;
        }
        *field = leading_number(rest, 1, 2)?;
        rest = &rest[n..];
        if i < 2 {
            rest = rest.strip_prefix(b":")?;
        }
    }
    Some((fields[0], fields[1], fields[2]))
}

/// The month whose three-letter name starts `token` (any case), 1 to 12.
fn month_of(token: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] =
        [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    let head = token.get(..3)?;
    let i = MONTHS.iter().position(|m| head.eq_ignore_ascii_case(&m[..]))?;
    u32::try_from(i + 1).ok()
}

/// Estimated entropy of a session identifier in bits: its length times the bits per character
/// of the smallest usual alphabet that holds it (digits, hex, lowercase alphanumeric, base64url
/// / alphanumeric, printable ASCII).
#[must_use]
pub fn estimated_entropy_bits(value: &str) -> f64 {
    let alphabet: f64 = if value.chars().all(|c| c.is_ascii_digit()) {
        10.0
    } else if value.chars().all(|c| c.is_ascii_hexdigit()) && !has_both_cases(value) {
        16.0
    } else if value.chars().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        || value.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    {
        36.0
    } else if value.chars().all(|c| c.is_ascii_alphanumeric() || "-_+/=".contains(c)) {
        64.0
    } else {
        94.0
    };
    value.chars().count() as f64 * alphabet.log2()
}

fn has_both_cases(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_lowercase()) && s.chars().any(|c| c.is_ascii_uppercase())
}

/// Why a session id is predictable, if it looks so: a counter or sequence, a repeated pattern,
/// or a tiny alphabet.
#[must_use]
pub fn low_entropy_reason(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let n = bytes.len();
    if n == 0 {
        return Some("it is empty".into());
    }
    if n <= 12 && bytes.iter().all(u8::is_ascii_digit) {
        return Some(format!("{value:?} is a small number, like a counter or a database row id"));
    }
    // The longest run of consecutive characters going up or down by one ("123456", "abcdef").
    let mut longest = 1;
    let mut run = 1;
    for w in bytes.windows(2) {
        let step = i16::from(w[1]) - i16::from(w[0]);
        if step == 1 || step == -1 {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 1;
        }
    }
    if n >= 4 && longest * 2 >= n {
        return Some(format!("a run of {longest} sequential characters makes up most of it"));
    }
    if let Some(period) = (1..=n / 2).find(|p| n.is_multiple_of(*p) && bytes.chunks(*p).all(|c| c == &bytes[..*p])) {
        // A whole-string repeat starts every copy at a character boundary; lossy keeps that
        // a fact of the text rather than an assumption a slice could panic on.
        return Some(format!("it repeats {:?} {} times", String::from_utf8_lossy(&bytes[..period]), n / period));
    }
    let mut counts = std::collections::HashMap::new();
    for b in bytes {
        *counts.entry(b).or_insert(0usize) += 1;
    }
    if n >= 8 && counts.len() <= 4 {
        return Some(format!("it uses only {} distinct characters", counts.len()));
    }
    if let Some((&&b, &c)) = counts.iter().max_by_key(|(_, c)| **c)
        && n >= 8
        && c * 2 >= n
    {
        return Some(format!("{:?} makes up {c} of its {n} characters", char::from(b)));
    }
    None
}

/// Audits a `Set-Cookie` header judged at `now`.
///
/// # Errors
/// When the header is not a cookie.
pub fn audit_cookie(line: &str, now: UnixSeconds) -> Result<(Cookie, Vec<Finding>)> {
    let c = parse_cookie(line)?;
    let mut out = Vec::new();
    let name = &c.name;
    if !c.http_only {
        out.push(finding(
            "cookie-no-httponly",
            Severity::Medium,
            format!("{name:?} lacks HttpOnly: any script on the page (an XSS) can read it with document.cookie"),
            "RFC 6265 §4.1.2.6, OWASP Session Management Cheat Sheet",
        ));
    }
    if !c.secure {
        out.push(finding(
            "cookie-no-secure",
            Severity::Medium,
            format!("{name:?} lacks Secure: the browser also sends it over plain http://, where anyone on the network reads it"),
            "RFC 6265 §4.1.2.5, OWASP Session Management Cheat Sheet",
        ));
    }
    match c.same_site {
        SameSite::None if !c.secure => out.push(finding(
            "cookie-samesite-none-insecure",
            Severity::Medium,
            format!(
                "{name:?} has SameSite=None without Secure: current browsers drop it, older ones send it on every \
                 cross-site request over plain HTTP"
            ),
            "RFC 6265bis §5.4.7, OWASP",
        )),
        SameSite::Unset => out.push(finding(
            "cookie-no-samesite",
            Severity::Low,
            format!(
                "{name:?} has no SameSite: cross-site requests may carry it (CSRF), depending on the browser's default"
            ),
            "RFC 6265bis §8.8, OWASP CSRF Prevention Cheat Sheet",
        )),
        _ => {}
    }
    if let Some(life) = c.lifetime(now)
        && life > 30.0 * 86_400.0
    {
        out.push(finding(
            "cookie-long-lived",
            Severity::Medium,
            format!(
                "{name:?} is kept for {}: a stolen copy stays useful that long unless the server ends the session",
                human_duration(life)
            ),
            "OWASP Session Management Cheat Sheet (session expiration)",
        ));
    }
    if let Some(bad) = &c.bad_expires {
        out.push(finding(
            "cookie-bad-expires",
            Severity::Low,
            format!(
                "{name:?}'s Expires={bad:?} is not a date browsers can read, so they ignore it{}: if a lifetime was \
                 meant, it is not the one the browser applies",
                if c.max_age.is_some() { " (Max-Age decides here)" } else { " and keep the cookie for the session" }
            ),
            "RFC 6265 §5.1.1, §5.2.1",
        ));
    }
    if token::parse(&c.value).is_err() {
        let bits = estimated_entropy_bits(&c.value);
        if bits < 128.0 {
            out.push(finding(
                "session-id-short",
                Severity::Medium,
                format!("{name:?}'s value has about {bits:.0} bits of entropy; a session id needs at least 128 to resist guessing"),
                "OWASP Session Management Cheat Sheet (session ID entropy)",
            ));
        }
        if let Some(why) = low_entropy_reason(&c.value) {
            out.push(finding(
                "session-id-low-entropy",
                Severity::High,
                format!("{name:?}'s value is predictable: {why}; an attacker can guess other users' sessions"),
                "OWASP Session Management Cheat Sheet, CWE-330",
            ));
        }
    }
    sort(&mut out);
    Ok((c, out))
}
