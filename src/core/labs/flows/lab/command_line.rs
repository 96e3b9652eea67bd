//! The lab and `tokenbench simulate flow`, both ways: the flags that give the numbers the lab
//! shows ([`FlowsLab::cli_args`], [`FlowsLab::scenario_cli_args`]), and a scenario as the lab
//! sets it with the command line's flags over it ([`ScenarioRun::new`]).

use super::{
    FailoverVariant, FlowCommand, FlowScenario, FlowsLab, MAX_SERVERS, Params, SessionVariant, check_caps, lane_title,
};
use crate::core::labs::flows::credential::Source;
use crate::core::labs::flows::{Client, Config, Flow, Mode, Revocation, Store, Totals, lab::lane_revocation_delay};
use crate::core::labs::revocation::TokenLifetime;

impl FlowsLab {
    /// The `tokenbench simulate flow` arguments giving this lane's totals with the model's
    /// flags alone, or why there are none.
    ///
    /// # Errors
    /// When the lane uses events the CLI has no flag for.
    pub fn cli_args(&self, lane: usize) -> Result<Vec<String>, &'static str> {
        let c = self.lanes.get(lane).ok_or("no such lane")?.cfg;
        if self.clicked {
            return Err("servers were killed or added by hand");
        }
        if c.logout.is_some() || c.cross_site_every > 0 || c.client == Client::Mobile || c.serverless {
            return Err(
                "the scenario adds events the CLI has no flag for (logout, cross-site calls, mobile, serverless)",
            );
        }
        let mut a: Vec<String> = vec!["--mode".into(), c.mode.name().into()];
        if c.mode != Mode::Jwt {
            a.extend(["--store".into(), c.store.name().into()]);
        }
        if c.sticky {
            a.push("--sticky".into());
        }
        a.extend([
            "--servers".into(),
            c.servers.to_string(),
            "--users".into(),
            c.users.to_string(),
            "--requests".into(),
            c.requests.to_string(),
            "--services".into(),
            c.services.to_string(),
        ]);
        if c.mode == Mode::Jwt {
            a.extend(["--revocation".into(), c.revocation.name().into()]);
        }
        if let Some(i) = c.fail_server_at {
            a.extend(["--fail-server-at".into(), i.to_string()]);
        }
        if let Some(i) = c.store_fail_at {
            a.extend(["--store-fail-at".into(), i.to_string()]);
        }
        if let Some(j) = c.store_back_at {
            a.extend(["--store-back-at".into(), j.to_string()]);
        }
        if c.mode == Mode::Jwt
            && let Some(file) = self.token_file()
        {
            a.extend(["--token".into(), file.into()]);
        }
        Ok(a)
    }

    /// The `tokenbench simulate flow` arguments giving both lanes' totals: the scenario, the
    /// parameters and the scenario's option, or why there are none.
    ///
    /// # Errors
    /// When servers were killed or added by hand.
    pub fn scenario_cli_args(&self) -> Result<Vec<String>, &'static str> {
        if self.clicked {
            return Err("servers were killed or added by hand");
        }
        let p = &self.params;
        let mut a: Vec<String> = vec!["--scenario".into(), self.scenario.name().into()];
        a.extend([
            "--servers".into(),
            p.servers.to_string(),
            "--users".into(),
            p.users.to_string(),
            "--requests".into(),
            p.requests.to_string(),
            "--services".into(),
            p.services.to_string(),
        ]);
        if p.store_latency_ms.to_bits() != Params::default().store_latency_ms.to_bits() {
            a.extend(["--latency-ms".into(), p.store_latency_ms.to_string()]);
        }
        match self.scenario {
            FlowScenario::Scalability => match self.variant {
                SessionVariant::Sticky => a.extend(["--store".into(), "local".into(), "--sticky".into()]),
                SessionVariant::Shared => {}
                SessionVariant::Replicated => a.extend(["--store".into(), "replicated".into()]),
            },
            FlowScenario::Revocation => {
                if self.revocation != Revocation::None {
                    a.extend(["--revocation".into(), self.revocation.name().into()]);
                }
                if let Some(i) = self.lanes.iter().find_map(|l| l.cfg.store_fail_at) {
                    a.extend(["--store-fail-at".into(), i.to_string()]);
                }
            }
            FlowScenario::Failover => {
                if self.failover_variant == FailoverVariant::Shared {
                    a.extend(["--store".into(), "shared".into()]);
                }
                if self.revocation != Revocation::None {
                    a.extend(["--revocation".into(), self.revocation.name().into()]);
                }
                // Only when a lane uses a store: otherwise the command would be refused.
                if let Some(i) = self.lanes.iter().find_map(|l| l.cfg.store_fail_at) {
                    a.extend(["--store-fail-at".into(), i.to_string()]);
                }
            }
            _ => {}
        }
        if let Some(file) = self.token_file() {
            a.extend(["--token".into(), file.into()]);
        }
        Ok(a)
    }

    /// The file the command line's `--token` names, when the lanes carry a JWT from the loaded
    /// token: the token itself when a loaded key verifies it; else the lanes' own JWT (its
    /// claims re-signed, another length), which [`FlowsLab::lanes_jwt`] gives to copy.
    #[must_use]
    pub fn token_file(&self) -> Option<&'static str> {
        match self.credential.as_ref().map(|c| &c.source) {
            None | Some(Source::Typical) => None,
            Some(Source::YourToken { .. }) => Some("your-token.jwt"),
            Some(Source::YourClaimsYourKey { .. } | Source::YourClaimsDemoKey) => Some("lanes-jwt.jwt"),
        }
    }

    /// The JWT the lanes carry when it is not the loaded token as it is (its claims re-signed):
    /// what `--token lanes-jwt.jwt` must hold for the command line to give the lanes' figures.
    #[must_use]
    pub fn lanes_jwt(&self) -> Option<&str> {
        let c = self.credential.as_ref()?;
        matches!(c.source, Source::YourClaimsYourKey { .. } | Source::YourClaimsDemoKey).then_some(c.token.as_str())
    }
}

/// The command line's flags over a scenario's own settings: each given one wins. The
/// parameters go through the lab's own commands, within its caps; the designs apply to the
/// lanes they mean (a store to the lanes that keep sessions, a revocation check to JWT lanes).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    /// `--servers`.
    pub servers: Option<u32>,
    /// `--users`.
    pub users: Option<u32>,
    /// `--requests`.
    pub requests: Option<u64>,
    /// `--services`.
    pub services: Option<u32>,
    /// `--mode`: only the lanes of this mode.
    pub mode: Option<Mode>,
    /// `--store`: the store of the lanes that keep sessions.
    pub store: Option<Store>,
    /// `--sticky`: the lanes that keep sessions route each user to its login server.
    pub sticky: bool,
    /// `--revocation`: the JWT lanes' check.
    pub revocation: Option<Revocation>,
    /// `--fail-server-at`: server 0 dies just before this request, in every lane.
    pub fail_server_at: Option<u64>,
    /// `--store-fail-at`: the store is down from this request on, in the lanes that use one.
    pub store_fail_at: Option<u64>,
    /// `--store-back-at`: the store is back from this request on.
    pub store_back_at: Option<u64>,
    /// `--token`: the length of the JWT every lane carries.
    pub token_bytes: Option<usize>,
    /// `--latency-ms`: the round trip to a remote store, for the lanes' network wait.
    pub store_latency_ms: Option<f64>,
}

/// One lane of a scenario run: what it simulates and its totals, as the lab's lane shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneRun {
    /// The lane's title ("Session · shared store").
    pub title: String,
    /// What it simulates.
    pub cfg: Config,
    /// The totals of every event played.
    pub totals: Totals,
    /// The worst-case delay before a logout takes effect, seconds (`None`: at key rotation).
    pub revocation_delay: Option<f64>,
}

/// A scenario as `simulate flow --scenario` runs it: the lab set to the scenario, the flags
/// over it, then the lanes to play.
#[derive(Debug, Clone)]
pub struct ScenarioRun {
    /// The lab after the scenario and the parameters' flags.
    pub lab: FlowsLab,
    /// The lanes to play (one when `--mode` picks it), with every flag applied.
    pub lanes: Vec<Config>,
}

impl ScenarioRun {
    /// The scenario's settings with `overrides` over them.
    ///
    /// # Errors
    /// A message naming the flag: a parameter outside the lab's range, `--mode` naming no
    /// lane, `--store` with no lane that keeps sessions, or a config the model refuses.
    pub fn new(scenario: FlowScenario, o: &Overrides) -> Result<Self, String> {
        let mut lab = FlowsLab::default();
        // The lab's JWT is not built here (no token is loaded, and the lab would time it):
        // its lanes carry the typical token's length, which `token_bytes` replaces.
        lab.handle(FlowCommand::Scenario(scenario), None, &[], 0.0);
        let p = check_params(scenario, lab.params, o)?;
        let commands = [
            o.servers.map(|_| FlowCommand::Servers(p.servers)),
            o.users.map(|_| FlowCommand::Users(p.users)),
            o.requests.map(|_| FlowCommand::Requests(p.requests)),
            o.services.map(|_| FlowCommand::Services(p.services)),
            o.store_latency_ms.map(|_| FlowCommand::StoreLatency(p.store_latency_ms)),
        ];
        for c in commands.into_iter().flatten() {
            lab.handle(c, None, &[], 0.0);
        }
        let mut lanes: Vec<Config> =
            lab.lane_configs().into_iter().filter(|c| o.mode.is_none_or(|m| c.mode == m)).collect();
        if lanes.is_empty() {
            let modes: Vec<&str> = lab.lane_configs().iter().map(|c| c.mode.name()).collect();
            return Err(format!(
                "--mode {}: the {} scenario's lanes are {} (--mode picks one of them)",
                o.mode.map_or("", Mode::name),
                scenario.name(),
                modes.join(" and ")
            ));
        }
        if o.store.is_some() && !lanes.iter().any(Config::has_sessions) {
            return Err("--store applies to session and hybrid mode: JWT mode keeps no session store (a revocation \
                        store is chosen with --revocation)"
                .into());
        }
        for c in &mut lanes {
            if c.has_sessions() {
                c.store = o.store.unwrap_or(c.store);
                // Failover routes sticky only to reach in-memory sessions, as the window's shared
                // variant does: another store drops the stickiness unless --sticky asks for it.
                if scenario == FlowScenario::Failover && c.store != crate::core::labs::flows::Store::Local {
                    c.sticky = false;
                }
                c.sticky |= o.sticky;
            }
            if c.mode == Mode::Jwt {
                c.revocation = o.revocation.unwrap_or(c.revocation);
            }
            c.fail_server_at = o.fail_server_at.or(c.fail_server_at);
            c.token_bytes = o.token_bytes.unwrap_or(c.token_bytes);
        }
        // The outage applies to the lanes that use a store once the designs are set.
        let outage = o.store_fail_at.is_some() || o.store_back_at.is_some();
        if outage && !lanes.iter().any(Config::uses_store) {
            let flag = if o.store_fail_at.is_some() { "--store-fail-at" } else { "--store-back-at" };
            let name = scenario.name();
            return Err(match o.mode {
                // --mode dropped the other lane: only this one's design can be changed.
                Some(Mode::Jwt) => format!(
                    "{flag}: --mode jwt keeps only the {name} scenario's JWT lane, which checks no revocation \
                     store (give --revocation denylist|version)"
                ),
                Some(mode) => {
                    let dropped = o.revocation.map_or(String::new(), |r| {
                        format!(
                            "; --revocation {} applies to the JWT lane, which --mode {} dropped",
                            r.name(),
                            mode.name()
                        )
                    });
                    format!(
                        "{flag}: --mode {m} keeps only the {name} scenario's {m} lane, whose store is not shared \
                         (give --store shared){dropped}",
                        m = mode.name()
                    )
                }
                None => format!(
                    "{flag}: no lane of the {name} scenario uses a store (give --store shared for the session lane, \
                     or --revocation denylist|version for the JWT lane)"
                ),
            });
        }
        for c in &mut lanes {
            if !c.uses_store() {
                (c.store_fail_at, c.store_back_at) = (None, None);
            } else if outage {
                (c.store_fail_at, c.store_back_at) = (o.store_fail_at, o.store_back_at);
            }
            c.validate().map_err(|e| e.to_string())?;
        }
        Ok(Self { lab, lanes })
    }

    /// Plays every lane to its end. `lifetime` is the carried token's (`None`: the typical
    /// token's), for the revocation delay; `fallback_ttl` stands in when it cannot be told.
    #[must_use]
    pub fn run(&self, lifetime: Option<&TokenLifetime>, fallback_ttl: i64) -> Vec<LaneRun> {
        self.lanes
            .iter()
            .map(|cfg| LaneRun {
                title: lane_title(cfg),
                cfg: *cfg,
                // Validated when the run was made.
                totals: Flow::new(*cfg).map(|mut f| f.run()).unwrap_or_default(),
                revocation_delay: lane_revocation_delay(cfg, lifetime, fallback_ttl),
            })
            .collect()
    }
}

/// The scenario's parameters with the flags', or the first flag outside the lab's range.
fn check_params(scenario: FlowScenario, p: Params, o: &Overrides) -> Result<Params, String> {
    let p = Params {
        servers: o.servers.unwrap_or(p.servers),
        users: o.users.unwrap_or(p.users),
        requests: o.requests.unwrap_or(p.requests),
        services: o.services.unwrap_or(p.services),
        store_latency_ms: o.store_latency_ms.unwrap_or(p.store_latency_ms),
    };
    if !p.store_latency_ms.is_finite() || p.store_latency_ms < 0.0 {
        return Err(format!("--latency-ms {}: give a number of milliseconds >= 0", p.store_latency_ms));
    }
    let min = scenario.min_servers();
    if p.servers < min {
        return Err(format!(
            "--servers {} is fewer than the {min} the {} scenario needs (from {min} to {MAX_SERVERS}){}",
            p.servers,
            scenario.name(),
            if min > 1 { ": server 0 dies, another must be left to serve" } else { "" }
        ));
    }
    if p.users < 1 {
        return Err("--users must be at least 1".into());
    }
    if p.requests < 1 {
        return Err("--requests must be at least 1 in a scenario (the Flows lab plays at least one)".into());
    }
    check_caps(p.servers, p.users, p.requests, p.services, p.store_latency_ms)?;
    Ok(p)
}
