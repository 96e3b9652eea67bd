//! Starting and stopping a live lab run from Rust: [`start`] builds the key, the store, the
//! app servers and the balancer on their own tokio runtime and returns a [`RunningServer`]
//! whose methods are plain blocking calls, so the CLI and the window drive it the same way.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyper::header::HeaderValue;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::{Mutex, watch};

use super::app::{App, Shared, vulnerable_header_value};
use super::balancer::Balancer;
use super::config::{Config, StoreKind};
use super::http::{Handler, serve};
use super::log::{LogEntry, RequestLog};
use super::store::{RedisStore, Store};
use super::verifier::Verifier;
use crate::core::engine::keys::Curve;
use crate::core::engine::sign::{self, ExportFormat, KeySpec};

/// Lookups one store round-trip measurement takes (its median is the figure).
pub const STORE_SAMPLES: usize = 200;

/// One app server slot: its address (kept across restarts), its app and its switch.
struct Slot {
    addr: SocketAddr,
    app: Arc<App>,
    running: AtomicBool,
    serving: Mutex<Option<Serving>>,
}

/// A server's accept loop and its switch.
struct Serving {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// The app servers of a run, which the balancer routes to and the admin routes switch.
pub struct Cluster {
    slots: Vec<Slot>,
    bounds: super::config::Bounds,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("servers", &self.slots.len()).finish_non_exhaustive()
    }
}

impl Cluster {
    /// How many app servers.
    #[must_use]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when there are none (never, for a started run).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// True when server `i` is serving.
    #[must_use]
    pub fn is_running(&self, i: usize) -> bool {
        self.slots.get(i).is_some_and(|s| s.running.load(Ordering::Acquire))
    }

    /// Server `i`'s address.
    ///
    /// # Panics
    /// Never for an index [`Cluster::len`] bounds (the balancer's only use).
    #[must_use]
    pub fn addr(&self, i: usize) -> SocketAddr {
        self.slots[i].addr
    }

    /// Every server's index, URL and state.
    #[must_use]
    pub fn status(&self) -> serde_json::Value {
        self.slots
            .iter()
            .enumerate()
            .map(|(i, s)| json!({"index": i, "url": format!("http://{}", s.addr), "running": self.is_running(i)}))
            .collect()
    }

    fn slot(&self, i: usize) -> Result<&Slot, String> {
        self.slots.get(i).ok_or_else(|| format!("server {i}: there are servers 0 to {}", self.slots.len() - 1))
    }

    /// Starts server `i` again on its address (nothing when it runs).
    ///
    /// # Errors
    /// An index out of range, or the address taken meanwhile.
    pub async fn start(&self, i: usize) -> Result<(), String> {
        let slot = self.slot(i)?;
        let mut serving = slot.serving.lock().await;
        if serving.is_some() {
            return Ok(());
        }
        let listener = TcpListener::bind(slot.addr)
            .await
            .map_err(|e| format!("server {i}: cannot listen on {}: {e}", slot.addr))?;
        *serving = Some(self.spawn(listener, slot.app.clone()));
        slot.running.store(true, Ordering::Release);
        Ok(())
    }

    /// Stops server `i`: it stops accepting, finishes what is in flight, and a per-server store
    /// forgets everything (its memory dies with it).
    ///
    /// # Errors
    /// An index out of range.
    pub async fn stop(&self, i: usize) -> Result<(), String> {
        let slot = self.slot(i)?;
        let mut serving = slot.serving.lock().await;
        slot.running.store(false, Ordering::Release);
        if let Some(s) = serving.take() {
            let _ = s.stop.send(true);
            // The accept loop ends at once and drops the listener: the port is free for a
            // restart when this returns.
            let _ = s.task.await;
        }
        if self.per_server_store() {
            slot.app.store.clear_memory();
        }
        Ok(())
    }

    fn per_server_store(&self) -> bool {
        matches!(self.slots.first().map(|s| &s.app.shared.config.store), Some(StoreKind::PerServer))
    }

    fn spawn(&self, listener: TcpListener, app: Arc<App>) -> Serving {
        let (stop, rx) = watch::channel(false);
        let handler: Handler = Arc::new(move |req, peer| Box::pin(app.clone().handle(req, peer)));
        let task = tokio::spawn(serve(listener, self.bounds, rx, handler));
        Serving { stop, task }
    }

    async fn stop_all(&self) {
        for i in 0..self.slots.len() {
            let _ = self.stop(i).await;
        }
    }
}

/// A started run.
pub struct RunningServer {
    runtime: Option<tokio::runtime::Runtime>,
    url: String,
    cluster: Arc<Cluster>,
    log: Arc<RequestLog>,
    balancer_stop: watch::Sender<bool>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer").field("url", &self.url).finish_non_exhaustive()
    }
}

/// Starts a run: the signing key (the configured one or a fresh EC P-256 key in memory), the
/// store, `config.servers` app servers on loopback ports the OS chooses, and the balancer on
/// `config.listen`.
///
/// # Errors
/// Why it cannot start, naming the setting: an invalid configuration, an address in use, a
/// Redis that does not answer.
pub fn start(config: Config) -> Result<RunningServer, String> {
    config.validate()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tokenbench-live")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let mut started = runtime.block_on(start_async(config))?;
    started.runtime = Some(runtime);
    Ok(started)
}

async fn start_async(config: Config) -> Result<RunningServer, String> {
    let key = match &config.key {
        Some(k) => k.clone(),
        None => sign::generate(KeySpec::Ec(Curve::P256)).map_err(|e| format!("cannot make a signing key: {e}"))?,
    };
    let jwks = sign::export(&key, ExportFormat::Jwks, false).map_err(|e| format!("--key: {e}"))?;
    let public_pem = sign::export(&key, ExportFormat::Pem, false).map_err(|e| format!("--key: {e}"))?;
    let verifier = Verifier::new(key, &config.accept_attacks)?;
    let vulnerable = if config.accept_attacks.is_empty() {
        None
    } else {
        Some(
            HeaderValue::from_str(&vulnerable_header_value(&config.accept_attacks))
                .map_err(|e| format!("--accept-attacks: {e}"))?,
        )
    };
    let stores: Vec<Store> = match &config.store {
        StoreKind::Embedded => vec![Store::memory(); config.servers],
        StoreKind::PerServer => (0..config.servers).map(|_| Store::memory()).collect(),
        StoreKind::Redis(url) => {
            let r = RedisStore::connect(url).await.map_err(|e| format!("--store {e}"))?;
            vec![Store::Redis(r); config.servers]
        }
    };
    let listen = config.listen;
    let bounds = config.bounds;
    let sticky = config.sticky;
    let shared = Arc::new(Shared { config, verifier, jwks, public_pem, vulnerable: vulnerable.clone() });
    let mut listeners = Vec::new();
    let mut slots = Vec::new();
    for (index, store) in stores.into_iter().enumerate() {
        // The app servers listen on loopback whatever the balancer's address: with
        // --allow-remote only the balancer is reachable from the network, never around it.
        let loopback: std::net::IpAddr =
            if listen.is_ipv6() { std::net::Ipv6Addr::LOCALHOST.into() } else { std::net::Ipv4Addr::LOCALHOST.into() };
        let listener = TcpListener::bind(SocketAddr::from((loopback, 0)))
            .await
            .map_err(|e| format!("server {index}: cannot listen on {loopback}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| format!("server {index}: {e}"))?;
        let app = Arc::new(App { index, store, shared: shared.clone() });
        slots.push(Slot { addr, app, running: AtomicBool::new(false), serving: Mutex::new(None) });
        listeners.push(listener);
    }
    let cluster = Arc::new(Cluster { slots, bounds });
    for (i, listener) in listeners.into_iter().enumerate() {
        let slot = &cluster.slots[i];
        *slot.serving.lock().await = Some(cluster.spawn(listener, slot.app.clone()));
        slot.running.store(true, Ordering::Release);
    }
    let front = TcpListener::bind(listen).await.map_err(|e| format!("--listen {listen}: {e}"))?;
    let front_addr = front.local_addr().map_err(|e| format!("--listen {listen}: {e}"))?;
    let log = Arc::new(RequestLog::default());
    let balancer = Arc::new(Balancer::new(cluster.clone(), sticky, log.clone(), vulnerable, bounds.max_body_bytes));
    let (balancer_stop, rx) = watch::channel(false);
    let handler: Handler = Arc::new(move |req, peer| Box::pin(balancer.clone().handle(req, peer)));
    tokio::spawn(serve(front, bounds, rx, handler));
    Ok(RunningServer { runtime: None, url: format!("http://{front_addr}"), cluster, log, balancer_stop, shared })
}

impl RunningServer {
    fn rt(&self) -> Option<&tokio::runtime::Runtime> {
        self.runtime.as_ref()
    }

    /// The balancer's URL, e.g. `http://127.0.0.1:41234`.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Each app server's own URL, by index.
    #[must_use]
    pub fn server_urls(&self) -> Vec<String> {
        self.cluster.slots.iter().map(|s| format!("http://{}", s.addr)).collect()
    }

    /// Which app servers are running, by index.
    #[must_use]
    pub fn running(&self) -> Vec<bool> {
        (0..self.cluster.len()).map(|i| self.cluster.is_running(i)).collect()
    }

    /// The one JSON line `serve` prints when ready: `{"url", "servers", …}`, with the store's
    /// round trip measured now ([`STORE_SAMPLES`] lookups; `null` when the store failed one).
    #[must_use]
    pub fn ready_line(&self) -> String {
        let c = &self.shared.config;
        // To the nanosecond: finer digits would be float noise, not measurement.
        let round_trip_us = self.store_round_trip(STORE_SAMPLES).ok().map(|d| (d.as_secs_f64() * 1e9).round() / 1e3);
        json!({
            "url": self.url,
            "servers": self.server_urls(),
            "mode": c.mode.name(),
            "store": c.store.name(),
            "revocation": c.revocation.name(),
            "sticky": c.sticky,
            "alg": self.shared.verifier.alg(),
            "accept_attacks": c.accept_attacks.iter().map(|a| a.name()).collect::<Vec<_>>(),
            "store_round_trip_us": round_trip_us,
        })
        .to_string()
    }

    /// The public key as a JWKS document.
    #[must_use]
    pub fn jwks(&self) -> &str {
        &self.shared.jwks
    }

    /// The public key as SPKI PEM (what the confusion attack keys HMAC with).
    #[must_use]
    pub fn public_key_pem(&self) -> &str {
        &self.shared.public_pem
    }

    /// Stops app server `i` (failover demos).
    ///
    /// # Errors
    /// An index out of range.
    pub fn stop_server(&self, i: usize) -> Result<(), String> {
        let rt = self.rt().ok_or("the run is shut down")?;
        rt.block_on(self.cluster.stop(i))
    }

    /// Starts app server `i` again on its address.
    ///
    /// # Errors
    /// An index out of range, or its port taken meanwhile.
    pub fn start_server(&self, i: usize) -> Result<(), String> {
        let rt = self.rt().ok_or("the run is shut down")?;
        rt.block_on(self.cluster.start(i))
    }

    /// Measures the store's round trip as an app server pays it: `samples` lookups of a key
    /// that is not there, one after another, from server 0's store handle; the median. An
    /// embedded store answers in-process (no network); Redis answers over loopback TCP.
    ///
    /// # Errors
    /// The run is shut down, `samples` is 0, or the store fails a lookup (Redis gone).
    pub fn store_round_trip(&self, samples: usize) -> Result<Duration, String> {
        let rt = self.rt().ok_or("the run is shut down")?;
        if samples == 0 {
            return Err("a store measurement needs at least one lookup".into());
        }
        let store = self.cluster.slots.first().map(|s| s.app.store.clone()).ok_or("the run has no server")?;
        let mut times = rt.block_on(async {
            let mut times = Vec::with_capacity(samples);
            for _ in 0..samples {
                let t = std::time::Instant::now();
                store.get("round-trip-probe").await.map_err(|e| format!("store lookup failed: {}", e.0))?;
                times.push(t.elapsed());
            }
            Ok::<_, String>(times)
        })?;
        times.sort_unstable();
        Ok(times[times.len() / 2])
    }

    /// The configuration the run started with.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The last requests, oldest first.
    #[must_use]
    pub fn log(&self) -> Vec<LogEntry> {
        self.log.snapshot()
    }

    /// Every request from now on.
    #[must_use]
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<LogEntry> {
        self.log.subscribe()
    }

    /// Blocks until `limit` has passed (`None`: forever) or the process is asked to stop
    /// (Ctrl-C, SIGTERM).
    pub fn wait(&self, limit: Option<Duration>) {
        let Some(rt) = self.rt() else { return };
        rt.block_on(async {
            let limit = async {
                match limit {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = limit => {}
                () = interrupted() => {}
            }
        });
    }

    /// Stops everything and frees the ports.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(rt) = self.runtime.take() {
            let _ = self.balancer_stop.send(true);
            rt.block_on(self.cluster.stop_all());
            rt.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.stop_now();
    }
}

async fn interrupted() {
    #[cfg(unix)]
    {
        let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
        match term {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
