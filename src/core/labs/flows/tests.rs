//! One test per rule of the `simulate flow` contract, the view's extra events, the sequence
//! diagram's agreement with the totals, and the credential.
#![allow(clippy::cast_possible_truncation, clippy::float_cmp)]

use super::credential::{self, Credential, Source, TYPICAL_TOKEN_BYTES};
use super::sequence::{self, Actor, Emphasis, Label};
use super::*;
use crate::core::engine::{token, verify};

fn cfg(mode: Mode, servers: u32, users: u32, requests: u64) -> Config {
    Config { mode, servers, users, requests, ..Config::default() }
}

fn steps(c: Config) -> Vec<Step> {
    let mut f = Flow::new(c).unwrap();
    std::iter::from_fn(|| f.step()).collect()
}

fn requests(c: Config) -> Vec<RequestStep> {
    steps(c)
        .into_iter()
        .filter_map(|s| match s {
            Step::Request(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn logins_come_first_in_order_served_by_u_mod_n_and_are_not_requests() {
    let all = steps(cfg(Mode::Session, 3, 7, 2));
    let logins: Vec<(u32, u32)> = all
        .iter()
        .take(7)
        .map(|s| match s {
            Step::Login { user, server, .. } => (*user, *server),
            other => panic!("expected a login, got {other:?}"),
        })
        .collect();
    assert_eq!(logins, [(0, 0), (1, 1), (2, 2), (3, 0), (4, 1), (5, 2), (6, 0)]);
    assert!(matches!(all[7], Step::Request(_)) && all.len() == 9);
    let t = simulate(&cfg(Mode::Session, 3, 7, 0)).unwrap();
    assert_eq!((t.requests, t.logins, t.store_lookups), (0, 7, 0), "logins are not requests");
}

#[test]
fn replicated_logins_send_n_minus_1_messages_each() {
    let c = Config { store: Store::Replicated, ..cfg(Mode::Session, 4, 10, 0) };
    assert_eq!(simulate(&c).unwrap().replication_messages, 10 * 3);
    assert!(
        steps(c).iter().all(|s| matches!(s, Step::Login { replication_messages: 3, .. })),
        "each login copies to the 3 other servers"
    );
    for store in [Store::Shared, Store::Local] {
        assert_eq!(simulate(&Config { store, ..c }).unwrap().replication_messages, 0, "{store:?}");
    }
    assert_eq!(
        simulate(&Config { store: Store::Replicated, ..cfg(Mode::Session, 1, 10, 5) }).unwrap().replication_messages,
        0
    );
}

#[test]
fn request_j_is_made_by_user_j_mod_u() {
    let users: Vec<u32> = requests(cfg(Mode::Jwt, 2, 3, 8)).iter().map(|r| r.user).collect();
    assert_eq!(users, [0, 1, 2, 0, 1, 2, 0, 1]);
    let indices: Vec<u64> = requests(cfg(Mode::Jwt, 2, 3, 8)).iter().map(|r| r.index).collect();
    assert_eq!(indices, (0..8).collect::<Vec<_>>());
}

#[test]
fn without_sticky_request_j_goes_to_alive_j_mod_len_alive() {
    let c = Config { fail_server_at: Some(3), ..cfg(Mode::Jwt, 3, 5, 7) };
    let servers: Vec<u32> = requests(c).iter().map(|r| r.server).collect();
    // Before the failure alive = [0, 1, 2]; after it alive = [1, 2] and j = 3 → alive[1] = 2.
    assert_eq!(servers, [0, 1, 2, 2, 1, 2, 1]);
}

#[test]
fn sticky_requests_go_to_the_login_server() {
    let c = Config { sticky: true, ..cfg(Mode::Session, 3, 5, 10) };
    for r in requests(c) {
        assert_eq!(r.server, r.user % 3, "request {}", r.index);
    }
}

#[test]
fn sticky_requests_of_a_dead_login_server_are_re_pinned_to_server_1() {
    let c = Config { sticky: true, fail_server_at: Some(0), ..cfg(Mode::Jwt, 3, 6, 12) };
    for r in requests(c) {
        let expected = if r.user % 3 == 0 { 1 } else { r.user % 3 };
        assert_eq!(r.server, expected, "user {}", r.user);
    }
}

#[test]
fn server_0_dies_just_before_request_i() {
    let c = Config { fail_server_at: Some(4), ..cfg(Mode::Session, 2, 2, 8) };
    let all = steps(c);
    let died = all.iter().position(|s| matches!(s, Step::ServerDied { server: 0, .. })).unwrap();
    assert!(matches!(all[died - 1], Step::Request(RequestStep { index: 3, .. })));
    assert!(matches!(all[died + 1], Step::Request(RequestStep { index: 4, .. })));
    assert!(requests(c).iter().all(|r| r.index < 4 || r.server != 0), "no request reaches server 0 after it died");
    // At or after R the failure never happens.
    let never = Config { fail_server_at: Some(8), ..c };
    assert!(!steps(never).iter().any(|s| matches!(s, Step::ServerDied { .. })));
}

#[test]
fn sessions_lost_counts_the_sessions_no_live_server_holds() {
    // Users 0, 3, 6, 9 logged in on server 0.
    let base = Config { fail_server_at: Some(0), ..cfg(Mode::Session, 3, 10, 5) };
    let lost = |c: Config| simulate(&c).unwrap().sessions_lost;
    assert_eq!(lost(Config { store: Store::Local, ..base }), 4, "local: its memory is gone");
    assert_eq!(lost(Config { store: Store::Shared, ..base }), 0, "shared: the store survives");
    assert_eq!(lost(Config { store: Store::Replicated, ..base }), 0, "replicated: other servers hold copies");
    assert_eq!(lost(Config { mode: Mode::Jwt, ..base }), 0, "JWT: no sessions");
    assert_eq!(lost(Config { mode: Mode::Hybrid, store: Store::Local, ..base }), 4, "hybrid: the edge session");
    // A session deleted at logout before the failure is not lost.
    let logout = Config { logout: Some(Logout { user: 3, before_request: 0 }), fail_server_at: Some(1), ..base };
    assert_eq!(lost(Config { store: Store::Local, ..logout }), 3);
}

#[test]
fn session_requests_cost_1_plus_m_lookups() {
    let c = Config { services: 3, ..cfg(Mode::Session, 2, 4, 10) };
    let t = simulate(&c).unwrap();
    assert_eq!((t.store_lookups, t.signature_verifications), (40, 0));
    // Failed requests cost the same: each service looks the session up too.
    let failing = Config { store: Store::Local, fail_server_at: Some(0), sticky: true, ..c };
    let t = simulate(&failing).unwrap();
    assert!(t.failed_requests > 0);
    assert_eq!(t.store_lookups, 40);
    assert!(requests(c).iter().all(|r| r.lookups == 4));
}

#[test]
fn a_lookup_that_misses_fails_the_request_with_no_relogin() {
    // Sticky, local store: users 0 and 2 lived on server 0, which dies before request 2.
    let c = Config { store: Store::Local, sticky: true, fail_server_at: Some(2), ..cfg(Mode::Session, 2, 4, 12) };
    let rs = requests(c);
    for r in &rs {
        let lost = r.index >= 2 && r.user % 2 == 0;
        let expected = if lost { RequestOutcome::SessionMissing } else { RequestOutcome::Ok };
        assert_eq!(r.outcome, expected, "request {} of user {}", r.index, r.user);
    }
    // Every later request of a lost user fails again: nobody logs in anew.
    assert_eq!(
        simulate(&c).unwrap().failed_requests,
        rs.iter().filter(|r| r.index >= 2 && r.user % 2 == 0).count() as u64
    );
}

#[test]
fn a_local_store_holds_a_session_only_on_its_login_server() {
    // U = 3, N = 2, round robin: user j mod 3 lives on (j mod 3) mod 2, the request goes to j mod 2.
    use RequestOutcome::{Ok as Hit, SessionMissing as Miss};
    let c = Config { store: Store::Local, ..cfg(Mode::Session, 2, 3, 6) };
    let outcomes: Vec<RequestOutcome> = requests(c).iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Hit, Hit, Hit, Miss, Miss, Miss]);
    assert_eq!(simulate(&c).unwrap().failed_requests, 3);
    assert_eq!(simulate(&Config { store: Store::Shared, ..c }).unwrap().failed_requests, 0);
    assert_eq!(simulate(&Config { store: Store::Replicated, ..c }).unwrap().failed_requests, 0);
}

#[test]
fn the_store_defaults_to_shared() {
    assert_eq!(Config::default().store, Store::Shared);
    assert_eq!(Config::default().mode, Mode::Session);
    assert_eq!(Config::default().revocation, Revocation::None);
}

#[test]
fn jwt_requests_cost_1_plus_m_verifications_plus_lookups_only_with_a_revocation_check() {
    let c = Config { services: 2, ..cfg(Mode::Jwt, 3, 4, 5) };
    let t = simulate(&c).unwrap();
    assert_eq!((t.signature_verifications, t.store_lookups), (15, 0));
    for revocation in [Revocation::Denylist, Revocation::Version] {
        let t = simulate(&Config { revocation, ..c }).unwrap();
        assert_eq!((t.signature_verifications, t.store_lookups), (15, 15), "{revocation:?}");
    }
}

#[test]
fn jwt_requests_never_fail_when_a_server_dies() {
    for sticky in [false, true] {
        let c = Config { sticky, fail_server_at: Some(3), services: 1, ..cfg(Mode::Jwt, 2, 5, 20) };
        let t = simulate(&c).unwrap();
        assert_eq!((t.failed_requests, t.sessions_lost, t.requests), (0, 0, 20), "sticky {sticky}");
    }
}

#[test]
fn hybrid_costs_one_edge_lookup_then_m_verifications_when_it_hits() {
    // The local-store pattern of a_local_store_holds…: three hits, three misses.
    let c = Config { store: Store::Local, services: 2, ..cfg(Mode::Hybrid, 2, 3, 6) };
    let t = simulate(&c).unwrap();
    assert_eq!((t.store_lookups, t.signature_verifications, t.failed_requests), (6, 6, 3));
    for r in requests(c) {
        assert_eq!(r.lookups, 1);
        assert_eq!(r.verifications, if r.outcome == RequestOutcome::Ok { 2 } else { 0 });
    }
    // The edge signs one internal token per session, on its first served request.
    assert_eq!(t.tokens_signed, 3);
}

#[test]
fn bytes_per_request_is_the_credential_line_without_crlf() {
    let session = cfg(Mode::Session, 1, 1, 1);
    assert_eq!(session.bytes_per_request(), 34);
    assert_eq!(Config { mode: Mode::Hybrid, ..session }.bytes_per_request(), 34);
    let jwt = Config { mode: Mode::Jwt, token_bytes: 500, ..session };
    assert_eq!(jwt.bytes_per_request(), "Authorization: Bearer ".len() + 500);
    for u in [0, 1, 7, 99_999, u32::MAX] {
        let line = sequence::cookie_line(u);
        assert_eq!(line.len(), 34, "{line}");
        assert!(line.starts_with("Cookie: sid=") && !line.contains('='.to_string().repeat(2).as_str()));
    }
    let token = credential::typical_token(1_700_000_000).unwrap();
    let jwt = Config { token_bytes: token.len(), ..jwt };
    assert_eq!(sequence::bearer_line(&token).len(), jwt.bytes_per_request());
    let t = simulate(&Config { requests: 7, ..jwt }).unwrap();
    assert_eq!(t.client_bytes, 7 * jwt.bytes_per_request() as u64);
}

#[test]
fn session_ids_are_128_bits_of_base64url_and_distinct() {
    let ids: std::collections::HashSet<String> = (0..10_000).map(sequence::session_id).collect();
    assert_eq!(ids.len(), 10_000);
    for id in ids.iter().take(100) {
        assert_eq!(token::decode_b64url(id).unwrap().len(), 16, "{id}");
    }
}

#[test]
fn the_session_cookie_is_set_httponly_secure_samesite_lax() {
    let c = Config::default();
    let cx = sequence::LabelContext { cfg: &c, user: 7, token: "", jti: "", alg: "RS256" };
    let line = Label::SetCookie.text(&cx);
    let sid = sequence::session_id(7);
    assert_eq!(line, format!("Set-Cookie: sid={sid}; HttpOnly; Secure; SameSite=Lax"));
    // The request then carries that id, and only it: 34 bytes as the metrics count them.
    assert_eq!(Label::RequestCookie.text(&cx), format!("GET /api/orders  Cookie: sid={sid}"));
    assert_eq!(sequence::cookie_line(7).len(), 34);
}

#[test]
fn the_verify_step_names_the_key_an_alg_needs() {
    let c = Config::default();
    let cx = |alg| sequence::LabelContext { cfg: &c, user: 1, token: "", jti: "", alg };
    assert_eq!(Label::Verify.text(&cx("HS256")), "verify the HS256 signature with the cached shared HMAC secret");
    assert_eq!(Label::Verify.text(&cx("ES256")), "verify the ES256 signature with the cached public key");
}

#[test]
fn identical_inputs_give_identical_results() {
    let c = Config {
        store: Store::Local,
        sticky: true,
        services: 3,
        fail_server_at: Some(500),
        logout: Some(Logout { user: 5, before_request: 100 }),
        cross_site_every: 7,
        ..cfg(Mode::Session, 7, 97, 2_000)
    };
    let totals = simulate(&c).unwrap();
    assert_eq!(totals, simulate(&c).unwrap());
    assert_eq!(steps(c), steps(c));
    // From the config: server 0 held users 0, 7, … 91 (14 of 97), whose requests from #500 on
    // fail (1500 / 97 each, 216 in all); user 5 is refused on each of its 20 requests after #100.
    let t = totals;
    assert_eq!((t.requests, t.sessions_lost, t.failed_requests, t.rejected_after_logout), (2000, 14, 216, 20));
}

/// Every config the proptest draws: all modes, stores, revocations, failures and events.
fn arbitrary_config() -> impl proptest::strategy::Strategy<Value = Config> {
    use proptest::prelude::*;
    (
        (0usize..3, 0usize..3, 0usize..3, any::<bool>(), 1u32..9, 1u32..40, 0u64..300),
        (
            0u32..4,
            proptest::option::of(0u64..320),
            0u64..9,
            any::<bool>(),
            any::<bool>(),
            proptest::option::of((0u32..40, 0u64..300)),
        ),
    )
        .prop_map(
            |(
                (mode, store, rev, sticky, servers, users, requests),
                (services, fail, cross, mobile, serverless, logout),
            )| {
                let mut c = Config {
                    mode: Mode::ALL[mode],
                    store: Store::ALL[store],
                    revocation: Revocation::ALL[rev],
                    sticky,
                    servers: if fail.is_some() { servers.max(2) } else { servers },
                    users,
                    requests,
                    services,
                    fail_server_at: fail,
                    token_bytes: 600,
                    client: if mobile { Client::Mobile } else { Client::Browser },
                    cross_site_every: cross,
                    logout: logout.map(|(u, at)| Logout { user: u % users, before_request: at }),
                    serverless,
                    ..Config::default()
                };
                // A store outage where a store is used, chosen by the users' count: none, to
                // the end, or over a third of the run.
                if c.uses_store() && requests > 0 && users % 3 != 0 {
                    let at = requests / 3;
                    c.store_fail_at = Some(at);
                    c.store_back_at = (users % 3 == 2).then(|| (at + 1 + requests / 3).min(requests));
                }
                c
            },
        )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Stepping one event at a time (the view) and running to the end (the CLI) agree, and the
    /// diagram of each event shows exactly the lookups and verifications the totals count.
    #[test]
    fn stepping_and_running_agree_and_diagrams_match_the_totals(c in arbitrary_config()) {
        let ran = simulate(&c).unwrap();
        let mut f = Flow::new(c).unwrap();
        let (mut lookups, mut verifications, mut replications) = (0u64, 0u64, 0u64);
        let left = f.events_left();
        let mut played = 0u64;
        while let Some(step) = f.step() {
            played += 1;
            let msgs = sequence::messages(&c, &step);
            proptest::prop_assert!(msgs.len() <= sequence::max_messages(&c), "{step:?}: {} > max", msgs.len());
            lookups += msgs.iter().filter(|m| m.emphasis == Emphasis::Lookup).count() as u64;
            verifications += msgs.iter().filter(|m| m.emphasis == Emphasis::Verify).count() as u64;
            replications += msgs.iter().map(|m| match m.label { Label::Replicate(n) => u64::from(n), Label::ServerUp(n) => n, _ => 0 }).sum::<u64>();
            match step {
                Step::Request(r) => {
                    proptest::prop_assert_eq!(msgs.iter().filter(|m| m.emphasis == Emphasis::Lookup).count() as u32, r.lookups);
                    proptest::prop_assert_eq!(msgs.iter().filter(|m| m.emphasis == Emphasis::Verify).count() as u32, r.verifications);
                    proptest::prop_assert_eq!(msgs.first().map(|m| m.from), Some(Actor::Client));
                }
                Step::CrossSite(x) => {
                    proptest::prop_assert_eq!(msgs.iter().filter(|m| m.emphasis == Emphasis::Lookup).count() as u32, x.lookups);
                }
                _ => {}
            }
        }
        proptest::prop_assert_eq!(played, left, "events_left predicted the run");
        proptest::prop_assert_eq!(*f.totals(), ran);
        proptest::prop_assert_eq!((lookups, verifications, replications), (ran.store_lookups, ran.signature_verifications, ran.replication_messages));
        proptest::prop_assert_eq!(ran.requests, c.requests);
        proptest::prop_assert!(ran.remote_lookups <= ran.store_lookups);
        proptest::prop_assert!(f.finished());
    }
}

#[test]
fn memory_is_o_users_plus_servers_not_requests() {
    let c = Config {
        store: Store::Local,
        services: 2,
        fail_server_at: Some(10),
        ..cfg(Mode::Session, 50, 1_000, 2_000_000)
    };
    let mut f = Flow::new(c).unwrap();
    let before = (f.flags.capacity(), f.home.capacity(), f.alive.capacity(), f.sessions_on.capacity());
    f.run();
    assert_eq!((f.flags.capacity(), f.home.capacity()), (1_000, 1_000));
    assert_eq!((before.0, before.1, f.alive.capacity(), f.sessions_on.capacity()), (1_000, 1_000, 50, 50));
    assert!(f.alive_list.capacity() <= 50);
}

#[test]
fn a_logout_deletes_the_session_but_a_jwt_lives_on_without_a_revocation_check() {
    let base = Config { logout: Some(Logout { user: 1, before_request: 4 }), ..cfg(Mode::Session, 2, 2, 10) };
    // User 1 makes requests 5, 7, 9 after the logout.
    let t = simulate(&base).unwrap();
    assert_eq!((t.rejected_after_logout, t.failed_requests, t.accepted_after_logout), (3, 0, 0));
    let jwt = Config { mode: Mode::Jwt, ..base };
    assert_eq!(simulate(&jwt).unwrap().accepted_after_logout, 3, "still valid until exp");
    for revocation in [Revocation::Denylist, Revocation::Version] {
        let t = simulate(&Config { revocation, ..jwt }).unwrap();
        assert_eq!((t.rejected_after_logout, t.accepted_after_logout), (3, 0), "{revocation:?}");
    }
    let mut f = Flow::new(Config { revocation: Revocation::Denylist, ..jwt }).unwrap();
    f.run();
    assert_eq!(f.store_entries(), 1, "one denylisted token");
    let mut f = Flow::new(Config { store: Store::Replicated, ..base }).unwrap();
    let t = f.run();
    assert_eq!(t.replication_messages, 2 + 1, "two logins and the deletion, each to the one other server");
    assert_eq!(f.live_sessions(), 1);
}

#[test]
fn a_browser_sends_no_cookie_to_another_site_but_a_header_after_one_preflight() {
    let base = Config { cross_site_every: 2, ..cfg(Mode::Session, 2, 2, 8) };
    let t = simulate(&base).unwrap();
    assert_eq!((t.cross_site_calls, t.cross_site_failed, t.requests, t.failed_requests), (4, 4, 8, 0));
    let hybrid = simulate(&Config { mode: Mode::Hybrid, ..base }).unwrap();
    assert_eq!(hybrid.cross_site_failed, 4, "the hybrid's edge cookie is a cookie too");
    let jwt = simulate(&Config { mode: Mode::Jwt, ..base }).unwrap();
    // Cross-site calls after requests 1, 3, 5, 7: all by user 1; one preflight, then cached.
    assert_eq!((jwt.cross_site_failed, jwt.preflights, jwt.signature_verifications), (0, 1, 8 + 4));
    // A native app has neither SameSite nor CORS: the cookie goes, no preflight.
    let app = simulate(&Config { client: Client::Mobile, ..base }).unwrap();
    assert_eq!((app.cross_site_failed, app.store_lookups), (0, 8 + 4));
    let app_jwt = simulate(&Config { client: Client::Mobile, mode: Mode::Jwt, ..base }).unwrap();
    assert_eq!(app_jwt.preflights, 0);
}

#[test]
fn killing_and_adding_servers_by_hand() {
    let c = Config { store: Store::Replicated, ..cfg(Mode::Session, 2, 4, 6) };
    let mut f = Flow::new(c).unwrap();
    for _ in 0..4 {
        f.step();
    }
    assert_eq!(f.totals().replication_messages, 4);
    assert_eq!(f.add_server().unwrap(), Step::ServerAdded { server: 2, sessions_copied: 4 });
    assert_eq!(f.totals().replication_messages, 8);
    assert_eq!(f.alive_servers(), [0, 1, 2]);
    assert_eq!(f.kill(1).unwrap(), Step::ServerDied { server: 1, sessions_lost: 0 });
    assert_eq!(f.kill(1), Err(FlowError::NotAlive(1)));
    f.kill(0).unwrap();
    assert_eq!(f.kill(2), Err(FlowError::LastServer(2)), "one server always stays up");
    let servers: Vec<u32> = std::iter::from_fn(|| f.step())
        .filter_map(|s| if let Step::Request(r) = s { Some(r.server) } else { None })
        .collect();
    assert_eq!(servers, [2; 6]);
    assert_eq!(f.totals().failed_requests, 0, "the new server got a copy of every session");
    // A local store loses what the killed server held; logins after a death go elsewhere.
    let mut f = Flow::new(Config { store: Store::Local, ..c }).unwrap();
    assert!(matches!(f.kill(0).unwrap(), Step::ServerDied { sessions_lost: 0, .. }));
    assert!(matches!(f.step(), Some(Step::Login { user: 0, server: 1, .. })), "login 0 re-routed to a live server");
}

#[test]
fn serverless_functions_open_a_store_connection_per_remote_lookup() {
    let c = Config { serverless: true, services: 1, ..cfg(Mode::Session, 5, 5, 10) };
    let t = simulate(&c).unwrap();
    assert_eq!((t.store_connections, t.remote_lookups), (20, 20));
    let jwt = simulate(&Config { mode: Mode::Jwt, ..c }).unwrap();
    assert_eq!(jwt.store_connections, 0, "a cached public key needs no connection");
    assert_eq!(simulate(&Config { serverless: false, ..c }).unwrap().store_connections, 0);
}

#[test]
fn remote_lookups_are_the_ones_crossing_the_network() {
    let c = Config { services: 2, ..cfg(Mode::Session, 2, 2, 10) };
    assert_eq!(simulate(&c).unwrap().remote_lookups, 30);
    assert_eq!(
        simulate(&Config { store: Store::Replicated, ..c }).unwrap().remote_lookups,
        20,
        "the edge looks in memory"
    );
    assert_eq!(simulate(&Config { mode: Mode::Hybrid, ..c }).unwrap().remote_lookups, 10);
    assert_eq!(simulate(&Config { mode: Mode::Jwt, revocation: Revocation::Version, ..c }).unwrap().remote_lookups, 30);
}

#[test]
fn invalid_configs_are_refused_with_a_reason() {
    let ok = cfg(Mode::Session, 2, 2, 2);
    assert_eq!(Flow::new(Config { servers: 0, ..ok }).unwrap_err(), FlowError::NoServers);
    assert_eq!(Flow::new(Config { users: 0, ..ok }).unwrap_err(), FlowError::NoUsers);
    assert_eq!(
        Flow::new(Config { servers: 1, fail_server_at: Some(0), ..ok }).unwrap_err(),
        FlowError::FailWithOneServer
    );
    assert_eq!(
        Flow::new(Config { servers: MAX_SERVERS + 1, ..ok }).unwrap_err(),
        FlowError::TooManyServers(MAX_SERVERS + 1)
    );
    assert_eq!(
        Flow::new(Config { services: MAX_SERVICES + 1, ..ok }).unwrap_err(),
        FlowError::TooManyServices(MAX_SERVICES + 1)
    );
    assert_eq!(Flow::new(Config { requests: u64::MAX, ..ok }).unwrap_err(), FlowError::TooManyRequests(u64::MAX));
    // The report's run of 10^12 requests took hours: the cap is what runs in about a minute.
    assert_eq!(
        Flow::new(Config { requests: 1_000_000_000_000, ..ok }).unwrap_err(),
        FlowError::TooManyRequests(1_000_000_000_000)
    );
    assert!(Flow::new(Config { requests: 10_000_000_000, ..ok }).is_ok());
    assert!(FlowError::FailWithOneServer.to_string().contains("--fail-server-at"));
}

#[test]
fn names_round_trip() {
    for m in Mode::ALL {
        assert_eq!(m.name().parse::<Mode>().unwrap(), *m);
    }
    for s in Store::ALL {
        assert_eq!(s.name().parse::<Store>().unwrap(), *s);
    }
    assert!("sticky".parse::<Store>().unwrap_err().contains("shared, local, replicated"));
}

#[test]
fn revocation_takes_effect_at_once_except_for_an_unchecked_jwt() {
    let d = |mode, revocation, lifetime: f64| revocation_delay(mode, revocation, Some(lifetime)).unwrap();
    assert_eq!(d(Mode::Session, Revocation::None, 900.0), 0.0);
    assert_eq!(d(Mode::Jwt, Revocation::None, 900.0), 900.0);
    assert_eq!(d(Mode::Jwt, Revocation::Denylist, 900.0), 0.0);
    assert_eq!(d(Mode::Jwt, Revocation::Version, 3600.0), 0.0);
    assert_eq!(d(Mode::Hybrid, Revocation::None, 900.0), HYBRID_INTERNAL_TOKEN_LIFETIME);
    assert_eq!(d(Mode::Jwt, Revocation::None, 899.2), 900.0, "whole seconds, as the revocation model counts");
    assert_eq!(d(Mode::Jwt, Revocation::None, f64::INFINITY), (crate::core::labs::revocation::MAX_TIME / 4) as f64);
    // No exp: an unchecked JWT is never cut off by time; every check still stops it at once.
    assert_eq!(revocation_delay(Mode::Jwt, Revocation::None, None), None);
    assert_eq!(revocation_delay(Mode::Jwt, Revocation::Denylist, None), Some(0.0));
    assert_eq!(revocation_delay(Mode::Session, Revocation::None, None), Some(0.0));
    assert_eq!(revocation_delay(Mode::Hybrid, Revocation::None, None), Some(HYBRID_INTERNAL_TOKEN_LIFETIME));
}

#[test]
fn the_typical_token_has_a_fixed_size_and_is_reproducible() {
    let a = credential::typical_token(1_700_000_000).unwrap();
    assert_eq!(a.len(), TYPICAL_TOKEN_BYTES);
    assert_eq!(a, credential::typical_token(1_700_000_000).unwrap(), "PKCS#1 v1.5 is deterministic");
    assert_eq!(credential::typical_token(4_102_444_800).unwrap().len(), TYPICAL_TOKEN_BYTES, "any 10-digit iat");
    assert_eq!(Config::default().token_bytes, TYPICAL_TOKEN_BYTES);
    let t = token::parse(&a).unwrap();
    assert_eq!(t.alg(), Some("RS256"));
    assert_eq!(t.claims().unwrap().len(), 10);
    let key = credential::demo_key().unwrap();
    assert!(verify::verify(&t, &[key], &verify::Policy::default(), 1_700_000_100.0).valid);
}

#[test]
fn the_credential_is_the_users_own_when_it_can_be() {
    use crate::core::engine::keys;
    let now = 1_700_000_100.0;
    let typical = Credential::choose(None, &[], now, 1_700_000_000).unwrap();
    assert_eq!((typical.source.clone(), typical.len()), (Source::Typical, TYPICAL_TOKEN_BYTES));
    assert_eq!(typical.lifetime.seconds(), Some(900));
    // A token and the key that verifies it: used as is.
    let secret = keys::load_secret(b"0123456789abcdef0123456789abcdef", keys::SecretEncoding::Utf8, "s").unwrap();
    let claims = credential::typical_claims(1_700_000_000);
    let mine =
        crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &secret)
            .unwrap();
    let parsed = token::parse(&mine).unwrap();
    let c = Credential::choose(Some(&parsed), std::slice::from_ref(&secret), now, 0).unwrap();
    assert_eq!(c.token, mine);
    assert!(matches!(c.source, Source::YourToken { .. }));
    // Another secret can sign but not verify: the claims are re-signed with it.
    let other = keys::load_secret(b"another secret of 32 bytes......", keys::SecretEncoding::Utf8, "o").unwrap();
    let c = Credential::choose(Some(&parsed), &[other], now, 0).unwrap();
    assert!(matches!(c.source, Source::YourClaimsYourKey { .. }) && c.token != mine && c.alg == "HS256");
    // No usable key: the claims signed with the demo key.
    let c = Credential::choose(Some(&parsed), &[], now, 0).unwrap();
    assert_eq!((c.source, c.alg.as_str()), (Source::YourClaimsDemoKey, "RS256"));
}

#[test]
fn measuring_uses_the_real_verifier() {
    let c = Credential::typical(1_700_000_000).unwrap();
    let m = credential::measure(&c, 1_000, 1_700_000_100.0, std::time::Duration::from_millis(20)).unwrap();
    assert!(m.valid);
    assert!(m.verify > std::time::Duration::ZERO && m.lookup > std::time::Duration::ZERO);
    assert!(m.sign.is_some(), "the demo key can sign");
    assert!(m.verify > m.lookup, "an RSA verification costs more than a hash lookup");
}

#[test]
fn the_estimate_multiplies_measured_costs_by_the_counts() {
    use std::time::Duration;
    let m = credential::Measured {
        verify: Duration::from_micros(20),
        sign: Some(Duration::from_micros(500)),
        lookup: Duration::from_nanos(100),
        valid: true,
    };
    let t = Totals {
        signature_verifications: 1_000,
        store_lookups: 10_000,
        remote_lookups: 4_000,
        tokens_signed: 10,
        store_connections: 100,
        ..Totals::default()
    };
    let e = m.estimate(&t, 0.5);
    assert_eq!(e.cpu, Duration::from_millis(20 + 1 + 5));
    assert_eq!(e.network, Duration::from_millis(2_000 + 100));
}

#[test]
fn a_server_added_before_the_logins_takes_its_share_of_them() {
    let c = Config { store: Store::Local, sticky: true, ..cfg(Mode::Session, 4, 10, 20) };
    let mut f = Flow::new(c).unwrap();
    assert!(matches!(f.add_server(), Ok(Step::ServerAdded { server: 4, .. })));
    f.run();
    // Users 4 and 9 log in on the fifth server (u mod 5), and their requests are served there.
    assert_eq!(f.sessions_on(4), 2);
    assert_eq!((0..5).map(|s| f.sessions_on(s)).sum::<u64>(), 10);
    assert_eq!(f.totals().failed_requests, 0);
    // Without the click the CLI's rule is unchanged: u mod --servers.
    let mut g = Flow::new(c).unwrap();
    g.run();
    assert_eq!((0..4).map(|s| g.sessions_on(s)).collect::<Vec<_>>(), [3, 3, 2, 2]);
}

/// The store-outage rule: requests `I <= j < J` fail at their first lookup, everything else is
/// counted as without the outage.
mod store_outage {
    use super::*;

    /// 2 servers, 4 users, 10 requests fanning out to 2 services, the store down for 4, 5, 6.
    fn down(mode: Mode, revocation: Revocation) -> Config {
        Config { services: 2, revocation, store_fail_at: Some(4), store_back_at: Some(7), ..cfg(mode, 2, 4, 10) }
    }

    #[test]
    fn a_session_request_fails_at_its_first_lookup_and_calls_no_service() {
        let t = simulate(&down(Mode::Session, Revocation::None)).unwrap();
        // 7 requests x (1 + 2) lookups, 3 x 1 attempt.
        assert_eq!((t.store_lookups, t.remote_lookups, t.signature_verifications), (24, 24, 0));
        assert_eq!((t.failed_requests, t.store_outage_failures, t.requests), (3, 3, 10));
        assert_eq!((t.client_bytes, t.service_bytes), (340, 7 * 2 * 34), "the services hear of 7 requests");
        let outcomes: Vec<RequestOutcome> =
            requests(down(Mode::Session, Revocation::None)).iter().map(|r| r.outcome).collect();
        let failed: Vec<usize> = outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| **o == RequestOutcome::StoreUnreachable)
            .map(|(j, _)| j)
            .collect();
        assert_eq!(failed, [4, 5, 6]);
    }

    #[test]
    fn a_logout_while_the_store_is_down_fails_and_its_diagram_says_so() {
        // User 1 logs out before request 5 (store down for 4, 5, 6): nothing is deleted.
        for (mode, revocation, write) in [
            (Mode::Session, Revocation::None, Label::StoreDelete),
            (Mode::Jwt, Revocation::Denylist, Label::DenylistAdd),
            (Mode::Jwt, Revocation::Version, Label::VersionBump),
        ] {
            let c = Config { logout: Some(Logout { user: 1, before_request: 5 }), ..down(mode, revocation) };
            let mut f = Flow::new(c).unwrap();
            let mut logout = None;
            while let Some(step) = f.step() {
                if matches!(step, Step::Logout { .. }) {
                    logout = Some(step);
                }
            }
            let step = logout.unwrap();
            assert!(matches!(step, Step::Logout { user: 1, failed: true, .. }), "{mode:?}: {step:?}");
            let t = f.totals();
            // User 1's requests 5 (store down) and 9 (served: the logout never happened).
            assert_eq!((t.logouts_failed, t.accepted_after_logout, t.rejected_after_logout), (1, 1, 0), "{mode:?}");
            assert_eq!(f.store_entries(), if revocation == Revocation::Denylist { 0 } else { 4 }, "{mode:?}");
            let labels: Vec<(Label, Emphasis)> =
                sequence::messages(&c, &step).iter().skip(2).map(|m| (m.label, m.emphasis)).collect();
            assert_eq!(
                labels,
                [
                    (write, Emphasis::Plain),
                    (Label::StoreNoAnswer, Emphasis::Failure),
                    (Label::Unavailable503, Emphasis::Failure)
                ],
                "{mode:?}"
            );
        }
    }

    #[test]
    fn a_hybrid_request_makes_no_verification_while_the_store_is_down() {
        let t = simulate(&down(Mode::Hybrid, Revocation::None)).unwrap();
        assert_eq!((t.store_lookups, t.signature_verifications, t.failed_requests), (10, 14, 3));
        assert_eq!((t.store_outage_failures, t.tokens_signed), (3, 4));
        let r = &requests(down(Mode::Hybrid, Revocation::None))[5];
        assert_eq!((r.outcome, r.lookups, r.verifications), (RequestOutcome::StoreUnreachable, 1, 0));
    }

    #[test]
    fn a_checked_jwt_verifies_at_the_edge_then_fails_closed() {
        for revocation in [Revocation::Denylist, Revocation::Version] {
            let t = simulate(&down(Mode::Jwt, revocation)).unwrap();
            assert_eq!((t.store_lookups, t.signature_verifications), (24, 24), "{revocation:?}");
            assert_eq!((t.failed_requests, t.store_outage_failures), (3, 3), "{revocation:?}");
            let r = &requests(down(Mode::Jwt, revocation))[4];
            assert_eq!((r.outcome, r.lookups, r.verifications), (RequestOutcome::StoreUnreachable, 1, 1));
        }
    }

    #[test]
    fn the_outage_lasts_to_the_end_without_a_return_and_composes_with_a_dead_server() {
        let to_end = Config { store_back_at: None, ..down(Mode::Session, Revocation::None) };
        assert_eq!(simulate(&to_end).unwrap().store_outage_failures, 6);
        // Sticky users re-pinned after server 0 dies: a shared store still holds every session.
        let both = Config { sticky: true, fail_server_at: Some(2), ..down(Mode::Session, Revocation::None) };
        let t = simulate(&both).unwrap();
        assert_eq!((t.failed_requests, t.store_outage_failures, t.sessions_lost, t.store_lookups), (3, 3, 0, 24));
    }

    #[test]
    fn every_config_the_outage_does_not_apply_to_is_refused() {
        let base = down(Mode::Session, Revocation::None);
        let refused = |c: Config| Flow::new(c).unwrap_err();
        assert_eq!(
            refused(Config { store: Store::Local, ..base }),
            FlowError::StoreFailWithoutSharedStore(Store::Local)
        );
        assert_eq!(
            refused(Config { store: Store::Replicated, mode: Mode::Hybrid, ..base }),
            FlowError::StoreFailWithoutSharedStore(Store::Replicated)
        );
        assert_eq!(refused(Config { mode: Mode::Jwt, ..base }), FlowError::StoreFailWithoutRevocationCheck);
        assert_eq!(
            refused(Config { store_fail_at: Some(10), store_back_at: None, ..base }),
            FlowError::StoreFailAfterRun { at: 10, requests: 10 }
        );
        assert_eq!(
            refused(Config { store_back_at: Some(4), ..base }),
            FlowError::StoreBackNotAfterFail { back: 4, fail: 4 }
        );
        assert_eq!(
            refused(Config { store_back_at: Some(11), ..base }),
            FlowError::StoreBackAfterRun { at: 11, requests: 10 }
        );
        assert_eq!(refused(Config { store_fail_at: None, ..base }), FlowError::StoreBackWithoutFail);
        assert!(Flow::new(Config { store_back_at: Some(10), ..base }).is_ok(), "back at the end is allowed");
    }

    #[test]
    fn the_diagram_of_a_request_during_the_outage_stops_at_the_store() {
        let c = down(Mode::Jwt, Revocation::Denylist);
        let r = requests(c)[4];
        let labels: Vec<Label> = sequence::messages(&c, &Step::Request(r)).iter().map(|m| m.label).collect();
        assert_eq!(
            labels,
            [
                Label::RequestBearer,
                Label::Forward,
                Label::Verify,
                Label::RevocationLookup,
                Label::StoreNoAnswer,
                Label::Unavailable503
            ]
        );
    }
}

#[test]
fn running_to_the_end_keeps_the_last_request_and_counts_as_run() {
    for c in [
        Config { services: 2, ..cfg(Mode::Session, 3, 5, 40) },
        Config { fail_server_at: Some(7), sticky: true, store: Store::Local, ..cfg(Mode::Session, 3, 5, 40) },
        Config { cross_site_every: 3, ..cfg(Mode::Jwt, 2, 5, 40) },
    ] {
        let mut f = Flow::new(c).unwrap();
        let last = f.run_keeping_last_request();
        assert!(matches!(last, Some(Step::Request(r)) if r.index == 39), "{last:?}");
        assert_eq!(*f.totals(), simulate(&c).unwrap(), "{c:?}");
        assert!(f.finished() && f.run_keeping_last_request().is_none());
    }
    // No request at all: the last event, a login.
    let mut f = Flow::new(cfg(Mode::Session, 2, 3, 0)).unwrap();
    assert!(matches!(f.run_keeping_last_request(), Some(Step::Login { user: 2, .. })));
}
