//! `tokenbench open` and `tokenbench FILE.jwt`: the argument forms, and the window they open
//! (headless, through the same startup commands): keys and token loaded, on the verdict; bad
//! input shown where the token or the key would be. And the desktop entry that makes "Open with
//! Token Workbench" work from a file manager.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};

use clap::Parser;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tokenbench::cli::open::{OpenArgs, startup_commands};
use tokenbench::cli::{Cli, Command as Cli_};
use tokenbench::ui::app::{Settings, Tab, TokenbenchApp};
use tokenbench::ui::platform::FakePlatform;
use tokenbench::ui::state::{ClockCommand, Command};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The window as `tokenbench open …` builds it, with the CLI's own argument parsing.
fn window(args: &[&str]) -> Harness<'static, TokenbenchApp> {
    let cli = Cli::try_parse_from(std::iter::once("tokenbench").chain(args.iter().copied())).unwrap();
    let startup = match cli.command {
        Some(Cli_::Open(open)) => startup_commands(&open),
        other => panic!("not `open`: {other:?}"),
    };
    // A restored tab does not hide the verdict.
    let settings = Settings { tab: Tab::Sign, ..Settings::default() };
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_eframe(move |_cc| {
        let mut app = TokenbenchApp::with_platform(Box::new(FakePlatform::default()), settings);
        // May 2026, inside the samples' validity: the test passes in any year.
        app.apply(vec![Command::Clock(ClockCommand::Set(1_780_000_000.0))]);
        app.apply(startup);
        app
    });
    h.run();
    h
}

fn path(rel: &str) -> String {
    root().join(rel).display().to_string()
}

#[test]
fn open_lands_on_the_verdict_with_keys_and_token_loaded() {
    let token = format!("@{}", path("assets/samples/01-oidc-id-token-rs256.jwt"));
    let h = window(&["open", &token, "--key", &path("assets/keys/sample-jwks.json")]);
    assert_eq!(h.state().state.tab, Tab::Decode);
    assert_eq!(h.state().state.keys.len(), 3);
    // The sample lives ten years: valid, and the banner says so (amber, not green).
    assert!(h.query_by_label("VALID, but:").is_some());
    assert!(h.query_by_label("lifetime 10.0 years (exp - iat)").is_some());
    assert!(h.query_by_label_contains("Jane Doe").is_some());
}

#[test]
fn open_takes_secrets_and_a_plain_path() {
    let h = window(&[
        "open",
        &path("assets/samples/03-jwt-io-hs256.jwt"),
        "--secret",
        "a-string-secret-at-least-256-bits-long",
    ]);
    // jwt.io's secret is in the bundled wordlist and its example has no exp: valid, but the
    // banner names both.
    let jwt_io = "the HMAC secret is in a public wordlist (21 guesses); no \"exp\"";
    assert!(h.query_by_label("VALID, but:").is_some() && h.query_by_label(jwt_io).is_some(), "a plain path");
    assert!(h.query_by_label_contains("no exp: this token never expires").is_some());
    let h = window(&[
        "open",
        &path("assets/samples/03-jwt-io-hs256.jwt"),
        "--secret-base64",
        "YS1zdHJpbmctc2VjcmV0LWF0LWxlYXN0LTI1Ni1iaXRzLWxvbmc",
        "--secret-file",
        &path("assets/keys/hs256-secret.bin"),
    ]);
    assert_eq!(h.state().state.keys.len(), 2);
    assert!(h.query_by_label(jwt_io).is_some());
}

#[test]
fn bad_input_opens_the_window_with_the_error_in_place() {
    let h = window(&["open", "@/nonexistent/token.jwt", "--key", "/nonexistent/key.pem", "--key", &path("Cargo.toml")]);
    assert!(h.query_by_label("Could not open the token").is_some());
    assert!(h.query_by_label_contains("/nonexistent/token.jwt").is_some());
    assert_eq!(h.query_all_by_label("Could not load a key").count(), 2, "both keys, where keys are listed");
    assert!(h.query_by_label_contains("/nonexistent/key.pem").is_some());
    let h = window(&["open", "not.a.token!"]);
    assert!(h.query_by_label("Not a token").is_some());
}

#[test]
fn a_bare_path_opens_the_window_and_subcommands_still_parse() {
    let cli = Cli::try_parse_from(["tokenbench", "some.jwt"]).unwrap();
    assert!(cli.command.is_none());
    assert_eq!(cli.file, Some(PathBuf::from("some.jwt")));
    let cli = Cli::try_parse_from(["tokenbench", "decode", "x.y.z"]).unwrap();
    assert!(matches!(cli.command, Some(Cli_::Decode { .. })) && cli.file.is_none());
    let cli = Cli::try_parse_from(["tokenbench"]).unwrap();
    assert!(cli.command.is_none() && cli.file.is_none());
    assert!(Cli::try_parse_from(["tokenbench", "a.jwt", "b.jwt"]).is_err());
    let open = OpenArgs::default();
    assert!(startup_commands(&open).is_empty(), "open with nothing is the plain window");
}

#[test]
fn the_desktop_entry_opens_jwt_files() {
    let entry = std::fs::read_to_string(root().join("assets/tokenbench.desktop")).unwrap();
    let exec = entry.lines().find_map(|l| l.strip_prefix("Exec=")).unwrap();
    assert_eq!(exec, "tokenbench %f", "the file manager passes the file as the bare path");
    let mime = entry.lines().find_map(|l| l.strip_prefix("MimeType=")).unwrap();
    assert!(mime.split(';').any(|m| m == "application/jwt"), "{mime}");
    let types = std::fs::read_to_string(root().join("assets/tokenbench-mime.xml")).unwrap();
    assert!(types.contains(r#"<mime-type type="application/jwt">"#) && types.contains(r#"<glob pattern="*.jwt"/>"#));
}

#[test]
fn help_lists_openssh_public_keys_where_keys_are_read() {
    for args in [&["open", "--help"][..], &["key", "inspect", "--help"], &["verify", "--help"]] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_tokenbench")).args(args).output().unwrap();
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(help.contains("OpenSSH public key"), "{args:?}: {help}");
    }
}

/// `open` (and `tokenbench FILE`) without a display: the argument problems first, each naming
/// its file or option, then one plain sentence about the display, without the windowing
/// library's source path; exit 2. Clap's own errors stay clap's.
#[test]
fn without_a_display_argument_errors_come_first_and_the_window_error_is_one_plain_sentence() {
    let headless = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_tokenbench"))
            .args(args)
            .env("DISPLAY", "")
            .env("WAYLAND_DISPLAY", "")
            .env_remove("WAYLAND_SOCKET")
            .output()
            .unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (code, err) =
        headless(&["open", "--key", "/nonexistent/key.pem", "--secret-base64", "!!", "@/nonexistent/t.jwt"]);
    assert_eq!(code, Some(2), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].contains("/nonexistent/key.pem"), "{err}");
    assert!(lines[1].contains("--secret-base64"), "{err}");
    assert!(lines[2].contains("/nonexistent/t.jwt"), "{err}");
    assert!(lines[3].starts_with("tokenbench: cannot open the window: no display is set"), "{err}");
    assert!(!err.contains(".cargo") && !err.contains(".rs:") && !err.contains("winit"), "{err}");
    // Good arguments: the sentence alone; a bare token file the same way.
    let (code, err) = headless(&["open", "--key", &path("assets/keys/sample-jwks.json")]);
    assert_eq!((code, err.lines().count()), (Some(2), 1), "{err}");
    let (code, err) = headless(&["/nonexistent/token.jwt"]);
    assert_eq!((code, err.lines().count()), (Some(2), 2), "{err}");
    assert!(err.lines().next().unwrap().contains("/nonexistent/token.jwt"), "{err}");
    // Clap validates the flags before anything else.
    let (code, err) = headless(&["open", "--no-such-flag"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unexpected argument '--no-such-flag'") && !err.contains("display"), "{err}");
}

/// A display that is set but cannot be reached: the argument problems first, then one plain
/// sentence naming the display, never the windowing library's source files.
#[test]
fn an_unreachable_display_says_so_after_the_argument_problems() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_tokenbench"))
        .args(["open", "--key", "/nonexistent/key.pem"])
        .env("DISPLAY", ":57")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.first().is_some_and(|l| l.contains("/nonexistent/key.pem")), "{err}");
    assert!(lines.last().is_some_and(|l| l.contains("the display \":57\" could not be used")), "{err}");
    assert!(!err.contains(".cargo") && !err.contains(".rs:"), "{err}");
}
