//! Tests of the comparison: every figure follows its source (change one input, see exactly the
//! cells that read it change), each figure equals what its model gives, and the report holds no
//! token, key or secret unless asked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_possible_truncation, clippy::cast_sign_loss)]

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::report::{self, Report};
use super::*;
use crate::core::engine::audit;
use crate::core::engine::keys::{self, SecretEncoding};
use crate::core::engine::sign;
use crate::core::engine::timeline::TokenTimeline;
use crate::core::labs::compare::advise::{self, Answers, AppKind};
use crate::core::labs::flows::credential;
use crate::core::labs::flows::{Mode, Store};
use crate::core::labs::revocation::{self, ScaleInputs, Strategy};

const IAT: i64 = 1_700_000_000;

fn measured(verify_us: u64, lookup_ns: u64) -> Measured {
    Measured {
        verify: Duration::from_micros(verify_us),
        sign: None,
        lookup: Duration::from_nanos(lookup_ns),
        valid: true,
    }
}

/// Everything an input set owns, so a test can change one thing.
struct Setup {
    token: Option<Token>,
    keys: Vec<Key>,
    now: f64,
    credential: Credential,
    measured: Option<Measured>,
    flow: FlowSettings,
    revocation: RevocationScenario,
}

impl Setup {
    fn typical() -> Self {
        Self {
            token: None,
            keys: Vec::new(),
            now: IAT as f64 + 60.0,
            credential: Credential::typical(IAT).unwrap(),
            measured: Some(measured(40, 120)),
            flow: FlowSettings::default(),
            revocation: RevocationScenario::example(IAT),
        }
    }

    fn run(&self) -> Comparison {
        compare(&Inputs {
            token: self.token.as_ref(),
            keys: &self.keys,
            now: self.now,
            credential: &self.credential,
            measured: self.measured.as_ref(),
            flow: self.flow,
            revocation: &self.revocation,
        })
        .unwrap()
    }
}

/// The typical token's claims with some changed, signed with the demo key.
fn demo_signed(change: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut claims = credential::typical_claims(IAT);
    change(&mut claims);
    sign::sign(&credential::typical_header(), &claims, "RS256", &credential::demo_key().unwrap()).unwrap()
}

/// The credential the Flows lab builds for a loaded token with the demo key loaded.
fn loaded(text: &str) -> (Token, Credential) {
    let t = token::parse(text).unwrap();
    let key = credential::demo_key().unwrap();
    let c = Credential::choose(Some(&t), std::slice::from_ref(&key), IAT as f64 + 60.0, IAT).unwrap();
    assert!(matches!(c.source, Source::YourToken { .. }), "{:?}", c.source);
    (t, c)
}

/// Which cells (and myths) show another figure in two comparisons: "factor/sessions",
/// "myth:id". A cell's figure is its text and its numbers (its source line names the inputs).
fn changed(a: &Comparison, b: &Comparison) -> Vec<String> {
    let shown = |c: &Cell| (c.text.clone(), c.figures.clone());
    let mut out = Vec::new();
    for (x, y) in a.rows.iter().zip(&b.rows) {
        if shown(&x.sessions) != shown(&y.sessions) {
            out.push(format!("{}/sessions", x.factor.id()));
        }
        if shown(&x.jwt) != shown(&y.jwt) {
            out.push(format!("{}/jwt", x.factor.id()));
        }
    }
    for (x, y) in a.myths.iter().zip(&b.myths) {
        if x != y {
            out.push(format!("myth:{}", serde_json::to_value(x.myth).unwrap().as_str().unwrap()));
        }
    }
    out
}

fn fig(c: &Comparison, factor: Factor, jwt: bool, name: &str) -> Value {
    let row = c.row(factor);
    let cell = if jwt { &row.jwt } else { &row.sessions };
    cell.figures.get(name).cloned().unwrap_or_else(|| panic!("{} has no {name}: {:?}", factor.id(), cell.figures))
}

#[test]
fn nine_rows_in_the_advisors_order_and_three_myths() {
    let c = Setup::typical().run();
    let order: Vec<Factor> = c.rows.iter().map(|r| r.factor).collect();
    assert_eq!(order, Factor::ALL);
    let myths: Vec<Myth> = c.myths.iter().map(|m| m.myth).collect();
    assert_eq!(myths, Myth::ALL);
    assert!(c.token.typical && c.token.source.contains("typical"), "{:?}", c.token);
    assert_eq!(c.token.lifetime_seconds, Some(credential::TYPICAL_LIFETIME));
    for r in &c.rows {
        assert!(!r.sessions.text.is_empty() && !r.jwt.text.is_empty() && !r.caption.is_empty());
        assert!(!r.sessions.figures.is_empty() && !r.jwt.figures.is_empty(), "{:?}", r.factor);
    }
}

#[test]
fn each_figure_is_its_models() {
    let s = Setup::typical();
    let c = s.run();
    // State: the revocation model's session record, and the token's own bytes.
    let record = revocation::record(Strategy::Session, &c_scenario(&s)).unwrap();
    assert_eq!(fig(&c, Factor::State, false, "record_bytes"), json!(record.bytes()));
    // Counted by hand: the key "session:" and a 43-character id (51 B), the value
    // {"sub":"user-1","iat":1800000000,"exp":1800000900} (50 B).
    assert_eq!(fig(&c, Factor::State, false, "record_bytes"), json!(101));
    assert_eq!(fig(&c, Factor::State, false, "records_per_user"), json!(1));
    assert_eq!(fig(&c, Factor::State, true, "records_per_user"), json!(0));
    assert_eq!(fig(&c, Factor::State, true, "token_bytes"), json!(credential::TYPICAL_TOKEN_BYTES));
    // Storage: the at-scale view on the token's lifetime.
    let rows = revocation::at_scale(&c_scenario(&s));
    assert_eq!(fig(&c, Factor::Storage, false, "entries"), json!(rows[0].entries.round() as u64));
    assert_eq!(fig(&c, Factor::Storage, false, "entries"), json!(100_000));
    assert_eq!(fig(&c, Factor::Storage, true, "entries"), json!(0));
    let deny = rows.iter().find(|r| r.strategy == Strategy::JwtDenylist).unwrap();
    assert_eq!(fig(&c, Factor::Storage, true, "denylist_entries"), json!(deny.entries.round() as u64));
    // 20,000 revocations a day x 900 s.
    assert_eq!(fig(&c, Factor::Storage, true, "denylist_entries"), json!(208));
    // Revocation: the revocation model, as the Flows lab's delay gives it.
    assert_eq!(fig(&c, Factor::Revocation, false, "exposure_seconds"), json!(0));
    assert_eq!(fig(&c, Factor::Revocation, true, "exposure_seconds"), json!(900));
    let delay = flows::revocation_delay(Mode::Jwt, flows::Revocation::None, Some(900.0));
    assert_eq!(fig(&c, Factor::Revocation, true, "exposure_seconds"), json!(delay.unwrap() as i64));
    assert_eq!(fig(&c, Factor::Revocation, true, "denylist_exposure_seconds"), json!(0));
    // Overhead: the credential lines and the measured costs.
    assert_eq!(fig(&c, Factor::RequestOverhead, false, "bytes"), json!(34));
    assert_eq!(fig(&c, Factor::RequestOverhead, true, "bytes"), json!(22 + credential::TYPICAL_TOKEN_BYTES));
    assert_eq!(fig(&c, Factor::RequestOverhead, false, "per_request_ns"), json!(120.0 + 500_000.0));
    assert_eq!(fig(&c, Factor::RequestOverhead, true, "per_request_ns"), json!(40_000.0));
    assert!(c.row(Factor::RequestOverhead).jwt.text.contains("40.0 µs"), "{}", c.row(Factor::RequestOverhead).jwt.text);
    // Scalability: the flow model with server 0 dying halfway; 12 users on 4 servers.
    assert_eq!(fig(&c, Factor::Scalability, false, "local_sessions_lost"), json!(3));
    assert_eq!(fig(&c, Factor::Scalability, false, "shared_failed_requests"), json!(0));
    assert_eq!(fig(&c, Factor::Scalability, false, "replication_messages"), json!(12 * 3));
    assert_eq!(fig(&c, Factor::Scalability, true, "failed_requests"), json!(0));
    assert_eq!(fig(&c, Factor::Scalability, true, "verifications"), json!(240));
    let local = flows::simulate(&Config {
        store: Store::Local,
        sticky: true,
        servers: 4,
        users: 12,
        requests: 240,
        fail_server_at: Some(120),
        ..Config::default()
    })
    .unwrap();
    assert_eq!(fig(&c, Factor::Scalability, false, "local_failed_requests"), json!(local.failed_requests));
    // Server 0's 3 users, each with 10 of the last 120 requests, fail every one of them.
    assert_eq!(fig(&c, Factor::Scalability, false, "local_failed_requests"), json!(30));
    // Cross-domain: every third request calls another site; no cookie goes there.
    assert_eq!(fig(&c, Factor::CrossDomain, false, "calls"), json!(80));
    assert_eq!(fig(&c, Factor::CrossDomain, false, "failed"), json!(80));
    assert_eq!(fig(&c, Factor::CrossDomain, true, "failed"), json!(0));
    // Requests 2, 5, 8… call out: users 2, 5, 8 and 11, one preflight each, then cached.
    assert_eq!(fig(&c, Factor::CrossDomain, true, "preflights"), json!(4));
    // Mobile: everything is served both ways; the bytes differ.
    assert_eq!(fig(&c, Factor::Mobile, false, "served"), json!(320));
    assert_eq!(fig(&c, Factor::Mobile, true, "served"), json!(320));
    assert_eq!(fig(&c, Factor::Mobile, false, "credential_bytes"), json!(320 * 34));
    assert_eq!(fig(&c, Factor::Mobile, true, "credential_bytes"), json!(320 * (22 + credential::TYPICAL_TOKEN_BYTES)));
    // Microservices: the Flows lab has no fan-out, so its microservices scenario's.
    assert_eq!(fig(&c, Factor::Microservices, false, "fan_out"), json!(DEFAULT_FAN_OUT));
    assert_eq!(fig(&c, Factor::Microservices, false, "lookups_per_request"), json!(5.0));
    assert_eq!(fig(&c, Factor::Microservices, true, "verifications_per_request"), json!(5.0));
    assert_eq!(fig(&c, Factor::Microservices, false, "per_request_ns"), json!(5.0 * (120.0 + 500_000.0)));
    assert_eq!(fig(&c, Factor::Microservices, true, "per_request_ns"), json!(5.0 * 40_000.0));
    // Complexity: the typical token lacks nothing; the well-set cookie raises nothing.
    assert_eq!(fig(&c, Factor::Complexity, false, "ids"), json!([]));
    assert_eq!(fig(&c, Factor::Complexity, true, "ids"), json!([]));
    assert!(c.row(Factor::Complexity).sessions.source.contains("HttpOnly; Secure; SameSite=Lax; Path=/"));
    let (_, cookie_findings) = audit::audit_cookie(&well_set_cookie(), 0.0).unwrap();
    assert!(cookie_findings.is_empty(), "{cookie_findings:?}");
}

/// The scenario the comparison runs the revocation model on, rebuilt by hand.
fn c_scenario(s: &Setup) -> RevocationScenario {
    let t = token::parse(&s.credential.token).unwrap();
    let tl = TokenTimeline::from_token(&t, 0).unwrap();
    s.revocation.with_tokens(&tl, None).unwrap()
}

#[test]
fn the_tokens_lifetime_changes_revocation_and_the_denylist_only() {
    let (_, fifteen_minutes) = loaded(&demo_signed(|_| {}));
    let a = Setup { credential: fifteen_minutes, ..Setup::typical() }.run();
    let (t, cred) = loaded(&demo_signed(|c| {
        c.insert("exp".into(), json!(IAT + 3600));
    }));
    let longer = Setup { credential: cred, ..Setup::typical() };
    let b = longer.run();
    // Complexity's pitfalls say how long a leaked copy works and what a logout leaves: its reasons
    // follow the lifetime (its counts do not).
    assert_eq!(
        changed(&a, &b),
        ["storage/jwt", "revocation/jwt", "complexity/jwt", "myth:jwt-more-secure", "myth:jwt-always-modern"]
    );
    assert_eq!(
        b.surface.jwt[4].reason,
        "nothing on the server can end it: a logout leaves it valid for its lifetime, 1 h"
    );
    assert_eq!(fig(&a, Factor::Complexity, true, "apply"), fig(&b, Factor::Complexity, true, "apply"));
    assert_eq!(fig(&b, Factor::Revocation, true, "exposure_seconds"), json!(3600));
    assert_eq!(fig(&b, Factor::Storage, true, "denylist_entries"), json!(833));
    assert_eq!(b.myth(Myth::JwtMoreSecure).figures["stolen_jwt_seconds"], json!(3600));
    // The same token loaded (audited as the user's) changes the complexity source, not its counts.
    let with_token = Setup { token: Some(t), credential: longer.credential.clone(), ..Setup::typical() };
    let c = with_token.run();
    assert!(c.row(Factor::Complexity).jwt.text.contains("your token"));
    assert!(!c.token.typical);
}

#[test]
fn the_fan_out_changes_the_rows_that_fan_out() {
    let a = Setup::typical().run();
    let b = Setup { flow: FlowSettings { services: 6, ..FlowSettings::default() }, ..Setup::typical() }.run();
    assert_eq!(
        changed(&a, &b),
        [
            "scalability/sessions",
            "scalability/jwt",
            "microservices/sessions",
            "microservices/jwt",
            "myth:sessions-dont-scale"
        ]
    );
    assert_eq!(fig(&b, Factor::Microservices, false, "lookups_per_request"), json!(7.0));
    assert_eq!(fig(&b, Factor::Microservices, true, "verifications_per_request"), json!(7.0));
    assert_eq!(fig(&b, Factor::Scalability, true, "verifications"), json!(240 * 7));
    assert!(b.row(Factor::Microservices).jwt.text.starts_with("1 + 6 = 7 verifications"));
}

#[test]
fn servers_change_the_session_side_of_scalability_only() {
    let a = Setup::typical().run();
    let b = Setup { flow: FlowSettings { servers: 6, ..FlowSettings::default() }, ..Setup::typical() }.run();
    assert_eq!(changed(&a, &b), ["scalability/sessions", "myth:sessions-dont-scale"]);
    assert_eq!(fig(&b, Factor::Scalability, false, "local_sessions_lost"), json!(2), "users 0 and 6 on server 0");
    assert_eq!(fig(&b, Factor::Scalability, false, "replication_messages"), json!(12 * 5));
    // One server: a failure needs a second one, and the cell says how many it ran with.
    let one = Setup { flow: FlowSettings { servers: 1, ..FlowSettings::default() }, ..Setup::typical() }.run();
    assert!(one.row(Factor::Scalability).sessions.source.starts_with("flow model: 2 servers"));
}

#[test]
fn the_network_latency_changes_the_lookups_cost_only() {
    let a = Setup::typical().run();
    let b = Setup { flow: FlowSettings { store_latency_ms: 5.0, ..FlowSettings::default() }, ..Setup::typical() }.run();
    assert_eq!(changed(&a, &b), ["request-overhead/sessions", "microservices/sessions", "myth:sessions-dont-scale"]);
    assert_eq!(fig(&b, Factor::RequestOverhead, false, "per_request_ns"), json!(120.0 + 5_000_000.0));
}

#[test]
fn the_measurement_changes_the_measured_cells_only() {
    let a = Setup::typical().run();
    let b = Setup { measured: Some(measured(90, 120)), ..Setup::typical() }.run();
    assert_eq!(changed(&a, &b), ["request-overhead/jwt", "microservices/jwt"]);
    let none = Setup { measured: None, ..Setup::typical() }.run();
    assert!(none.row(Factor::RequestOverhead).jwt.text.contains("not measured yet"));
    assert!(!none.row(Factor::RequestOverhead).jwt.figures.contains_key("verify_ns"));
}

#[test]
fn the_tokens_findings_change_complexity() {
    let (clean, cred) = loaded(&demo_signed(|_| {}));
    let a = Setup { token: Some(clean), credential: cred.clone(), ..Setup::typical() }.run();
    // The same credential, but the loaded token lacks aud and carries a password: two findings.
    let (no_aud, _) = loaded(&demo_signed(|c| {
        c.remove("aud");
        c.insert("password".into(), json!("hunter2"));
    }));
    let b = Setup { token: Some(no_aud), credential: cred, ..Setup::typical() }.run();
    assert_eq!(changed(&a, &b), ["complexity/jwt", "myth:jwt-more-secure"]);
    assert_eq!(fig(&a, Factor::Complexity, true, "ids"), json!([]));
    assert_eq!(fig(&b, Factor::Complexity, true, "ids"), json!(["sensitive-claim", "missing-aud"]));
    assert_eq!(fig(&b, Factor::Complexity, true, "medium"), json!(1));
    assert_eq!(fig(&b, Factor::Complexity, true, "low"), json!(1));
    // The findings are the audit's line; the row counts the pitfalls, which these two tokens
    // share (RS256, 15 minutes): algorithm confusion, leakage, no revocation.
    assert!(b.row(Factor::Complexity).jwt.source.starts_with("token audit: 2 findings: 1 medium, 1 low"));
    for c in [&a, &b] {
        assert_eq!(
            c.row(Factor::Complexity).jwt.text,
            "5 pitfalls, 3 apply to your token: algorithm confusion, leakage through logs and URLs, no revocation"
        );
        assert_eq!(
            (fig(c, Factor::Complexity, true, "pitfalls"), fig(c, Factor::Complexity, true, "apply")),
            (json!(5), json!(3))
        );
    }
    assert_eq!(
        b.row(Factor::Complexity).sessions.text,
        "2 risks, 2 apply to every session: session fixation, hijacking"
    );
}

#[test]
fn the_complexity_row_counts_the_pitfalls_that_apply_to_the_token() {
    let c = Setup::typical().run();
    let row = c.row(Factor::Complexity);
    assert_eq!(row.sessions.text, "2 risks, 2 apply to every session: session fixation, hijacking");
    assert_eq!(
        row.jwt.text,
        "5 pitfalls, 3 apply to the typical token: algorithm confusion, leakage through logs and URLs, no revocation"
    );
    assert_eq!(
        (fig(&c, Factor::Complexity, false, "risks"), fig(&c, Factor::Complexity, false, "apply")),
        (json!(2), json!(2))
    );
    // The figures list the window's items, each with why and its demonstration.
    assert_eq!(fig(&c, Factor::Complexity, true, "items"), serde_json::to_value(&c.surface.jwt).unwrap());
    assert_eq!(fig(&c, Factor::Complexity, false, "items"), serde_json::to_value(&c.surface.sessions).unwrap());
    let items = fig(&c, Factor::Complexity, true, "items");
    let ids: Vec<(&str, bool, &str)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i["applies"].as_bool().unwrap(), i["demo"].as_str().unwrap()))
        .collect();
    assert_eq!(
        ids,
        [
            ("none-alg", false, "none-alg"),
            ("alg-confusion", true, "alg-confusion"),
            ("weak-secret", false, "weak-secret"),
            ("leakage", true, "leakage"),
            ("no-revocation", true, "no-revocation"),
        ]
    );
    // The typical token is judged at its iat: a copy has its whole 15 minutes.
    assert_eq!(items[3]["reason"], "a copy from a log or a URL works for 15 min more");
    // An HS256 token with a secret in the bundled list: the weak secret applies, confusion does not.
    let key = keys::load_secret(b"keyboard cat", SecretEncoding::Utf8, "s").unwrap();
    let text = sign::sign(&Map::new(), &credential::typical_claims(IAT), "HS256", &key).unwrap();
    let t = token::parse(&text).unwrap();
    let cred = Credential::choose(Some(&t), std::slice::from_ref(&key), IAT as f64 + 60.0, IAT).unwrap();
    let hs = Setup { token: Some(t), keys: vec![key], credential: cred, ..Setup::typical() }.run();
    assert_eq!(
        hs.row(Factor::Complexity).jwt.text,
        "5 pitfalls, 3 apply to your token: a weak HMAC secret, leakage through logs and URLs, no revocation"
    );
    assert_eq!(hs.surface.jwt[2].reason, "its HMAC secret is in a public wordlist");
}

#[test]
fn the_lab_settings_reach_storage_and_revocation() {
    let a = Setup::typical().run();
    let mut lab = RevocationScenario::example(IAT);
    lab.scale = Some(ScaleInputs { active_users: 250_000, ..ScaleInputs::default() });
    let b = Setup { revocation: lab.clone(), ..Setup::typical() }.run();
    assert_eq!(changed(&a, &b), ["storage/sessions"]);
    assert_eq!(fig(&b, Factor::Storage, false, "entries"), json!(250_000));
    lab.scale = Some(ScaleInputs { revocations_per_day: 86_400.0, ..ScaleInputs::default() });
    let c = Setup { revocation: lab.clone(), ..Setup::typical() }.run();
    assert_eq!(changed(&a, &c), ["storage/jwt"]);
    assert_eq!(fig(&c, Factor::Storage, true, "denylist_entries"), json!(900), "one a second for 900 s");
    lab.scale = None;
    lab.leeway = 30;
    let d = Setup { revocation: lab, ..Setup::typical() }.run();
    assert_eq!(changed(&a, &d), ["revocation/jwt", "myth:jwt-more-secure", "myth:jwt-always-modern"]);
    assert_eq!(fig(&d, Factor::Revocation, true, "exposure_seconds"), json!(930));
}

#[test]
fn the_flow_size_changes_the_counts() {
    let a = Setup::typical().run();
    let b =
        Setup { flow: FlowSettings { requests: 600, users: 30, ..FlowSettings::default() }, ..Setup::typical() }.run();
    let moved = changed(&a, &b);
    for cell in ["scalability/sessions", "cross-domain/sessions", "cross-domain/jwt", "mobile/sessions", "mobile/jwt"] {
        assert!(moved.contains(&cell.to_owned()), "{cell}: {moved:?}");
    }
    assert_eq!(fig(&b, Factor::CrossDomain, false, "calls"), json!(200));
    assert_eq!(fig(&b, Factor::CrossDomain, true, "preflights"), json!(10));
    let m = b.myth(Myth::JwtAlwaysModern);
    // User 0 of 30 makes every 30th request; the logout comes before request 150.
    assert_eq!(m.figures["jwt_accepted_after_logout"], json!(15));
    assert_eq!(m.figures["session_rejected_after_logout"], json!(15));
    assert_eq!(m.figures["session_accepted_after_logout"], json!(0));
}

#[test]
fn tokens_without_a_lifetime_say_so() {
    let (no_exp, cred) = loaded(&demo_signed(|c| {
        c.remove("exp");
    }));
    let c = Setup { token: Some(no_exp), credential: cred, ..Setup::typical() }.run();
    assert_eq!(fig(&c, Factor::Revocation, true, "exposure_seconds"), Value::Null);
    assert_eq!(fig(&c, Factor::Revocation, true, "denylist_exposure_seconds"), json!(0));
    let jwt = &c.row(Factor::Revocation).jwt.text;
    assert!(jwt.starts_with("never expires (no exp): a revoked or stolen copy works until the signing key"), "{jwt}");
    assert_eq!(c.token.lifetime_seconds, None);
    assert_eq!(c.token.lifetime_text(), "never expires (no exp): a stolen copy works until the signing key is rotated");
    assert_eq!(c.myth(Myth::JwtMoreSecure).figures["stolen_jwt_seconds"], Value::Null);
    assert_eq!(c.myth(Myth::JwtAlwaysModern).figures["jwt_exposure_seconds"], Value::Null);
    // The denylist can never drop a no-exp token's entry: no steady state taken from the lab's
    // token-ttl, but what it gains a day (20,000 revocations/day by default).
    assert_eq!(fig(&c, Factor::Storage, true, "denylist_entries"), Value::Null);
    assert_eq!(fig(&c, Factor::Storage, true, "denylist_entries_per_day"), json!(20_000));
    let storage = &c.row(Factor::Storage).jwt.text;
    assert!(storage.contains("only grows") && !storage.contains("token-ttl"), "{storage}");
    // Proper sentences: "never" is not a duration.
    let texts = c.rows.iter().flat_map(|r| [&r.sessions.text, &r.jwt.text, &r.sessions.source, &r.jwt.source]);
    for t in texts.chain(c.myths.iter().map(|m| &m.result)) {
        for wrong in ["for never", "after never", "up to never", "never:", "to never"] {
            assert!(!t.contains(wrong), "{wrong:?} in {t}");
        }
    }
    assert!(c.myth(Myth::JwtMoreSecure).result.contains("until the signing key is rotated"));
    assert!(c.myth(Myth::JwtAlwaysModern).result.contains("stays valid after a logout until the signing key"));
    assert!(c.row(Factor::Complexity).jwt.figures["ids"].as_array().unwrap().contains(&json!("missing-exp")));

    let (no_start, cred) = loaded(&demo_signed(|c| {
        c.remove("iat");
        c.remove("nbf");
    }));
    let c = Setup { token: Some(no_start), credential: cred, ..Setup::typical() }.run();
    assert_eq!(fig(&c, Factor::Revocation, true, "exposure_seconds"), json!(3600), "the lab's token-ttl");
    assert!(c.token.lifetime_note.as_deref().unwrap().contains("revocation lab's token-ttl"));
    assert!(c.row(Factor::Revocation).jwt.source.contains("revocation lab's token-ttl 1 h"));
    assert!(c.token.lifetime_text().starts_with("lifetime unknown (the token has an exp but no nbf or iat"));
}

#[test]
fn a_lifetime_beyond_the_model_is_said_and_treated_as_never_expiring_never_clamped() {
    let text = |c: &Comparison| {
        let mut all: Vec<String> = c.rows.iter().flat_map(|r| [r.sessions.text.clone(), r.jwt.text.clone()]).collect();
        all.extend(c.myths.iter().map(|m| m.result.clone()));
        all.push(c.token.lifetime_text());
        all.join("\n")
    };
    for exp in [json!(253_402_300_799_i64), json!(1e300), json!(18_446_744_073_709_551_616.0)] {
        let (t, cred) = loaded(&demo_signed(|c| {
            c.insert("exp".into(), exp.clone());
        }));
        let c = Setup { token: Some(t), credential: cred, ..Setup::typical() }.run();
        assert_eq!(c.token.lifetime_seconds, None, "{exp}: no lifetime cut to the model's limit");
        assert!(c.token.endless && c.token.never_expires());
        let note = c.token.lifetime_text();
        assert!(note.contains(&revocation::model_range_text()), "names the limit: {note}");
        assert!(note.contains("the figures treat it as never expiring"), "says what the figures use: {note}");
        assert_eq!(fig(&c, Factor::Revocation, true, "exposure_seconds"), Value::Null);
        assert_eq!(fig(&c, Factor::Storage, true, "denylist_entries"), Value::Null);
        let all = text(&c);
        for clamped in ["1137731", "1,137,731", "22,754,629,630", "5138-11-16", "3168.8 years ("] {
            assert!(!all.contains(clamped) || clamped == "5138-11-16" && !all.contains("accepted until 5138"), "{all}");
        }
        assert!(c.row(Factor::Revocation).jwt.text.starts_with("treated as never expiring (lifetime "), "{all}");
    }
    let (t, cred) = loaded(&demo_signed(|c| {
        c.insert("exp".into(), json!(253_402_300_799_i64));
        c.remove("nbf");
    }));
    let c = Setup { token: Some(t), credential: cred, ..Setup::typical() }.run();
    assert!(c.token.lifetime_text().starts_with("lifetime 7976.0 years (iat "), "{}", c.token.lifetime_text());
}

#[test]
fn a_token_that_is_never_valid_runs_on_0_s_and_says_so() {
    for exp in [IAT, IAT - 60] {
        let (t, cred) = loaded(&demo_signed(|c| {
            c.insert("exp".into(), json!(exp));
            c.remove("nbf");
        }));
        let c = Setup { token: Some(t), credential: cred, ..Setup::typical() }.run();
        assert_eq!(c.token.lifetime_seconds, Some(0), "0 s, not the lab's token-ttl");
        let note = c.token.lifetime_text();
        assert!(note.starts_with("lifetime 0 s: the token is never valid ("), "{note}");
        assert!(!note.contains("token-ttl") && !c.row(Factor::Storage).jwt.text.contains("1 h"), "{note}");
        assert_eq!(fig(&c, Factor::Revocation, true, "exposure_seconds"), json!(0));
        assert!(c.row(Factor::Revocation).jwt.text.starts_with("0 s: the token is never valid"));
        assert_eq!(fig(&c, Factor::Storage, true, "denylist_entries"), json!(0));
    }
}

#[test]
fn durations_read_as_decode_says_them_and_counts_have_separators() {
    let (t, cred) = loaded(&demo_signed(|c| {
        c.insert("exp".into(), json!(IAT + 3652 * 86_400));
        c.remove("nbf");
    }));
    let c = Setup {
        token: Some(t),
        credential: cred,
        flow: FlowSettings { servers: 50, users: 1_000_000, requests: 10_000_000, ..FlowSettings::default() },
        ..Setup::typical()
    };
    let c = c.run();
    assert_eq!(c.token.lifetime_text(), "lifetime 10.0 years", "as Decode's human duration");
    assert!(c.row(Factor::Storage).jwt.text.contains("token-ttl 10.0 years"), "{}", c.row(Factor::Storage).jwt.text);
    // No bare run of five digits or more in any row or myth: every count goes through thousands().
    let digits = regex_free_long_number;
    for r in &c.rows {
        for t in [&r.sessions.text, &r.jwt.text, &r.sessions.source, &r.jwt.source] {
            assert!(!digits(t), "{}: {t}", r.factor.id());
        }
    }
    for m in &c.myths {
        assert!(!digits(&m.result), "{}", m.result);
    }
    let overhead = &c.row(Factor::RequestOverhead).jwt.source;
    assert!(!overhead.contains("verified by this verifier"), "{overhead}");
}

/// Whether a text holds a number of five digits or more written without separators.
fn regex_free_long_number(t: &str) -> bool {
    let mut run = 0;
    for ch in t.chars() {
        if ch.is_ascii_digit() {
            run += 1;
            if run >= 5 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

#[test]
fn a_token_that_cannot_be_used_is_named_with_the_reason() {
    let jwe = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/07-jwe-rfc7516.jwt")).trim();
    let mut s = Setup::typical();
    s.token = Some(token::parse(jwe).unwrap());
    s.credential = Credential::choose(s.token.as_ref(), &[], s.now, IAT).unwrap();
    let c = s.run();
    assert!(c.token.typical);
    assert!(
        c.token.source.ends_with("since your token is encrypted (JWE): its claims cannot be read without the key"),
        "{}",
        c.token.source
    );
    // Nothing loaded: the typical token, with no excuse to give.
    assert!(!Setup::typical().run().token.source.contains("since"));
}

#[test]
fn an_hmac_token_is_verified_with_a_shared_secret_not_a_public_key() {
    let secret = keys::load_secret(&[5u8; 32], SecretEncoding::Raw, "s").unwrap();
    let claims = credential::typical_claims(IAT);
    let hs = sign::sign(&credential::typical_header(), &claims, "HS256", &secret).unwrap();
    let mut s = Setup::typical();
    s.token = Some(token::parse(&hs).unwrap());
    s.keys = vec![secret];
    s.credential = Credential::choose(s.token.as_ref(), &s.keys, s.now, IAT).unwrap();
    let c = s.run();
    let text = &c.row(Factor::Microservices).jwt.text;
    assert!(text.contains("each service with the shared HMAC secret"), "{text}");
    assert!(!text.contains("public key"), "{text}");
    // The typical RS256 token: the public key.
    let typical = Setup::typical().run();
    assert!(typical.row(Factor::Microservices).jwt.text.contains("each service with the public key"));
}

#[test]
fn settings_the_model_cannot_run_are_refused() {
    let s = Setup::typical();
    let with = |flow: FlowSettings| {
        compare(&Inputs {
            token: None,
            keys: &[],
            now: 0.0,
            credential: &s.credential,
            measured: None,
            flow,
            revocation: &s.revocation,
        })
    };
    assert!(with(FlowSettings { users: 0, ..FlowSettings::default() }).unwrap_err().contains("--users"));
    assert!(
        with(FlowSettings { store_latency_ms: f64::NAN, ..FlowSettings::default() }).unwrap_err().contains("latency")
    );
    assert!(with(FlowSettings { services: 5000, ..FlowSettings::default() }).is_err());
}

// ---------------------------------------------------------------------------------------------
// The report

/// A weak HS256 secret from the bundled wordlist, a private RSA key, a token signed with the
/// secret: everything a report must not leak.
struct Secrets {
    token: Token,
    keys: Vec<Key>,
    secret: &'static str,
    private_pem: String,
}

fn secrets() -> Secrets {
    let secret = "keyboard cat";
    let hmac = keys::load_secret(secret.as_bytes(), SecretEncoding::Utf8, "secret (text)").unwrap();
    let private_pem =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/keys/rsa2048-pkcs8.pem")).unwrap();
    let rsa = keys::load(private_pem.as_bytes(), "rsa2048-pkcs8.pem").unwrap().remove(0);
    let text = sign::sign(&Map::new(), &credential::typical_claims(IAT), "HS256", &hmac).unwrap();
    Secrets { token: token::parse(&text).unwrap(), keys: vec![hmac, rsa], secret, private_pem }
}

fn reports(s: &Secrets, include_token: bool) -> (String, String) {
    let cred = Credential::choose(Some(&s.token), &s.keys, IAT as f64 + 60.0, IAT).unwrap();
    let lab = RevocationScenario::example(IAT);
    let c = compare(&Inputs {
        token: Some(&s.token),
        keys: &s.keys,
        now: IAT as f64 + 60.0,
        credential: &cred,
        measured: Some(&measured(3, 100)),
        flow: FlowSettings::default(),
        revocation: &lab,
    })
    .unwrap();
    // The audit did find the secret: its message quotes it.
    assert!(fig(&c, Factor::Complexity, true, "ids").as_array().unwrap().contains(&json!("weak-secret")));
    let answers = Answers { app: Some(AppKind::Spa), instant_revocation: true, ..Answers::default() };
    let advice = advise::advise(&answers);
    let r = Report {
        comparison: &c,
        answers: &answers,
        advice: &advice,
        keys: &s.keys,
        now: IAT as f64 + 60.0,
        token: include_token.then_some(s.token.text.as_str()),
    };
    (report::markdown(&r), serde_json::to_string(&report::json(&r)).unwrap())
}

/// Every piece of secret material a report could leak.
fn forbidden(s: &Secrets) -> Vec<String> {
    let mut f = vec![
        s.secret.to_owned(),
        crate::core::engine::token::encode_b64url(s.secret.as_bytes()),
        // The secret's thumbprint is a hash of it: a weak secret falls to a dictionary.
        s.keys[0].thumbprint.clone(),
    ];
    // Every line of the private key's PEM body.
    f.extend(s.private_pem.lines().filter(|l| !l.starts_with("-----") && l.len() > 16).map(str::to_owned));
    f
}

#[test]
fn the_report_holds_no_token_key_or_secret_unless_asked() {
    let s = secrets();
    let (md, json) = reports(&s, false);
    for text in [&md, &json] {
        for bad in forbidden(&s) {
            assert!(!text.contains(&bad), "leaks {bad:?}");
        }
        for segment in s.token.text.split('.') {
            assert!(!text.contains(segment), "leaks a token segment {segment:?}");
        }
        // The public key is named by its thumbprint, the secret by its size.
        assert!(text.contains(&s.keys[1].thumbprint), "the RSA key's public thumbprint");
        assert!(text.contains("HMAC secret (96 bits)"));
    }
    assert!(md.contains("| **Revocation** |"), "{md}");
    assert!(md.contains("**Recommendation: hybrid**"));
    assert!(md.contains("[sessions] Revocation:"), "each reason with its row");
    assert!(md.contains("weak-secret"), "findings appear by id");
    // Asked for: the token, and still no key or secret.
    let (md, json) = reports(&s, true);
    assert!(md.contains(&s.token.text) && json.contains(&s.token.text));
    for text in [&md, &json] {
        for bad in forbidden(&s) {
            assert!(!text.contains(&bad), "leaks {bad:?} with the token included");
        }
    }
}

#[test]
fn the_json_report_has_its_contract_keys() {
    let s = secrets();
    let (_, json) = reports(&s, false);
    let v: Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["token", "keys", "flow", "scale", "access_ttl", "leeway", "rows", "myths", "answers", "advice"]);
    assert!(v["token"].get("text").is_none());
    let row = &v["rows"][3];
    let keys: Vec<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["factor", "title", "caption", "sessions", "jwt"]);
    assert_eq!(row["factor"], "revocation");
    let cell: Vec<&str> = row["jwt"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(cell, ["text", "source", "figures"]);
    assert_eq!(v["myths"][1]["id"], "sessions-dont-scale");
    assert_eq!(v["advice"]["recommendation"], "hybrid");
}

/// The typical token is the model's, not made with the loaded keys: a secret in the key list
/// gives it no "bad signature" (its figures stay those of no keys).
#[test]
fn the_typical_token_is_judged_without_the_loaded_keys() {
    let secret = crate::core::engine::keys::load_secret(
        b"a secret the user loaded for her own token",
        crate::core::engine::keys::SecretEncoding::Utf8,
        "s",
    )
    .unwrap();
    let with = Setup { keys: vec![secret], ..Setup::typical() }.run();
    let without = Setup::typical().run();
    assert_eq!(fig(&with, Factor::Complexity, true, "ids"), fig(&without, Factor::Complexity, true, "ids"));
}
