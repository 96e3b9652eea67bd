//! "JWT is always the modern choice", tested: the sessions the major frameworks use by
//! default, then the typical server-rendered app (one server, a logout that must work now) on
//! the flows model ([`crate::core::labs::flows::simulate`]) and the revocation model
//! ([`crate::core::labs::flows::revocation_delay`]).

use serde::Serialize;

use crate::core::labs::flows::{self, Config, Logout, Mode, Revocation, Store, credential};
use crate::core::text::{count, thousands};

/// A framework's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Framework {
    /// The framework.
    pub name: &'static str,
    /// What it uses out of the box.
    pub default: &'static str,
    /// The setting that chooses it.
    pub setting: &'static str,
    /// The default in a few words, for the one-line summary ([`frameworks_summary`]).
    pub in_short: &'static str,
}

/// Rails, Django and Laravel: sessions out of the box, none of them JWTs. Rails' default keeps the
/// session in the cookie itself (client-side state, like a JWT in a cookie), so its line says so
/// rather than counting it among the server-side stores.
pub const FRAMEWORKS: [Framework; 3] = [
    Framework {
        name: "Ruby on Rails",
        default: "sessions in an encrypted, signed cookie (cookie store): no server record, so a copied cookie outlives a logout as a JWT does; a server-side store (cache, Active Record) is one setting away",
        setting: "config.session_store :cookie_store",
        in_short: "a session in an encrypted, signed cookie",
    },
    Framework {
        name: "Django",
        default: "database-backed sessions (django.contrib.sessions.backends.db)",
        setting: "SESSION_ENGINE",
        in_short: "database-backed sessions",
    },
    Framework {
        name: "Laravel",
        default: "server-side sessions: the database driver since Laravel 11, files before",
        setting: "SESSION_DRIVER (config/session.php)",
        in_short: "server-side sessions in the database",
    },
];

/// The frameworks' defaults in one line, as Compare's "JWT is always the modern choice" card
/// states them before its experiment (the Framework defaults page lists them in full).
#[must_use]
pub fn frameworks_summary() -> String {
    let each: Vec<String> = FRAMEWORKS.iter().map(|f| format!("{}, {}", f.name, f.in_short)).collect();
    format!("Out of the box the frameworks use sessions, none a JWT: {}.", each.join("; "))
}

/// The typical app's users.
pub const USERS: u32 = 100;
/// The typical app's requests.
pub const REQUESTS: u64 = 1_000;
/// User 0 logs out just before this request.
pub const LOGOUT_BEFORE: u64 = 500;

/// One design on the typical app.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Design {
    /// Its name.
    pub name: &'static str,
    /// Bytes of credential per request.
    pub bytes_per_request: u64,
    /// Store lookups per request.
    pub lookups_per_request: u64,
    /// Signature verifications per request.
    pub verifications_per_request: u64,
    /// The logged-out user's requests still accepted after the logout.
    pub accepted_after_logout: u64,
    /// The logged-out user's requests refused.
    pub rejected_after_logout: u64,
    /// How long a logout takes to stop the credential, seconds (`None`: never by time).
    pub logout_delay: Option<f64>,
    /// What the server keeps.
    pub server_keeps: &'static str,
}

/// The frameworks and the typical app's three designs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DefaultsReport {
    /// The frameworks' defaults.
    pub frameworks: Vec<Framework>,
    /// Session, plain JWT, JWT with a denylist.
    pub designs: Vec<Design>,
}

fn design(name: &'static str, mode: Mode, revocation: Revocation, server_keeps: &'static str) -> Design {
    let cfg = Config {
        mode,
        store: Store::Local,
        servers: 1,
        users: USERS,
        requests: REQUESTS,
        revocation,
        logout: Some(Logout { user: 0, before_request: LOGOUT_BEFORE }),
        ..Config::default()
    };
    // The configuration is within every bound: the run cannot fail; a zero run says so anyway.
    let totals = flows::simulate(&cfg).unwrap_or_default();
    let per = |n: u64| n / totals.requests.max(1);
    Design {
        name,
        bytes_per_request: per(totals.client_bytes),
        lookups_per_request: per(totals.store_lookups),
        verifications_per_request: per(totals.signature_verifications),
        accepted_after_logout: totals.accepted_after_logout,
        rejected_after_logout: totals.rejected_after_logout,
        logout_delay: flows::revocation_delay(mode, revocation, Some(credential::TYPICAL_LIFETIME as f64)),
        server_keeps,
    }
}

/// The page's figures.
#[must_use]
pub fn report() -> DefaultsReport {
    DefaultsReport {
        frameworks: FRAMEWORKS.to_vec(),
        designs: vec![
            design(
                "Server-side session (Django's and Laravel's default)",
                Mode::Session,
                Revocation::None,
                "session records",
            ),
            design("JWT", Mode::Jwt, Revocation::None, "a signing key"),
            design(
                "JWT + denylist",
                Mode::Jwt,
                Revocation::Denylist,
                "a signing key and a denylist store: server-side state again",
            ),
        ],
    }
}

impl DefaultsReport {
    /// The frameworks' lines.
    #[must_use]
    pub fn framework_lines(&self) -> Vec<String> {
        self.frameworks.iter().map(|f| format!("{}: {} [{}]", f.name, f.default, f.setting)).collect()
    }

    /// The typical app's lines, one per design.
    #[must_use]
    pub fn design_lines(&self) -> Vec<String> {
        self.designs
            .iter()
            .map(|d| {
                let delay = d.logout_delay.map_or_else(|| "never by time".to_owned(), |s| format!("{s:.0} s"));
                format!(
                    "{}: {} B, {} and {} per request; after the logout {} accepted, {} refused; the logout takes effect after {delay}; the server keeps {}",
                    d.name,
                    d.bytes_per_request,
                    count(d.lookups_per_request, "lookup", "lookups"),
                    count(d.verifications_per_request, "verification", "verifications"),
                    count(d.accepted_after_logout, "request", "requests"),
                    d.rejected_after_logout,
                    d.server_keeps
                )
            })
            .collect()
    }
}

impl DefaultsReport {
    /// What the figures say for the typical app, in one line: which designs stop the logged-out
    /// user at once and what the one JWT design that does pays for it.
    #[must_use]
    pub fn conclusion(&self) -> String {
        let [session, jwt, denylist] = self.designs.as_slice() else {
            return String::new();
        };
        format!(
            "Sessions win here: the logout holds at once ({} accepted after it, against {} for a plain JWT); the JWT that matches it needs {} per request too, so it keeps state like a session while sending {} B instead of {} B.",
            count(session.accepted_after_logout, "request", "requests"),
            jwt.accepted_after_logout,
            count(denylist.lookups_per_request, "lookup", "lookups"),
            denylist.bytes_per_request,
            session.bytes_per_request
        )
    }
}

/// The typical app's setting, in one line.
#[must_use]
pub fn scenario_line() -> String {
    format!(
        "The typical server-rendered app: one server, {USERS} users, {} requests; user 0 logs out before request {LOGOUT_BEFORE}",
        thousands(REQUESTS)
    )
}
