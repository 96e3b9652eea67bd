//! What the Live tab's next run starts with: the store, the mode, the servers, the doors left
//! open on purpose, and the `tokenbench serve` command line that starts the same run.

use super::{DEFAULT_REDIS, MAX_TAB_SERVERS};
use crate::core::engine::forge::Attack;
use crate::core::labs::live::config::{Config, StoreKind};
use crate::core::labs::live::{Mode, Revocation};

/// Where the tab's run keeps its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoreChoice {
    /// In-process, shared by the servers.
    #[default]
    Embedded,
    /// In-process, one per server (dies with it).
    PerServer,
    /// A real Redis at the URL typed.
    Redis,
}

impl StoreChoice {
    /// Every choice, in the tab's order.
    pub const ALL: [StoreChoice; 3] = [StoreChoice::Embedded, StoreChoice::PerServer, StoreChoice::Redis];

    /// The choice's name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Embedded => "embedded (shared)",
            Self::PerServer => "per-server memory",
            Self::Redis => "Redis",
        }
    }
}

/// What the next run starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Session, JWT or hybrid.
    pub mode: Mode,
    /// The store.
    pub store: StoreChoice,
    /// The Redis URL, for [`StoreChoice::Redis`].
    pub redis_url: String,
    /// How a JWT logout is honoured.
    pub revocation: Revocation,
    /// App servers (1 to [`MAX_TAB_SERVERS`]).
    pub servers: usize,
    /// Pin each client to one server by a cookie.
    pub sticky: bool,
    /// Forgeries the verifier accepts on purpose.
    pub accept_attacks: Vec<Attack>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            mode: Mode::Session,
            store: StoreChoice::Embedded,
            redis_url: DEFAULT_REDIS.to_owned(),
            revocation: Revocation::None,
            servers: 2,
            sticky: false,
            accept_attacks: Vec::new(),
        }
    }
}

impl Settings {
    /// The live configuration these settings start: loopback, a port the OS chooses.
    ///
    /// # Errors
    /// The setting that is wrong (the Redis URL, a server count out of range).
    pub fn config(&self) -> Result<Config, String> {
        let s = self.effective();
        let store = match self.store {
            StoreChoice::Embedded => StoreKind::Embedded,
            StoreChoice::PerServer => StoreKind::PerServer,
            StoreChoice::Redis => {
                self.redis_url.trim().parse::<StoreKind>().map_err(|e| e.replacen("--store", "Redis URL", 1))?
            }
        };
        if !(1..=MAX_TAB_SERVERS).contains(&self.servers) {
            return Err(format!("servers: {} is not between 1 and {MAX_TAB_SERVERS}", self.servers));
        }
        let config = Config {
            servers: s.servers,
            mode: s.mode,
            store,
            revocation: s.revocation,
            sticky: s.sticky,
            accept_attacks: s.accept_attacks,
            ..Config::default()
        };
        config.validate()?;
        Ok(config)
    }

    /// The settings a run uses: in session mode no token is verified nor revoked, so the
    /// JWT-only settings (greyed out in the tab) are dropped rather than carried along.
    #[must_use]
    pub fn effective(&self) -> Settings {
        let mut s = self.clone();
        if !s.mode.tokens() {
            s.revocation = Revocation::None;
            s.accept_attacks.clear();
        }
        s
    }

    /// The same command line: what `tokenbench serve` needs to start this run.
    #[must_use]
    pub fn command_line(&self) -> String {
        use std::fmt::Write as _;
        let s = self.effective();
        let mut line = format!("tokenbench serve --mode {} --servers {}", s.mode.name(), s.servers);
        match s.store {
            StoreChoice::Embedded => {}
            StoreChoice::PerServer => line.push_str(" --store per-server"),
            StoreChoice::Redis => {
                let _ = write!(line, " --store {}", s.redis_url.trim());
            }
        }
        if s.revocation != Revocation::None {
            let _ = write!(line, " --revocation {}", s.revocation.name());
        }
        if s.sticky {
            line.push_str(" --sticky");
        }
        if !s.accept_attacks.is_empty() {
            let names: Vec<&str> = s.accept_attacks.iter().map(|a| a.name()).collect();
            let _ = write!(line, " --accept-attacks {}", names.join(","));
        }
        line
    }
}

/// The size of a load run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadSettings {
    /// Users logged in.
    pub users: usize,
    /// `GET /me` sent.
    pub requests: usize,
    /// In flight at once.
    pub concurrency: usize,
}

impl Default for LoadSettings {
    fn default() -> Self {
        Self { users: 4, requests: 2000, concurrency: 8 }
    }
}
