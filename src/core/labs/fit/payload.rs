//! JWT payloads should stay small: grow the claims (roles, permissions, profile data) and
//! watch the bytes every request carries, against a 34 B session cookie plus one store lookup.
//! Each token is really signed (RS256, the bundled demo key); the limits are the ones a token
//! meets on its way: the 4096 B per cookie RFC 6265 asks browsers to keep at least, and the
//! default header limits of nginx, Apache and Node.js.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::core::engine::error::Result;
use crate::core::engine::sign;
use crate::core::labs::flows::credential;
use crate::core::labs::flows::{BEARER_PREFIX, COOKIE_LINE_BYTES};

/// The most claims the lab adds (the slider's end): past every limit below.
pub const MAX_ADDED: usize = 600;
/// The sweep's step: a signed token every this many added claims.
pub const SWEEP_STEP: usize = 25;
/// The cookie name a JWT kept in a cookie would carry (`jwt=<token>`).
pub const COOKIE_NAME: &str = "jwt";

/// What a limit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measures {
    /// The cookie's name and value (`jwt=<token>`): what a browser stores.
    CookiePair,
    /// The `Authorization: Bearer <token>` line, without CRLF.
    HeaderLine,
}

/// A size limit the token meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limit {
    /// Who sets it.
    pub name: &'static str,
    /// The limit in bytes.
    pub bytes: usize,
    /// The setting or rule, with its default.
    pub setting: &'static str,
    /// What it is compared with.
    pub measures: Measures,
}

/// The limits, smallest first.
pub const LIMITS: [Limit; 4] = [
    Limit {
        name: "Browser cookie",
        bytes: 4096,
        setting: "RFC 6265 6.1: browsers keep at least 4096 B per cookie",
        measures: Measures::CookiePair,
    },
    Limit {
        name: "Apache",
        bytes: 8190,
        setting: "LimitRequestFieldSize, default 8190",
        measures: Measures::HeaderLine,
    },
    Limit {
        name: "nginx",
        bytes: 8192,
        setting: "large_client_header_buffers, default 4 8k: a header line must fit one 8 KB buffer",
        measures: Measures::HeaderLine,
    },
    Limit {
        name: "Node.js",
        bytes: 16_384,
        setting: "--max-http-header-size, default 16384, all headers together",
        measures: Measures::HeaderLine,
    },
];

/// Limits closer than this (bytes) share one label on the plot: their lines draw as one
/// (Apache's 8190 and nginx's 8192).
pub const SAME_LINE_BYTES: usize = 64;

/// The plot's labels for the limit lines: one per line as drawn, limits a few bytes apart
/// named together ("Apache 8190 B and nginx 8192 B"), each with the height it labels (the
/// highest of its group).
#[must_use]
pub fn limit_labels() -> Vec<(usize, String)> {
    let mut sorted = LIMITS.to_vec();
    sorted.sort_by_key(|l| l.bytes);
    let mut groups: Vec<Vec<Limit>> = Vec::new();
    for l in sorted {
        match groups.last_mut() {
            Some(g) if g.last().is_some_and(|last| l.bytes - last.bytes < SAME_LINE_BYTES) => g.push(l),
            _ => groups.push(vec![l]),
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let names: Vec<String> = g.iter().map(|l| format!("{} {} B", l.name, l.bytes)).collect();
            (g.iter().map(|l| l.bytes).max().unwrap_or(0), names.join(" and "))
        })
        .collect()
}

/// One signed token of the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Point {
    /// Claims added to the typical access token (roles, permissions, profile fields).
    pub added: usize,
    /// The token's length in bytes.
    pub token_bytes: usize,
    /// `Authorization: Bearer <token>`: the bytes every request carries.
    pub header_line_bytes: usize,
    /// `jwt=<token>`: the bytes a cookie holding it would need.
    pub cookie_pair_bytes: usize,
}

impl Measures {
    /// What is measured, as the lines name it.
    #[must_use]
    pub fn what(self) -> &'static str {
        match self {
            Measures::CookiePair => "the cookie jwt=<token>",
            Measures::HeaderLine => "the Authorization line",
        }
    }
}

impl Point {
    /// The bytes `limit` compares.
    #[must_use]
    pub fn measured(&self, limit: &Limit) -> usize {
        match limit.measures {
            Measures::CookiePair => self.cookie_pair_bytes,
            Measures::HeaderLine => self.header_line_bytes,
        }
    }
}

/// Where the JWT first crosses a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Crossing {
    /// The limit.
    pub limit: Limit,
    /// The fewest added claims that cross it and that token's size (`None`: not within
    /// [`MAX_ADDED`]).
    pub first_over: Option<Point>,
}

/// The sweep: a signed token every [`SWEEP_STEP`] claims and each limit's crossing. It does
/// not depend on the slider, so the window makes it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sweep {
    /// 0, 25, … 600 added claims.
    pub points: Vec<Point>,
    /// One per [`LIMITS`] entry.
    pub crossings: Vec<Crossing>,
}

/// The page's figures for one number of added claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayloadReport {
    /// The token with this many claims added.
    pub point: Point,
    /// The claims it carries at the top level.
    pub claims: usize,
    /// The session's credential line (34 B).
    pub session_line_bytes: usize,
    /// Store lookups per session request.
    pub session_lookups: u32,
    /// The sweep.
    pub sweep: Sweep,
}

/// The typical access token's claims with `added` claims more: a role, two permissions and a
/// profile field in turn, as an app that puts its authorization data in the token grows.
#[must_use]
pub fn claims_with(added: usize) -> Map<String, Value> {
    const RESOURCES: [&str; 5] = ["orders", "invoices", "customers", "reports", "inventory"];
    let mut claims = credential::typical_claims(super::FLOW_AT);
    let (mut roles, mut permissions, mut profile) = (Vec::new(), Vec::new(), Map::new());
    for i in 0..added {
        let n = i / 4;
        match i % 4 {
            0 => roles.push(Value::from(format!("team-{n:03}-member"))),
            1 => permissions.push(Value::from(format!("{}:read:region-{n:03}", RESOURCES[n % 5]))),
            2 => permissions.push(Value::from(format!("{}:write:region-{n:03}", RESOURCES[n % 5]))),
            _ => {
                profile.insert(format!("preference_{n:03}"), Value::from(format!("setting {n:03} of the user")));
            }
        }
    }
    if !roles.is_empty() {
        claims.insert("roles".into(), Value::Array(roles));
    }
    if !permissions.is_empty() {
        claims.insert("permissions".into(), Value::Array(permissions));
    }
    if !profile.is_empty() {
        claims.insert("profile".into(), Value::Object(profile));
    }
    claims
}

/// Signs the typical token with `added` claims more and measures it.
///
/// # Errors
/// When the bundled key fails to sign (it does not).
pub fn point(added: usize) -> Result<Point> {
    let token = sign::sign(&credential::typical_header(), &claims_with(added), "RS256", &credential::demo_key()?)?;
    Ok(Point {
        added,
        token_bytes: token.len(),
        header_line_bytes: BEARER_PREFIX.len() + token.len(),
        cookie_pair_bytes: COOKIE_NAME.len() + 1 + token.len(),
    })
}

/// The sweep: signs a token every [`SWEEP_STEP`] claims, then finds each crossing between the
/// two signed points around it by bisection (sizes only grow with claims).
///
/// # Errors
/// As [`point`].
pub fn sweep() -> Result<Sweep> {
    let points = (0..=MAX_ADDED).step_by(SWEEP_STEP).map(point).collect::<Result<Vec<_>>>()?;
    let mut crossings = Vec::new();
    for limit in LIMITS {
        let after = points.iter().position(|p| p.measured(&limit) > limit.bytes);
        let first_over = match after {
            None => None,
            Some(0) => points.first().copied(),
            Some(i) => {
                let (mut under, mut over) = (points[i - 1], points[i]);
                while over.added - under.added > 1 {
                    let mid = point(usize::midpoint(under.added, over.added))?;
                    if mid.measured(&limit) > limit.bytes {
                        over = mid;
                    } else {
                        under = mid;
                    }
                }
                Some(over)
            }
        };
        crossings.push(Crossing { limit, first_over });
    }
    Ok(Sweep { points, crossings })
}

/// The page's figures for `added` claims (at most [`MAX_ADDED`]) with a sweep already made.
///
/// # Errors
/// As [`point`].
pub fn report_with(sweep: &Sweep, added: usize) -> Result<PayloadReport> {
    let added = added.min(MAX_ADDED);
    Ok(PayloadReport {
        point: point(added)?,
        claims: claims_with(added).len(),
        session_line_bytes: COOKIE_LINE_BYTES,
        session_lookups: 1,
        sweep: sweep.clone(),
    })
}

/// The page's figures for `added` claims.
///
/// # Errors
/// As [`point`].
pub fn report(added: usize) -> Result<PayloadReport> {
    report_with(&sweep()?, added)
}

impl PayloadReport {
    /// The lines the window shows and `simulate payload` prints.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let p = self.point;
        let mut out = vec![
            format!(
                "Session: {} B per request (Cookie: sid=...) plus {} store lookup, whatever the user's data",
                self.session_line_bytes, self.session_lookups
            ),
            format!(
                "JWT with {} claims added: {} B per request (Authorization: Bearer, a {} B token), 0 lookups: {:.1} x the cookie",
                p.added,
                p.header_line_bytes,
                p.token_bytes,
                p.header_line_bytes as f64 / self.session_line_bytes as f64
            ),
        ];
        for c in &self.sweep.crossings {
            let now = if p.measured(&c.limit) > c.limit.bytes { "this token is over it" } else { "this token fits" };
            let at = match c.first_over {
                Some(o) => {
                    format!(
                        "crossed at {} claims added ({} B {})",
                        o.added,
                        o.measured(&c.limit),
                        c.limit.measures.what()
                    )
                }
                None => format!("not crossed within {MAX_ADDED} claims added"),
            };
            out.push(format!("{} limit {} B ({}): {at}; {now}", c.limit.name, c.limit.bytes, c.limit.setting));
        }
        out
    }
}
