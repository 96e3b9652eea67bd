//! The sessions-vs-JWT decision rule: a team's answers in, a recommendation out.
//!
//! The rule is deliberately simple and documented (README, "Compare and decide"): each answer is
//! a reason for sessions or a reason for JWT, tied to one of the nine comparison factors. Only
//! session reasons, or none: sessions. Only JWT reasons: JWT. Both: hybrid. The configuration
//! that goes with the answer is part of the advice, because a recommendation without its safe
//! set-up is half an answer.

use serde::Serialize;

/// The nine factors the Compare view has one row each for, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Factor {
    /// Where authentication state lives (server or token).
    State,
    /// What the server stores per user.
    Storage,
    /// Adding servers: sticky sessions, a shared store, or stateless verification.
    Scalability,
    /// How fast a credential stops working once revoked.
    Revocation,
    /// Bytes and work each request costs.
    RequestOverhead,
    /// Credentials that must cross sites.
    CrossDomain,
    /// Native mobile clients.
    Mobile,
    /// Many services verifying one credential.
    Microservices,
    /// What a team must get right (audit findings).
    Complexity,
}

impl Factor {
    /// Every factor, in the Compare view's row order.
    pub const ALL: [Factor; 9] = [
        Factor::State,
        Factor::Storage,
        Factor::Scalability,
        Factor::Revocation,
        Factor::RequestOverhead,
        Factor::CrossDomain,
        Factor::Mobile,
        Factor::Microservices,
        Factor::Complexity,
    ];

    /// The stable id used in JSON (`request-overhead`, …).
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Factor::State => "state",
            Factor::Storage => "storage",
            Factor::Scalability => "scalability",
            Factor::Revocation => "revocation",
            Factor::RequestOverhead => "request-overhead",
            Factor::CrossDomain => "cross-domain",
            Factor::Mobile => "mobile",
            Factor::Microservices => "microservices",
            Factor::Complexity => "complexity",
        }
    }

    /// The row's title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Factor::State => "State",
            Factor::Storage => "Storage",
            Factor::Scalability => "Scalability",
            Factor::Revocation => "Revocation",
            Factor::RequestOverhead => "Request overhead",
            Factor::CrossDomain => "Cross-domain",
            Factor::Mobile => "Mobile",
            Factor::Microservices => "Microservices",
            Factor::Complexity => "Complexity",
        }
    }
}

/// The kind of application being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum AppKind {
    /// Pages rendered on the server (a classic web app).
    ServerRendered,
    /// A single-page app calling an API.
    Spa,
    /// A native mobile client.
    Mobile,
    /// Many services behind a gateway.
    Microservices,
    /// Serverless functions or edge workers.
    Serverless,
}

impl AppKind {
    /// Every kind, in the advisor's order.
    pub const ALL: [AppKind; 5] =
        [AppKind::ServerRendered, AppKind::Spa, AppKind::Mobile, AppKind::Microservices, AppKind::Serverless];

    /// The value of `--app`.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            AppKind::ServerRendered => "server-rendered",
            AppKind::Spa => "spa",
            AppKind::Mobile => "mobile",
            AppKind::Microservices => "microservices",
            AppKind::Serverless => "serverless",
        }
    }

    /// How the advisor names it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            AppKind::ServerRendered => "Server-rendered web app",
            AppKind::Spa => "Single-page app with an API",
            AppKind::Mobile => "Mobile app",
            AppKind::Microservices => "Microservices",
            AppKind::Serverless => "Serverless or edge",
        }
    }
}

/// What a team answers. Every field is a yes/no question except the kind of application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(default)]
#[allow(clippy::struct_excessive_bools)] // one field per yes/no question, as the advisor asks them
pub struct Answers {
    /// The kind of application, when known.
    pub app: Option<AppKind>,
    /// Revoking a user must take effect at once (a hard requirement).
    pub instant_revocation: bool,
    /// A single server or a small cluster.
    pub small_cluster: bool,
    /// Single sign-on across domains.
    pub cross_domain: bool,
    /// OAuth 2.0 or OpenID Connect is part of the system.
    pub oauth: bool,
    /// Services call each other on a user's behalf.
    pub service_to_service: bool,
    /// The team is new to cryptographic protocols.
    pub inexperienced_team: bool,
    /// Per-user session data is large.
    pub large_session_data: bool,
}

/// The advisor's yes/no questions, in its order (the kind of application is asked apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Question {
    /// [`Answers::instant_revocation`].
    InstantRevocation,
    /// [`Answers::small_cluster`].
    SmallCluster,
    /// [`Answers::cross_domain`].
    CrossDomain,
    /// [`Answers::oauth`].
    Oauth,
    /// [`Answers::service_to_service`].
    ServiceToService,
    /// [`Answers::inexperienced_team`].
    InexperiencedTeam,
    /// [`Answers::large_session_data`].
    LargeSessionData,
}

impl Question {
    /// Every question, in the advisor's order.
    pub const ALL: [Question; 7] = [
        Question::InstantRevocation,
        Question::SmallCluster,
        Question::CrossDomain,
        Question::Oauth,
        Question::ServiceToService,
        Question::InexperiencedTeam,
        Question::LargeSessionData,
    ];

    /// The question as the advisor asks it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Question::InstantRevocation => "Revoking a user must take effect at once",
            Question::SmallCluster => "A single server or a small cluster",
            Question::CrossDomain => "Single sign-on across domains",
            Question::Oauth => "OAuth 2.0 or OpenID Connect is part of the system",
            Question::ServiceToService => "Services call each other on a user's behalf",
            Question::InexperiencedTeam => "The team is new to cryptographic protocols",
            Question::LargeSessionData => "Per-user session data is large",
        }
    }

    /// The `tokenbench advise` flag that answers it yes.
    #[must_use]
    pub fn flag(self) -> &'static str {
        match self {
            Question::InstantRevocation => "--instant-revocation",
            Question::SmallCluster => "--small-cluster",
            Question::CrossDomain => "--cross-domain",
            Question::Oauth => "--oauth",
            Question::ServiceToService => "--service-to-service",
            Question::InexperiencedTeam => "--inexperienced-team",
            Question::LargeSessionData => "--large-session-data",
        }
    }
}

impl Answers {
    /// The answer to one question.
    #[must_use]
    pub fn get(&self, q: Question) -> bool {
        match q {
            Question::InstantRevocation => self.instant_revocation,
            Question::SmallCluster => self.small_cluster,
            Question::CrossDomain => self.cross_domain,
            Question::Oauth => self.oauth,
            Question::ServiceToService => self.service_to_service,
            Question::InexperiencedTeam => self.inexperienced_team,
            Question::LargeSessionData => self.large_session_data,
        }
    }

    /// These answers with one question answered `on`.
    #[must_use]
    pub fn with(mut self, q: Question, on: bool) -> Self {
        let field = match q {
            Question::InstantRevocation => &mut self.instant_revocation,
            Question::SmallCluster => &mut self.small_cluster,
            Question::CrossDomain => &mut self.cross_domain,
            Question::Oauth => &mut self.oauth,
            Question::ServiceToService => &mut self.service_to_service,
            Question::InexperiencedTeam => &mut self.inexperienced_team,
            Question::LargeSessionData => &mut self.large_session_data,
        };
        *field = on;
        self
    }

    /// The `tokenbench advise` arguments that give these answers.
    #[must_use]
    pub fn cli_args(&self) -> Vec<&'static str> {
        let mut args = Vec::new();
        if let Some(app) = self.app {
            args.extend(["--app", app.id()]);
        }
        args.extend(Question::ALL.into_iter().filter(|q| self.get(*q)).map(Question::flag));
        args
    }
}

/// Which side a reason speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Favours {
    /// Server-side sessions.
    Sessions,
    /// Self-contained tokens.
    Jwt,
}

/// The advisor's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Recommendation {
    /// Server-side sessions with a cookie.
    Sessions,
    /// Self-contained JWTs.
    Jwt,
    /// Both, each where it is strong.
    Hybrid,
}

impl Recommendation {
    /// The word the CLI prints.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Recommendation::Sessions => "sessions",
            Recommendation::Jwt => "jwt",
            Recommendation::Hybrid => "hybrid",
        }
    }
}

/// One answer that speaks for one side, tied to the factor row that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The factor row this reason belongs to.
    pub factor: Factor,
    /// The side it speaks for.
    pub favours: Favours,
    /// One sentence.
    pub text: &'static str,
}

/// The recommendation, its reasons and the configuration that goes with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// Sessions, JWT or hybrid.
    pub recommendation: Recommendation,
    /// Every answer that spoke for a side, in the order of the questions.
    pub reasons: Vec<Reason>,
    /// How to set up what is recommended.
    pub configuration: Vec<&'static str>,
}

fn reason(factor: Factor, favours: Favours, text: &'static str) -> Reason {
    Reason { factor, favours, text }
}

/// The reason an application kind gives.
fn app_reason(app: AppKind) -> Reason {
    match app {
        AppKind::ServerRendered => reason(
            Factor::State,
            Favours::Sessions,
            "A server-rendered app already works per request on the server, and the browser sends a same-site cookie by itself.",
        ),
        AppKind::Spa => reason(
            Factor::CrossDomain,
            Favours::Jwt,
            "A single-page app calls an API, often on another origin, where a bearer token in a header goes and a cookie does not.",
        ),
        AppKind::Mobile => reason(
            Factor::Mobile,
            Favours::Jwt,
            "A native mobile client has no browser cookie jar; a bearer token in a header is its natural credential.",
        ),
        AppKind::Microservices => reason(
            Factor::Microservices,
            Favours::Jwt,
            "Each service can verify a signed token with the public key, without a call to a shared session store.",
        ),
        AppKind::Serverless => reason(
            Factor::Scalability,
            Favours::Jwt,
            "Serverless and edge functions keep no store connection open; verifying a signature needs none.",
        ),
    }
}

/// Applies the decision rule.
#[must_use]
pub fn advise(answers: &Answers) -> Advice {
    let mut reasons = Vec::new();
    if let Some(app) = answers.app {
        reasons.push(app_reason(app));
    }
    let flags: [(bool, Reason); 7] = [
        (
            answers.instant_revocation,
            reason(
                Factor::Revocation,
                Favours::Sessions,
                "Deleting a session takes effect on the next request; a JWT stays valid until exp unless every request checks a denylist, which is a session store again.",
            ),
        ),
        (
            answers.small_cluster,
            reason(
                Factor::Scalability,
                Favours::Sessions,
                "One server or a small cluster shares one session store easily; stateless verification buys little there.",
            ),
        ),
        (
            answers.cross_domain,
            reason(
                Factor::CrossDomain,
                Favours::Jwt,
                "Single sign-on across domains needs a credential that travels between sites; a cookie stays with its own site.",
            ),
        ),
        (
            answers.oauth,
            reason(
                Factor::CrossDomain,
                Favours::Jwt,
                "OAuth 2.0 and OpenID Connect issue tokens from a separate authorization server: ID tokens are JWTs by definition.",
            ),
        ),
        (
            answers.service_to_service,
            reason(
                Factor::Microservices,
                Favours::Jwt,
                "A service calling another on a user's behalf can pass a signed token that both verify without sharing a store.",
            ),
        ),
        (
            answers.inexperienced_team,
            reason(
                Factor::Complexity,
                Favours::Sessions,
                "JWTs add algorithm choice, key management and validation rules that are easy to get wrong (RFC 8725); a session has fewer moving parts.",
            ),
        ),
        (
            answers.large_session_data,
            reason(
                Factor::Storage,
                Favours::Sessions,
                "Large session data stays on the server with a session; in a JWT it would travel with every request (and a cookie holds about 4 KB).",
            ),
        ),
    ];
    reasons.extend(flags.into_iter().filter_map(|(on, r)| on.then_some(r)));

    let for_sessions = reasons.iter().any(|r| r.favours == Favours::Sessions);
    let for_jwt = reasons.iter().any(|r| r.favours == Favours::Jwt);
    let recommendation = match (for_sessions, for_jwt) {
        (_, false) => Recommendation::Sessions,
        (false, true) => Recommendation::Jwt,
        (true, true) => Recommendation::Hybrid,
    };
    let configuration = configuration(recommendation, *answers);
    Advice { recommendation, reasons, configuration }
}

const SESSION_CONFIG: [&str; 5] = [
    "Session id of at least 128 random bits in a cookie marked HttpOnly, Secure and SameSite=Lax (or Strict).",
    "Regenerate the session id at login and at every privilege change (prevents fixation).",
    "Keep sessions in a store every server shares (Redis, a database), not in one server's memory.",
    "Idle and absolute timeouts; logout deletes the server record.",
    "CSRF protection for state-changing requests (SameSite plus a token or an Origin check).",
];

const JWT_CONFIG: [&str; 5] = [
    "Asymmetric keys (ES256, EdDSA or RS256) so services can verify without being able to mint; publish the public keys as a JWKS with kids.",
    "An algorithm allow-list in every verifier: never accept alg none, never let the token's header pick the key type.",
    "Check iss, aud, exp (and nbf) on every request, with a small leeway.",
    "Access tokens of 5 to 15 minutes; no secrets or personal data in claims (they are encoded, not encrypted).",
    "Send tokens in the Authorization header, never in URLs; store them out of reach of scripts where a browser is involved.",
];

const HYBRID_EDGE_CONFIG: [&str; 4] = [
    "Sessions at the browser edge: an HttpOnly, Secure, SameSite cookie and a shared session store; logout and suspension delete the record at once.",
    "The edge (gateway or BFF) exchanges the session for a short-lived JWT (1 to 5 minutes) that it passes to the services.",
    "Services verify that JWT locally with the edge's public key (asymmetric, algorithm allow-list, iss/aud/exp checks).",
    "No token ever reaches the browser, so a stolen browser credential is a session the server can delete.",
];

const HYBRID_REFRESH_CONFIG: [&str; 4] = [
    "Short-lived access JWTs (5 to 15 minutes), verified locally (asymmetric keys, algorithm allow-list, iss/aud/exp checks).",
    "Refresh tokens tracked on the server, rotated at every use, with reuse detection that revokes the whole family.",
    "Revocation deletes the refresh token: access ends within one access-token lifetime (add a denylist of jti for instant effect).",
    "Keep the refresh token in an HttpOnly, Secure, SameSite cookie scoped to the refresh endpoint, or in the platform's secure storage on mobile.",
];

fn configuration(recommendation: Recommendation, answers: Answers) -> Vec<&'static str> {
    match recommendation {
        Recommendation::Sessions => SESSION_CONFIG.to_vec(),
        Recommendation::Jwt => JWT_CONFIG.to_vec(),
        Recommendation::Hybrid => {
            // Services behind the app: sessions at the edge, JWTs inside. Otherwise the client
            // holds tokens itself, and server-tracked refresh tokens give back revocation.
            let services = answers.service_to_service || answers.app == Some(AppKind::Microservices);
            if services { HYBRID_EDGE_CONFIG.to_vec() } else { HYBRID_REFRESH_CONFIG.to_vec() }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Each yes/no question on its own, with the side it speaks for.
    fn single_flags() -> Vec<(Answers, Favours)> {
        let base = Answers::default();
        vec![
            (Answers { instant_revocation: true, ..base }, Favours::Sessions),
            (Answers { small_cluster: true, ..base }, Favours::Sessions),
            (Answers { cross_domain: true, ..base }, Favours::Jwt),
            (Answers { oauth: true, ..base }, Favours::Jwt),
            (Answers { service_to_service: true, ..base }, Favours::Jwt),
            (Answers { inexperienced_team: true, ..base }, Favours::Sessions),
            (Answers { large_session_data: true, ..base }, Favours::Sessions),
        ]
    }

    #[test]
    fn no_answers_means_sessions() {
        let a = advise(&Answers::default());
        assert_eq!(a.recommendation, Recommendation::Sessions);
        assert!(a.reasons.is_empty());
        assert_eq!(a.configuration, SESSION_CONFIG.to_vec());
    }

    #[test]
    fn every_single_flag_decides_alone() {
        for (answers, side) in single_flags() {
            let a = advise(&answers);
            assert_eq!(a.reasons.len(), 1, "{answers:?}");
            assert_eq!(a.reasons[0].favours, side, "{answers:?}");
            let expected = match side {
                Favours::Sessions => Recommendation::Sessions,
                Favours::Jwt => Recommendation::Jwt,
            };
            assert_eq!(a.recommendation, expected, "{answers:?}");
        }
    }

    #[test]
    fn every_app_kind_decides_alone() {
        for app in AppKind::ALL {
            let a = advise(&Answers { app: Some(app), ..Answers::default() });
            let expected = if app == AppKind::ServerRendered { Recommendation::Sessions } else { Recommendation::Jwt };
            assert_eq!(a.recommendation, expected, "{app:?}");
            assert_eq!(a.reasons.len(), 1);
        }
    }

    #[test]
    fn every_pair_follows_the_rule() {
        // All 2^7 flag combinations times every app kind (and none): the rule is only about
        // which sides have reasons.
        let apps: Vec<Option<AppKind>> = std::iter::once(None).chain(AppKind::ALL.map(Some)).collect();
        for app in apps {
            for bits in 0u8..128 {
                let bit = |i: u8| bits & (1 << i) != 0;
                let answers = Answers {
                    app,
                    instant_revocation: bit(0),
                    small_cluster: bit(1),
                    cross_domain: bit(2),
                    oauth: bit(3),
                    service_to_service: bit(4),
                    inexperienced_team: bit(5),
                    large_session_data: bit(6),
                };
                let sessions = app == Some(AppKind::ServerRendered) || bit(0) || bit(1) || bit(5) || bit(6);
                let jwt = app.is_some_and(|a| a != AppKind::ServerRendered) || bit(2) || bit(3) || bit(4);
                let expected = match (sessions, jwt) {
                    (_, false) => Recommendation::Sessions,
                    (false, true) => Recommendation::Jwt,
                    (true, true) => Recommendation::Hybrid,
                };
                let advice = advise(&answers);
                assert_eq!(advice.recommendation, expected, "{answers:?}");
                let count = usize::from(app.is_some()) + (0..7).filter(|&i| bit(i)).count();
                assert_eq!(advice.reasons.len(), count, "one reason per answer: {answers:?}");
            }
        }
    }

    #[test]
    fn hybrid_configuration_fits_the_system() {
        let spa_revocation = Answers { app: Some(AppKind::Spa), instant_revocation: true, ..Answers::default() };
        let a = advise(&spa_revocation);
        assert_eq!(a.recommendation, Recommendation::Hybrid);
        assert!(a.configuration.iter().any(|c| c.contains("Refresh tokens tracked on the server")));

        let services = Answers { app: Some(AppKind::ServerRendered), service_to_service: true, ..Answers::default() };
        let a = advise(&services);
        assert_eq!(a.recommendation, Recommendation::Hybrid);
        assert!(a.configuration.iter().any(|c| c.starts_with("Sessions at the browser edge")));
    }

    #[test]
    fn jwt_configuration_names_the_safe_defaults() {
        let a = advise(&Answers { app: Some(AppKind::Mobile), ..Answers::default() });
        let all = a.configuration.join(" ");
        for needle in ["Asymmetric", "allow-list", "iss, aud, exp", "5 to 15 minutes"] {
            assert!(all.contains(needle), "{needle}: {all}");
        }
    }

    #[test]
    fn questions_read_and_write_their_own_field() {
        for q in Question::ALL {
            let on = Answers::default().with(q, true);
            assert!(on.get(q));
            assert_eq!(Question::ALL.iter().filter(|o| on.get(**o)).count(), 1, "{q:?} sets one field");
            assert_eq!(on.cli_args(), [q.flag()]);
            assert!(!on.with(q, false).get(q));
        }
        let a = Answers { app: Some(AppKind::ServerRendered), oauth: true, ..Answers::default() };
        assert_eq!(a.cli_args(), ["--app", "server-rendered", "--oauth"]);
        for app in AppKind::ALL {
            // The id is clap's spelling of the value.
            use clap::ValueEnum;
            assert_eq!(app.to_possible_value().unwrap().get_name(), app.id());
        }
    }

    #[test]
    fn every_reason_names_a_factor_row() {
        let all = Answers {
            app: Some(AppKind::Spa),
            instant_revocation: true,
            small_cluster: true,
            cross_domain: true,
            oauth: true,
            service_to_service: true,
            inexperienced_team: true,
            large_session_data: true,
        };
        for r in advise(&all).reasons {
            assert!(Factor::ALL.contains(&r.factor));
            assert!(!r.text.is_empty());
        }
        let json = serde_json::to_value(advise(&all)).unwrap();
        assert_eq!(json["recommendation"], "hybrid");
        assert_eq!(json["reasons"][0]["factor"], "cross-domain");
        assert_eq!(json["reasons"][0]["favours"], "jwt");
    }
}
