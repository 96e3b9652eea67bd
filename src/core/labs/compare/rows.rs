//! The nine rows and three myths, one builder each, over what [`super::runs`] computed once.

use crate::core::text::{human_bytes, measured_time, thousands};
use serde_json::{Map, Value, json};

use super::runs::{Audits, Lifetime, LifetimeKind, Runs};
use super::{CROSS_SITE_EVERY, Cell, Inputs, Myth, MythResult, Row, whole};
use crate::core::engine::audit::{Finding, Severity};
use crate::core::labs::compare::advise::Factor;
use crate::core::labs::flows::Totals;
use crate::core::labs::flows::credential::{Measured, Source};
use crate::core::labs::revocation::{self, EventKind, NO_EXP_CONSEQUENCE, RevocationScenario, ScaleRow, Strategy};
use crate::core::labs::security::surface::{Surface, SurfaceItem};

/// What a row builder reads.
pub(super) struct Cx<'a> {
    pub(super) inp: &'a Inputs<'a>,
    pub(super) life: &'a Lifetime,
    pub(super) audits: &'a Audits,
    pub(super) runs: &'a Runs,
}

fn figures(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn cell(text: String, source: impl Into<String>, pairs: &[(&str, Value)]) -> Cell {
    Cell { text, source: source.into(), figures: figures(pairs) }
}

/// A duration in the shared human words ([`crate::core::text::lifetime_words`]), as Decode says it.
fn words(seconds: i64) -> String {
    crate::core::text::lifetime_words(seconds as f64)
}

/// A ratio as a count when it is whole ("1,001"), else as it is ("1.5").
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn num(x: f64) -> String {
    if x.fract() == 0.0 && (0.0..1e15).contains(&x) { thousands(x as u64) } else { format!("{x}") }
}

fn ms(latency_ms: f64) -> String {
    format!("{latency_ms} ms")
}

/// A duration of the revocation model, or, for a token without exp, until the key is rotated
/// (the one rule: [`revocation::exposure_text`]).
fn exposure(seconds: Option<i64>) -> String {
    revocation::exposure_text(seconds)
}

/// "2 findings: 1 medium, 1 low (+1 info)", or "no findings".
fn findings_text(findings: &[Finding]) -> String {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let counted: Vec<String> = [Severity::High, Severity::Medium, Severity::Low]
        .into_iter()
        .filter(|s| n(*s) > 0)
        .map(|s| format!("{} {}", n(s), s.name()))
        .collect();
    let info = n(Severity::Info);
    let info_text = if info > 0 { format!(" (+{info} info)") } else { String::new() };
    if counted.is_empty() {
        return format!("no findings{info_text}");
    }
    let total = findings.len() - info;
    format!("{total} finding{}: {}{info_text}", if total == 1 { "" } else { "s" }, counted.join(", "))
}

fn severity_figures(findings: &[Finding]) -> Vec<(&'static str, Value)> {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    vec![
        ("high", json!(n(Severity::High))),
        ("medium", json!(n(Severity::Medium))),
        ("low", json!(n(Severity::Low))),
        ("info", json!(n(Severity::Info))),
        ("ids", json!(findings.iter().map(|f| f.id).collect::<Vec<_>>())),
    ]
}

/// Per-request time of a run's totals with the measured costs, in nanoseconds: lookups,
/// verifications and round trips ([`Measured::per_request`], as the Flows lab shows it).
fn per_request_ns(m: &Measured, t: &Totals, latency_ms: f64) -> f64 {
    ns(m.per_request(t, latency_ms).total())
}

fn ns(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e9
}

fn ratio(a: u64, b: u64) -> f64 {
    a as f64 / b.max(1) as f64
}

impl Cx<'_> {
    fn scale_row(&self, strategy: Strategy) -> ScaleRow {
        let rows = revocation::at_scale(&self.life.scenario);
        let i = Strategy::ALL.iter().position(|s| *s == strategy).unwrap_or(0);
        rows[i].clone()
    }

    pub(super) fn state(&self) -> Row {
        let record = revocation::record(Strategy::Session, &self.life.scenario);
        let record_bytes = record.as_ref().map_or(0, revocation::Record::bytes);
        let per_user = Strategy::Session.server_state_entries();
        let key = record.as_ref().map_or("", |r| r.key.split(':').next().unwrap_or(""));
        let sessions = cell(
            format!(
                "{per_user} server record per signed-in user, {record_bytes} B; the request carries only the \
                 session id"
            ),
            format!("revocation model's record layout: key {key}:<256-bit id>, value {{sub, iat, exp}} as JSON"),
            &[("records_per_user", json!(per_user)), ("record_bytes", json!(record_bytes))],
        );
        let jwt_records = Strategy::Jwt.server_state_entries();
        let token_bytes = self.inp.credential.len();
        let jwt = cell(
            format!(
                "{jwt_records} server records; the state travels in every request: the token's {} B",
                thousands(token_bytes as u64)
            ),
            self.inp.credential.source.describe(),
            &[("records_per_user", json!(jwt_records)), ("token_bytes", json!(token_bytes))],
        );
        Row { factor: Factor::State, caption: "Where the signed-in state lives, and its size", sessions, jwt }
    }

    pub(super) fn storage(&self) -> Row {
        let s = self.scale_row(Strategy::Session);
        let j = self.scale_row(Strategy::Jwt);
        let d = self.scale_row(Strategy::JwtDenylist);
        let scale = self.life.scenario.scale.unwrap_or_default();
        // The same records for a million users: what "a store holds millions of sessions" costs
        // in memory, from the record's own size (none when nobody is signed in to measure it by).
        let per_million = (scale.active_users > 0).then(|| s.bytes / scale.active_users as f64 * 1e6);
        let million = per_million
            .map_or_else(String::new, |b| format!("; a million signed-in users: {} of records", human_bytes(b)));
        let sessions = cell(
            format!(
                "{} records, {} for {} signed-in users; {} store lookups/s{million}",
                thousands(whole(s.entries)),
                human_bytes(s.bytes),
                thousands(scale.active_users),
                thousands(whole(s.lookups_per_second))
            ),
            format!("revocation lab at scale: grows with {}", s.grows_with),
            &[
                ("entries", json!(whole(s.entries))),
                ("bytes", json!(whole(s.bytes))),
                ("lookups_per_second", json!(s.lookups_per_second)),
                ("bytes_per_million_users", json!(per_million.map(whole))),
            ],
        );
        let jwt = if self.life.endless() {
            // No exp (or one beyond the model): a denylist entry can never be dropped, so the
            // denylist only grows.
            let per_day = scale.revocations_per_day;
            let entry = revocation::record(Strategy::JwtDenylist, &self.life.scenario).map_or(0, |r| r.bytes());
            cell(
                format!(
                    "{} records, {}; to revoke, a denylist that only grows ({}: each revoked jti stays until the \
                     signing key is rotated): {} records ({}) more every day",
                    thousands(whole(j.entries)),
                    human_bytes(j.bytes),
                    self.life.endless_short(),
                    thousands(whole(per_day)),
                    human_bytes(per_day * entry as f64)
                ),
                format!("revocation lab at scale: a plain JWT grows with {}", j.grows_with),
                &[
                    ("entries", json!(whole(j.entries))),
                    ("bytes", json!(whole(j.bytes))),
                    ("denylist_entries", Value::Null),
                    ("denylist_bytes", Value::Null),
                    ("denylist_entries_per_day", json!(whole(per_day))),
                    ("denylist_bytes_per_day", json!(whole(per_day * entry as f64))),
                ],
            )
        } else {
            cell(
                format!(
                    "{} records, {}; to revoke, a denylist: {} records, {} ({} revocations/day x token-ttl {})",
                    thousands(whole(j.entries)),
                    human_bytes(j.bytes),
                    thousands(whole(d.entries)),
                    human_bytes(d.bytes),
                    thousands(whole(scale.revocations_per_day)),
                    words(self.life.scenario.token_ttl)
                ),
                format!("revocation lab at scale: a plain JWT grows with {}", j.grows_with),
                &[
                    ("entries", json!(whole(j.entries))),
                    ("bytes", json!(whole(j.bytes))),
                    ("denylist_entries", json!(whole(d.entries))),
                    ("denylist_bytes", json!(whole(d.bytes))),
                ],
            )
        };
        Row { factor: Factor::Storage, caption: "What the servers keep for the whole population", sessions, jwt }
    }

    pub(super) fn scalability(&self) -> Row {
        let [local, shared, replicated, jwt] = self.runs.failover;
        let [store_down, denylist_down] = self.runs.store_down;
        let st = self.runs.settings;
        let half = format!("the store down from request {}", thousands(st.requests / 2));
        let n = self.runs.failover_servers;
        // A fan-out multiplies the round trips and verifications: say it where it counts.
        let fan_out =
            if st.services > 0 { format!(", each fanning out to {} services", st.services) } else { String::new() };
        let source = format!(
            "flow model: {} servers, {} users, {} requests{fan_out}, server 0 dies before request {}",
            thousands(u64::from(n)),
            thousands(u64::from(st.users)),
            thousands(st.requests),
            thousands(st.requests / 2)
        );
        let sessions = cell(
            format!(
                "a server dies: in-memory sticky sessions lose {} of {} users, {} of {} requests fail; a shared store \
                 loses none ({} store round trips), but it is a dependency: {half}, {} of {} requests fail, each at \
                 its first lookup ({} store lookups in all); replication copies every login ({} messages)",
                thousands(local.sessions_lost),
                thousands(u64::from(st.users)),
                thousands(local.failed_requests),
                thousands(local.requests),
                thousands(shared.remote_lookups),
                thousands(store_down.failed_requests),
                thousands(store_down.requests),
                thousands(store_down.store_lookups),
                thousands(replicated.replication_messages)
            ),
            source.clone(),
            &[
                ("local_sessions_lost", json!(local.sessions_lost)),
                ("local_failed_requests", json!(local.failed_requests)),
                ("shared_failed_requests", json!(shared.failed_requests)),
                ("shared_round_trips", json!(shared.remote_lookups)),
                ("store_down_from", json!(st.requests / 2)),
                ("store_down_failed_requests", json!(store_down.failed_requests)),
                ("store_down_lookups", json!(store_down.store_lookups)),
                ("replication_messages", json!(replicated.replication_messages)),
            ],
        );
        let jwt_cell = cell(
            format!(
                "a server dies: {} of {} requests fail, {} sessions lost; {} verifications on whichever server, nothing \
                 shared (a denylist check shares the store again: {half}, {} of {} fail)",
                thousands(jwt.failed_requests),
                thousands(jwt.requests),
                thousands(jwt.sessions_lost),
                thousands(jwt.signature_verifications),
                thousands(denylist_down.failed_requests),
                thousands(denylist_down.requests)
            ),
            source,
            &[
                ("failed_requests", json!(jwt.failed_requests)),
                ("sessions_lost", json!(jwt.sessions_lost)),
                ("verifications", json!(jwt.signature_verifications)),
                ("denylist_store_down_failed_requests", json!(denylist_down.failed_requests)),
            ],
        );
        Row { factor: Factor::Scalability, caption: "Adding servers, and losing one", sessions, jwt: jwt_cell }
    }

    /// Exposure of one strategy in a scenario; `None` when the token never expires (plain JWT).
    fn exposure(&self, scenario: &RevocationScenario, strategy: Strategy) -> Option<i64> {
        if self.life.endless() && matches!(strategy, Strategy::Jwt | Strategy::JwtRefresh) {
            return None;
        }
        Some(revocation::simulate(scenario).outcome(strategy).exposure_seconds)
    }

    pub(super) fn revocation(&self) -> Row {
        let s = &self.life.scenario;
        let session = self.exposure(s, Strategy::Session);
        let jwt = self.exposure(s, Strategy::Jwt);
        let deny = self.exposure(s, Strategy::JwtDenylist);
        let lookups = Strategy::JwtDenylist.lookups_per_request();
        let lifetime = match &self.life.kind {
            LifetimeKind::Token if self.inp.credential.source == Source::Typical => {
                format!("the typical token's lifetime, {}", words(s.token_ttl))
            }
            LifetimeKind::Token if s.token_ttl == 0 => "the token's lifetime, 0 s: it is never valid".into(),
            LifetimeKind::Token => format!("the token's lifetime, {}", words(s.token_ttl)),
            LifetimeKind::NoExp => "the token has no exp".into(),
            LifetimeKind::Beyond => "the token's lifetime is beyond the revocation model's range".into(),
            LifetimeKind::Lab(why) => {
                format!("lifetime unknown ({why}): the revocation lab's token-ttl {}", words(s.token_ttl))
            }
        };
        let leeway = if s.leeway > 0 { format!(" + {} leeway", words(s.leeway)) } else { String::new() };
        let sessions = cell(
            format!("{}: deleting the record refuses the very next request", exposure(session)),
            "revocation model, logout right after login",
            &[("exposure_seconds", json!(session))],
        );
        let jwt_text = if jwt.is_none() {
            format!(
                "{}: a revoked or stolen copy works until the signing key is rotated; a denylist brings it to {} \
                 for {lookups} lookup per request, and keeps every entry until then",
                self.life.endless_words(),
                exposure(deny)
            )
        } else if s.token_ttl == 0 {
            format!(
                "0 s: the token is never valid (its exp is not after its nbf/iat), so nothing is accepted and \
                 nothing is left to revoke; a denylist would cost {lookups} lookup per request for nothing"
            )
        } else {
            format!(
                "{}: accepted until exp{leeway}, nothing can recall it; a denylist brings it to {} for {lookups} \
                 lookup per request",
                exposure(jwt),
                exposure(deny)
            )
        };
        let jwt_cell = cell(
            jwt_text,
            format!("revocation model, logout right after issue ({lifetime})"),
            &[("exposure_seconds", json!(jwt)), ("denylist_exposure_seconds", json!(deny))],
        );
        Row {
            factor: Factor::Revocation,
            caption: "How long a revoked credential keeps working (worst case: revoked right after issue)",
            sessions,
            jwt: jwt_cell,
        }
    }

    pub(super) fn overhead(&self) -> Row {
        let [session, jwt] = self.runs.direct;
        let cookie_bytes = self.runs.session.bytes_per_request();
        let bearer_bytes = self.runs.jwt.bytes_per_request();
        let (cookie_b, bearer_b) = (thousands(cookie_bytes as u64), thousands(bearer_bytes as u64));
        let lookups = ratio(session.store_lookups, session.requests);
        let verifications = ratio(jwt.signature_verifications, jwt.requests);
        let latency = self.runs.settings.store_latency_ms;
        let alg = &self.inp.credential.alg;
        let (sessions, jwt_cell) = match self.inp.measured {
            Some(m) => {
                let s_ns = per_request_ns(m, &session, latency);
                let j_ns = per_request_ns(m, &jwt, latency);
                (
                    cell(
                        format!(
                            "Cookie: sid=… {cookie_b} B + {lookups} store lookup: {} in-process + {} round \
                             trip = {} per request",
                            measured_time(ns(m.lookup)),
                            ms(latency),
                            measured_time(s_ns)
                        ),
                        "flow model; lookup measured here in an in-process store, round trip as set in the Flows lab",
                        &[
                            ("bytes", json!(cookie_bytes)),
                            ("lookups_per_request", json!(lookups)),
                            ("latency_ms", json!(latency)),
                            ("lookup_ns", json!(ns(m.lookup).round())),
                            ("per_request_ns", json!(s_ns.round())),
                        ],
                    ),
                    cell(
                        format!(
                            "Authorization: Bearer … {bearer_b} B + {verifications} {alg} verification: {} \
                             measured here",
                            measured_time(j_ns)
                        ),
                        format!(
                            "flow model; the verification measured here, with this verifier, on {}",
                            self.inp.credential.source.describe()
                        ),
                        &[
                            ("bytes", json!(bearer_bytes)),
                            ("verifications_per_request", json!(verifications)),
                            ("verify_ns", json!(ns(m.verify).round())),
                            ("per_request_ns", json!(j_ns.round())),
                        ],
                    ),
                )
            }
            None => (
                cell(
                    format!(
                        "Cookie: sid=… {cookie_b} B + {lookups} store lookup ({} round trip; not measured yet)",
                        ms(latency)
                    ),
                    "flow model",
                    &[
                        ("bytes", json!(cookie_bytes)),
                        ("lookups_per_request", json!(lookups)),
                        ("latency_ms", json!(latency)),
                    ],
                ),
                cell(
                    format!(
                        "Authorization: Bearer … {bearer_b} B + {verifications} {alg} verification (not \
                         measured yet)"
                    ),
                    "flow model",
                    &[("bytes", json!(bearer_bytes)), ("verifications_per_request", json!(verifications))],
                ),
            ),
        };
        Row {
            factor: Factor::RequestOverhead,
            caption: "What every request carries and costs",
            sessions,
            jwt: jwt_cell,
        }
    }

    pub(super) fn cross_domain(&self) -> Row {
        let [s, j] = self.runs.browser;
        let source = format!(
            "flow model: after every {CROSS_SITE_EVERY} of {} requests the page calls another site's API",
            thousands(self.runs.settings.requests)
        );
        let sessions = cell(
            format!(
                "cookie not sent: {} of {} calls to another site fail (the browser keeps it for its own site)",
                thousands(s.cross_site_failed),
                thousands(s.cross_site_calls)
            ),
            source.clone(),
            &[("calls", json!(s.cross_site_calls)), ("failed", json!(s.cross_site_failed))],
        );
        let jwt = cell(
            format!(
                "header sent: {} of {} calls served, after {} CORS preflights (one per calling user, then cached)",
                thousands(j.cross_site_calls - j.cross_site_failed),
                thousands(j.cross_site_calls),
                thousands(j.preflights)
            ),
            source,
            &[
                ("calls", json!(j.cross_site_calls)),
                ("failed", json!(j.cross_site_failed)),
                ("preflights", json!(j.preflights)),
            ],
        );
        Row { factor: Factor::CrossDomain, caption: "Calling an API on another site from the browser", sessions, jwt }
    }

    pub(super) fn mobile(&self) -> Row {
        let [s, j] = self.runs.mobile;
        let served = |t: &Totals| (t.requests - t.failed_requests) + (t.cross_site_calls - t.cross_site_failed);
        let total = |t: &Totals| t.requests + t.cross_site_calls;
        let source = "flow model: a native app, no cookie jar and no browser rules, cross-site calls included";
        let sessions = cell(
            format!(
                "the app stores Set-Cookie and sends it by hand: {} of {} requests served, {} of credentials sent",
                thousands(served(&s)),
                thousands(total(&s)),
                human_bytes(s.client_bytes as f64)
            ),
            source,
            &[
                ("served", json!(served(&s))),
                ("requests", json!(total(&s))),
                ("credential_bytes", json!(s.client_bytes)),
            ],
        );
        let jwt = cell(
            format!(
                "a header, as for any API: {} of {} requests served, {} of credentials sent ({:.1}x the cookie's on \
                 a metered link)",
                thousands(served(&j)),
                thousands(total(&j)),
                human_bytes(j.client_bytes as f64),
                ratio(j.client_bytes, s.client_bytes)
            ),
            source,
            &[
                ("served", json!(served(&j))),
                ("requests", json!(total(&j))),
                ("credential_bytes", json!(j.client_bytes)),
            ],
        );
        Row { factor: Factor::Mobile, caption: "A native app instead of a browser", sessions, jwt }
    }

    pub(super) fn microservices(&self) -> Row {
        let fan_out = self.runs.settings.fan_out();
        let fan = thousands(u64::from(fan_out));
        let [session, jwt] = self.runs.fanned;
        let lookups = ratio(session.store_lookups, session.requests);
        let verifications = ratio(jwt.signature_verifications, jwt.requests);
        let latency = self.runs.settings.store_latency_ms;
        let source = format!(
            "flow model: each request fans out to M = {fan} services{}",
            if self.runs.settings.services == 0 { " (the Flows lab's microservices scenario)" } else { "" }
        );
        let (s_time, j_time, mut s_fig, mut j_fig) = match self.inp.measured {
            Some(measured) => {
                let store = per_request_ns(measured, &session, latency);
                let cpu = per_request_ns(measured, &jwt, latency);
                (
                    format!(": {} of lookups and round trips per request", measured_time(store)),
                    format!(": {} of CPU per request, measured here", measured_time(cpu)),
                    vec![("per_request_ns", json!(store.round()))],
                    vec![("per_request_ns", json!(cpu.round()))],
                )
            }
            None => (String::new(), String::new(), Vec::new(), Vec::new()),
        };
        s_fig.extend([("fan_out", json!(fan_out)), ("lookups_per_request", json!(lookups))]);
        j_fig.extend([("fan_out", json!(fan_out)), ("verifications_per_request", json!(verifications))]);
        let sessions_cell = cell(
            format!("1 + {fan} = {} lookups per request, all on one shared store{s_time}", num(lookups)),
            source.clone(),
            &s_fig,
        );
        let key = crate::core::engine::keys::verification_key_words(&self.inp.credential.alg);
        let jwt_cell = cell(
            format!("1 + {fan} = {} verifications per request, each service with {key}{j_time}", num(verifications)),
            source,
            &j_fig,
        );
        Row {
            factor: Factor::Microservices,
            caption: "Many services checking one user's credential",
            sessions: sessions_cell,
            jwt: jwt_cell,
        }
    }

    pub(super) fn complexity(&self) -> Row {
        let a = self.audits;
        let surface = &a.surface;
        let items = |items: &[SurfaceItem]| serde_json::to_value(items).unwrap_or_default();
        let mut s_fig = severity_figures(&a.cookie);
        s_fig.extend([
            ("risks", json!(surface.sessions.len())),
            ("apply", json!(Surface::applying(&surface.sessions))),
            ("items", items(&surface.sessions)),
        ]);
        let sessions = cell(
            surface.sessions_text(),
            format!("cookie audit of {}: {}", a.cookie_line, findings_text(&a.cookie)),
            &s_fig,
        );
        let ids: Vec<&str> = a.token.iter().map(|f| f.id).collect();
        let mut j_fig = severity_figures(&a.token);
        j_fig.extend([
            ("pitfalls", json!(surface.jwt.len())),
            ("apply", json!(Surface::applying(&surface.jwt))),
            ("items", items(&surface.jwt)),
        ]);
        let audit = if ids.is_empty() {
            format!("token audit: {}", findings_text(&a.token))
        } else {
            format!("token audit: {} ({})", findings_text(&a.token), ids.join(", "))
        };
        let jwt = cell(surface.jwt_text(a.token_what), audit, &j_fig);
        Row {
            factor: Factor::Complexity,
            caption: "The attack surface: session risks against JWT pitfalls that apply to this token",
            sessions,
            jwt,
        }
    }

    pub(super) fn jwt_more_secure(&self) -> MythResult {
        let theft = self.life.with_event(EventKind::TokenStolen);
        let jwt = self.exposure(&theft, Strategy::Jwt);
        let session = self.exposure(&theft, Strategy::Session);
        let a = self.audits;
        let stolen = match jwt {
            Some(s) => format!("keeps working for {} after the theft is reported", words(s)),
            None => {
                format!(
                    "keeps working after the theft is reported: {}, so {NO_EXP_CONSEQUENCE}",
                    self.life.endless_clause()
                )
            }
        };
        let result = format!(
            "A stolen JWT {stolen}; a stolen session stops at once ({}). Audit: {} for {}, {} for a well-set \
             session cookie. A signature proves who issued a token, not that its holder should still have it.",
            exposure(session),
            findings_text(&a.token),
            a.token_what,
            findings_text(&a.cookie)
        );
        let fail = |f: &[Finding]| f.iter().filter(|x| x.severity.fails()).count();
        MythResult {
            myth: Myth::JwtMoreSecure,
            claim: Myth::JwtMoreSecure.claim(),
            experiment: Myth::JwtMoreSecure.experiment(),
            result,
            figures: figures(&[
                ("stolen_jwt_seconds", json!(jwt)),
                ("stolen_session_seconds", json!(session)),
                ("token_high_or_medium", json!(fail(&a.token))),
                ("cookie_high_or_medium", json!(fail(&a.cookie))),
            ]),
            context: None,
        }
    }

    pub(super) fn sessions_dont_scale(&self) -> MythResult {
        let [local, shared, _, _] = self.runs.failover;
        let st = self.runs.settings;
        let per_request = ratio(shared.remote_lookups, shared.requests);
        let result = format!(
            "With a shared store, {} servers served {} of {} requests with one of them dead: {} failed, {} sessions \
             lost, for {per_request} store round trip per request ({} each). Only sessions kept in one server's \
             memory are lost ({} of {} users).",
            thousands(u64::from(self.runs.failover_servers)),
            thousands(shared.requests - shared.failed_requests),
            thousands(shared.requests),
            thousands(shared.failed_requests),
            thousands(shared.sessions_lost),
            ms(st.store_latency_ms),
            thousands(local.sessions_lost),
            thousands(u64::from(st.users))
        );
        MythResult {
            myth: Myth::SessionsDontScale,
            claim: Myth::SessionsDontScale.claim(),
            experiment: Myth::SessionsDontScale.experiment(),
            result,
            figures: figures(&[
                ("servers", json!(self.runs.failover_servers)),
                ("shared_failed_requests", json!(shared.failed_requests)),
                ("shared_sessions_lost", json!(shared.sessions_lost)),
                ("round_trips_per_request", json!(per_request)),
                ("local_sessions_lost", json!(local.sessions_lost)),
            ]),
            context: None,
        }
    }

    pub(super) fn jwt_always_modern(&self) -> MythResult {
        let [s, j] = self.runs.logout;
        let delay = self.exposure(&self.life.scenario, Strategy::Jwt);
        let stays = match delay {
            Some(d) => format!("it stays valid for up to {} after a logout", words(d)),
            None => format!(
                "{}: it stays valid after a logout until the signing key is rotated",
                self.life.endless_clause()
            ),
        };
        let result = format!(
            "After user 0 logs out, a JWT without a revocation check still gets {} of their requests through \
             ({stays}); the session refuses all {}. Adding the check brings back a lookup per request: most \
             production systems pair them, sessions at the browser edge and short-lived JWTs between services \
             (the hybrid).",
            thousands(j.accepted_after_logout),
            thousands(s.rejected_after_logout)
        );
        MythResult {
            myth: Myth::JwtAlwaysModern,
            claim: Myth::JwtAlwaysModern.claim(),
            experiment: Myth::JwtAlwaysModern.experiment(),
            result,
            figures: figures(&[
                ("jwt_accepted_after_logout", json!(j.accepted_after_logout)),
                ("session_rejected_after_logout", json!(s.rejected_after_logout)),
                ("session_accepted_after_logout", json!(s.accepted_after_logout)),
                ("jwt_exposure_seconds", json!(delay)),
            ]),
            context: Some(crate::core::labs::fit::defaults::frameworks_summary()),
        }
    }
}
