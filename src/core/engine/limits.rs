//! The bounds that keep hostile input cheap: how much is read, how many signatures and keys are
//! judged, and which instants and durations the time arithmetic accepts. The CLI and the window
//! read files through [`read_file`] and validate policy values with [`check_instant`] and
//! [`check_duration`], so both refuse the same things with the same words.

use std::io::Read;
use std::path::Path;

use crate::core::engine::error::{Error, Result};

/// The largest token, key file, secret file or pasted text accepted, in bytes (10 MiB).
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;

/// The most signatures of a JWS JSON serialization that are judged. A token with more is
/// refused without verifying any: each ES512 verification costs about a millisecond, and a
/// 10 MB token can carry 44,500 of them.
pub const MAX_SIGNATURES: usize = 16;

/// The most signature verifications one verification runs (keys tried across all judged
/// signatures). Keys selected by `kid` are few; without a `kid`, a 10 MB JWKS could hold tens
/// of thousands of compatible keys.
pub const MAX_KEY_ATTEMPTS: usize = 64;

/// The most recipients of a JWE general JSON serialization that are tried: as for
/// [`MAX_SIGNATURES`], each costs key operations, and a 10 MB JWE can list thousands.
pub const MAX_RECIPIENTS: usize = 16;

/// The most PBKDF2 iterations (`p2c`) a PBES2 JWE may ask for: a hostile token could
/// otherwise ask for billions and hold the decryption for hours (RFC 7518 §8.8).
pub const MAX_PBES2_ITERATIONS: u32 = 1_000_000;

/// The most PBKDF2 iterations one decryption spends across all its PBES2 recipients: two at
/// the cap. A JWE of sixteen PBES2 recipients at the cap would otherwise cost sixteen of them
/// (30 s, measured) for one wrong password.
pub const MAX_PBES2_ITERATIONS_TOTAL: u64 = 2 * MAX_PBES2_ITERATIONS as u64;

/// The earliest instant the time arithmetic accepts: 0001-01-01 00:00:00 UTC.
pub const EARLIEST: f64 = -62_135_596_800.0;

/// The latest instant the time arithmetic accepts: 9999-12-31 23:59:59 UTC.
pub const LATEST: f64 = 253_402_300_799.0;

/// The longest duration (leeway, maximum lifetime) accepted, in seconds: from [`EARLIEST`] to
/// [`LATEST`]. Anything longer cannot change a verdict and only risks overflow.
pub const MAX_DURATION_SECONDS: u64 = 315_537_897_599;

/// Reads a whole file of at most [`MAX_INPUT_BYTES`]. A larger regular file is refused from its
/// size before anything is read; a device or pipe (`/dev/zero`) is read only up to the limit,
/// and a named pipe without a writer reads as empty instead of blocking.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::FileTooLarge`] over the limit.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| Error::Io { path: name.clone(), reason: e.to_string() };
    let file = open_without_blocking(path).map_err(io)?;
    let too_large = || Error::FileTooLarge { path: name.clone(), limit: MAX_INPUT_BYTES };
    let hint = match file.metadata() {
        Ok(meta) if meta.is_file() => {
            if meta.len() > MAX_INPUT_BYTES as u64 {
                return Err(too_large());
            }
            // The size is a hint only: the file may grow while it is read.
            usize::try_from(meta.len()).unwrap_or(0)
        }
        _ => 0,
    };
    let mut bytes = Vec::with_capacity(hint.min(MAX_INPUT_BYTES) + 1);
    file.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Opens `path` for reading without waiting for a writer: `open` of a named pipe blocks until
/// someone opens its other end, which may be never. Once open, reads block as usual, so a pipe
/// with a writer (`<(zcat log.gz)`) is read to its end and one without reads as empty.
///
/// # Errors
/// The operating system's error.
pub fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: `fd` is the open descriptor `file` owns for the whole call; F_GETFL and F_SETFL
        // only read and set its status flags.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        // SAFETY: as above.
        if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(file)
}

/// Checks an instant (Unix seconds) for the time arithmetic: finite and between years 1 and
/// 9999.
///
/// # Errors
/// [`Error::InstantNotANumber`], [`Error::InstantInfinite`] or [`Error::InstantOutOfRange`].
pub fn check_instant(t: f64) -> Result<f64> {
    if t.is_nan() {
        return Err(Error::InstantNotANumber);
    }
    if t.is_infinite() {
        return Err(Error::InstantInfinite { value: t.to_string() });
    }
    if !(EARLIEST..=LATEST).contains(&t) {
        return Err(Error::InstantOutOfRange { value: t.to_string() });
    }
    Ok(t)
}

/// Parses an instant given as text (the CLI's `--at`), then [`check_instant`].
///
/// # Errors
/// [`Error::InstantText`] when the text is not a number, else as [`check_instant`].
pub fn parse_instant(text: &str) -> Result<f64> {
    let t: f64 = text.trim().parse().map_err(|_| Error::InstantText { text: text.to_owned() })?;
    check_instant(t)
}

/// Checks a duration in seconds (a leeway, a maximum lifetime) against
/// [`MAX_DURATION_SECONDS`].
///
/// # Errors
/// [`Error::DurationTooLong`].
pub fn check_duration(seconds: u64) -> Result<u64> {
    if seconds > MAX_DURATION_SECONDS {
        return Err(Error::DurationTooLong { seconds });
    }
    Ok(seconds)
}

/// Parses a duration given as text (whole seconds), then [`check_duration`].
///
/// # Errors
/// [`Error::DurationNegative`] or [`Error::DurationText`] when the text is not a whole number of
/// seconds, else as [`check_duration`].
pub fn parse_duration(text: &str) -> Result<u64> {
    let trimmed = text.trim();
    let seconds: u64 = trimmed.parse().map_err(|_| {
        // "-1000" is a whole number, just not one a duration can be: say which rule it breaks.
        if trimmed.parse::<i128>().is_ok_and(|n| n < 0) {
            Error::DurationNegative { text: trimmed.to_owned() }
        } else {
            Error::DurationText { text: text.to_owned() }
        }
    })?;
    check_duration(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_must_be_finite_and_in_the_calendar() {
        assert_eq!(parse_instant("1700000000"), Ok(1_700_000_000.0));
        assert_eq!(parse_instant("-1.5"), Ok(-1.5));
        for bad in ["nan", "NaN", "inf", "-inf", "infinity", "1e400", "-1e400", "1e300", "", "abc"] {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
        assert!(check_instant(LATEST).is_ok() && check_instant(LATEST + 1.0).is_err());
        assert!(check_instant(EARLIEST).is_ok() && check_instant(EARLIEST - 1.0).is_err());
    }

    #[test]
    fn durations_are_bounded() {
        assert_eq!(parse_duration("3600"), Ok(3600));
        assert_eq!(check_duration(MAX_DURATION_SECONDS), Ok(MAX_DURATION_SECONDS));
        for bad in ["18446744073709551615", "-1", "nan", "1.5", "315537897600"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        for negative in ["-1", "-1000", " -99999999999999999999999 "] {
            assert!(parse_duration(negative).is_err_and(|e| e.to_string().contains("is negative")), "{negative}");
        }
    }

    /// The words a refused `--at`, leeway or lifetime is shown with, unchanged by the move from
    /// `String` to [`Error`].
    #[test]
    fn refused_instants_and_durations_say_why_in_the_same_words() {
        let said = |r: Result<f64>| r.map_err(|e| e.to_string()).err().unwrap_or_default();
        assert_eq!(said(parse_instant("abc")), "\"abc\" is not a number of seconds since 1970");
        assert_eq!(said(check_instant(f64::NAN)), "not a number (NaN): every time comparison with it would be false");
        assert_eq!(said(check_instant(f64::INFINITY)), "inf is not a finite number of seconds");
        assert_eq!(
            said(check_instant(253_402_300_800.0)),
            "253402300800 seconds is outside years 1 to 9999 (-62135596800 to 253402300799 seconds since 1970)"
        );
        let said = |r: Result<u64>| r.map_err(|e| e.to_string()).err().unwrap_or_default();
        assert_eq!(
            said(parse_duration(" -5 ")),
            "-5 is negative: a duration is 0 to 315537897599 seconds, never less than 0"
        );
        assert_eq!(said(parse_duration("1.5")), "\"1.5\" is not a whole number of seconds (0 to 315537897599)");
        assert_eq!(
            said(check_duration(315_537_897_600)),
            "315537897600 seconds is longer than the 315537897599 seconds from year 1 to 9999"
        );
    }

    #[test]
    fn files_are_read_up_to_the_limit() {
        let dir = std::env::temp_dir().join(format!("tokenbench-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small");
        std::fs::write(&small, b"abc").unwrap();
        assert_eq!(read_file(&small).unwrap(), b"abc");
        let exact = dir.join("exact");
        std::fs::File::create(&exact).unwrap().set_len(MAX_INPUT_BYTES as u64).unwrap();
        assert_eq!(read_file(&exact).unwrap().len(), MAX_INPUT_BYTES);
        let big = dir.join("big");
        std::fs::File::create(&big).unwrap().set_len(1 << 30).unwrap();
        assert!(matches!(read_file(&big), Err(Error::FileTooLarge { .. })));
        assert!(matches!(read_file(Path::new("/dev/zero")), Err(Error::FileTooLarge { .. })));
        assert!(matches!(read_file(&dir.join("missing")), Err(Error::Io { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
