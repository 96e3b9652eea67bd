//! The Flows lab's caps: the window's fields stop at these, and `tokenbench compare` (which runs
//! the flow model about six times, once per row and misconception) refuses anything beyond them,
//! so the CLI never runs for minutes on inputs the window could not be given; `simulate flow
//! --scenario` and `--sweep-servers` run the lab and keep them too. `simulate flow` on its own
//! runs one model and keeps the model's own, wider limits ([`crate::core::labs::flows::MAX_USERS`]…).

/// The most servers the lab starts with (more can be added by click, up to
/// [`MAX_VIEW_SERVERS`]), and the last server count of the scalability sweep.
pub const MAX_SERVERS: u32 = 50;
/// The most servers the lab's topology holds once servers are added by click.
pub const MAX_VIEW_SERVERS: u32 = 64;
/// The most users the lab simulates.
pub const MAX_USERS: u32 = 100_000;
/// The most requests the lab simulates.
pub const MAX_REQUESTS: u64 = 10_000_000;
/// The most services a request fans out to in the lab.
pub const MAX_SERVICES: u32 = 8;
/// The slowest round trip to a remote session store the lab takes, in ms.
pub const MAX_STORE_LATENCY_MS: f64 = 1000.0;

/// The first value above the lab's caps, as "`--flag value` is more than …" naming the flag
/// and the cap; values are named by their `compare` flags. Values below a minimum (no servers,
/// a negative latency) are the model's own checks.
///
/// # Errors
/// The message for the first value above its cap.
pub fn check_caps(servers: u32, users: u32, requests: u64, services: u32, latency_ms: f64) -> Result<(), String> {
    let over = |flag: &str, value: String, cap: String, what: &str| {
        Err(format!("{flag} {value} is more than the {cap} {what} the Flows lab allows (the window's cap)"))
    };
    if servers > MAX_SERVERS {
        return over("--servers", servers.to_string(), MAX_SERVERS.to_string(), "servers");
    }
    if users > MAX_USERS {
        return over("--users", users.to_string(), MAX_USERS.to_string(), "users");
    }
    if requests > MAX_REQUESTS {
        return over("--requests", requests.to_string(), MAX_REQUESTS.to_string(), "requests");
    }
    if services > MAX_SERVICES {
        return over("--services", services.to_string(), MAX_SERVICES.to_string(), "services");
    }
    if latency_ms > MAX_STORE_LATENCY_MS {
        // 1e308 is shown as such, not as 309 digits.
        let shown = if latency_ms < 1e6 { latency_ms.to_string() } else { format!("{latency_ms:e}") };
        return over("--latency-ms", shown, MAX_STORE_LATENCY_MS.to_string(), "ms of store latency");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caps_are_inclusive_and_the_first_excess_is_named() {
        assert_eq!(check_caps(MAX_SERVERS, MAX_USERS, MAX_REQUESTS, MAX_SERVICES, MAX_STORE_LATENCY_MS), Ok(()));
        let e = check_caps(1, 1, MAX_REQUESTS + 1, 0, 0.5).unwrap_err();
        assert_eq!(e, "--requests 10000001 is more than the 10000000 requests the Flows lab allows (the window's cap)");
        let e = check_caps(1, 1, 1, 0, 1e308).unwrap_err();
        assert_eq!(
            e,
            "--latency-ms 1e308 is more than the 1000 ms of store latency the Flows lab allows (the window's cap)"
        );
        assert!(check_caps(1, 1, 1, 0, 1000.5).unwrap_err().starts_with("--latency-ms 1000.5 "));
        assert!(check_caps(51, u32::MAX, 1, 0, 0.0).unwrap_err().starts_with("--servers 51 "));
        assert!(check_caps(1, 100_001, 1, 9, 0.0).unwrap_err().starts_with("--users 100001 "));
        assert!(check_caps(1, 1, 1, 9, 0.0).unwrap_err().starts_with("--services 9 "));
    }
}
