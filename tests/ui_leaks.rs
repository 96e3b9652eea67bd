//! The Leaks tab's figures against the binary: the tab's lab scans a generated folder (logs, a
//! gzip-rotated log, a JWE, an unsigned token, one whose exp is a string, a look-alike, a missing
//! path), and `tokenbench scan --json` on the same
//! paths at the same instant prints the same tokens in the same order, with the same liveness,
//! places and totals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::io::Write as _;
use std::path::Path;

use common::{code, json_out, key, obj, run, temp_dir};
use serde_json::json;
use tokenbench::core::engine::sign::sign;
use tokenbench::core::labs::scan::{ScanCommand, ScanEffect, ScanLab};

const AT: f64 = 1_700_000_000.0;

fn signed(iss: &str, exp: i64) -> String {
    let claims = obj(json!({ "iss": iss, "sub": "someone", "iat": exp - 3600, "exp": exp }));
    sign(&obj(json!({ "typ": "JWT" })), &claims, "RS256", &key("rsa2048-pkcs8.pem")).unwrap()
}

#[test]
fn the_tabs_scan_is_tokenbench_scan_json() {
    let dir = temp_dir("leaks-parity");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("old")).unwrap();
    let live = signed("https://a.example", 1_700_003_600);
    let expired = signed("https://b.example", 1_699_996_400);
    let expired_a = signed("https://a.example", 1_699_990_000);
    let jwe = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/07-jwe-rfc7516.jwt"))
        .unwrap()
        .trim()
        .to_owned();
    std::fs::write(
        dir.join("access.log"),
        format!("GET /?access_token={expired} 200\nAuthorization: Bearer {live}\nx eyJub3QganNvbg.eyJ4IjoxfQ.c2ln\n"),
    )
    .unwrap();
    std::fs::write(dir.join("app.jsonl"), format!("{{\"id_token\":\"{expired_a}\",\"enc\":\"{jwe}\"}}\n")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(format!("Cookie: session={live}\n").as_bytes()).unwrap();
    std::fs::write(dir.join("old/access.log.1.gz"), gz.finish().unwrap()).unwrap();
    // alg none within its lifetime (UNSIGNED), and a signed token whose exp is a string.
    let b64 = |b: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    };
    let unsigned = format!(
        "{}.{}.",
        b64(br#"{"alg":"none"}"#),
        b64(json!({ "iss": "https://c.example", "exp": 1_700_003_600 }).to_string().as_bytes())
    );
    let claims = obj(json!({ "iss": "https://c.example", "exp": "tomorrow" }));
    let nan = sign(&obj(json!({ "typ": "JWT" })), &claims, "RS256", &key("rsa2048-pkcs8.pem")).unwrap();
    std::fs::write(dir.join("old/other.log"), format!("a={unsigned}\nb={nan}\n")).unwrap();
    let missing = dir.join("missing.log");

    let mut lab = ScanLab::default();
    lab.handle(ScanCommand::AddPaths(vec![dir.clone(), missing.clone()]), 0.0);
    lab.handle(ScanCommand::SetAt(Some(AT)), 0.0);
    let mut effects = lab.handle(ScanCommand::Start, 0.0);
    while let Some(ScanEffect::Spawn(job)) = effects.pop() {
        effects = lab.handle(job.run(), 0.0);
    }
    let tab = lab.report.as_ref().expect("the tab's report");

    let out = run(&["scan", "--json", "--at", "1700000000", dir.to_str().unwrap(), missing.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "a live token: exit 1");
    let cli = json_out(&out);
    let findings = cli["findings"].as_array().unwrap();
    assert_eq!(tab.leaks.len(), 6, "live, JWE, unsigned, exp not a number, two expired; the look-alike is none");
    assert_eq!(tab.leaks.len(), findings.len());
    for (shown, f) in tab.leaks.iter().zip(findings) {
        assert_eq!(shown.fingerprint, f["fingerprint"].as_str().unwrap(), "same tokens, same order");
        assert_eq!(json!(shown.status.live()), f["live"]);
        assert_eq!(shown.status.word(), f["status"].as_str().unwrap());
        assert_eq!(shown.places.len() as u64, f["occurrences"].as_u64().unwrap());
        let first = &shown.places[0];
        assert_eq!(&*first.path, f["path"].as_str().unwrap());
        assert_eq!((first.line, first.column), (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()));
        assert_eq!(first.context, f["context"].as_str().unwrap());
    }
    let words: Vec<&str> = findings.iter().map(|f| f["status"].as_str().unwrap()).collect();
    let mut sorted = words.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec!["LIVE", "UNKNOWN (encrypted)", "UNSIGNED", "exp not a number", "expired", "expired"]);
    // The totals line the tab shows names each status with the count the CLI's JSON gives.
    let tally = tokenbench::core::engine::scan::report::tally(tab);
    assert_eq!(tally, "1 live, 1 encrypted, 2 expired, 1 unsigned, 1 with a time claim not a number");
    assert!(tokenbench::ui::leaks::totals(tab).starts_with(&format!("6 tokens ({tally}) in ")));
    assert_eq!(tab.files_scanned, cli["files_scanned"].as_u64().unwrap());
    assert_eq!(tab.bytes_scanned, cli["bytes_scanned"].as_u64().unwrap());
    let unreadable: Vec<&str> =
        cli["unreadable"].as_array().unwrap().iter().map(|u| u["path"].as_str().unwrap()).collect();
    assert_eq!(tab.unreadable.iter().map(|u| u.path.as_str()).collect::<Vec<_>>(), unreadable);
    // The plot's counts: a.example one live and one expired, b.example one expired, the JWE apart.
    let by: Vec<(String, usize, usize)> = lab.by_issuer().into_iter().map(|c| (c.issuer, c.live, c.expired)).collect();
    let live_in_cli = findings.iter().filter(|f| f["live"] != false).count();
    assert_eq!(by.iter().map(|c| c.1).sum::<usize>(), live_in_cli);
    assert!(by.contains(&("https://a.example".into(), 1, 1)), "{by:?}");
    assert!(by.contains(&("https://b.example".into(), 0, 1)), "{by:?}");
    assert!(by.contains(&("(encrypted)".into(), 1, 0)), "{by:?}");
    assert!(by.contains(&("https://c.example".into(), 2, 0)), "unsigned and exp not a number may be live: {by:?}");
}
