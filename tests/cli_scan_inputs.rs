//! `tokenbench scan` on what a hostile or unlucky folder holds: a file read only in part, a
//! named pipe, standard input, a path given twice, links and pipes inside a folder, a key file
//! that is a pipe. Nothing is left out in silence, nothing blocks, and no green is given for what
//! was not read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Stdio;

use common::{bin, code, json_out, run, stderr, stdout, temp_dir};

fn token() -> String {
    let path = common::asset("../samples/01-oidc-id-token-rs256.jwt");
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

fn folder(name: &str) -> PathBuf {
    let dir = temp_dir(name).join("inputs");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gzip(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let o = std::process::Command::new("mkfifo").arg(path).output().unwrap();
    assert!(o.status.success(), "mkfifo: {}", String::from_utf8_lossy(&o.stderr));
}

/// A gzip file cut short is read up to the cut: the tokens before it are reported, the file is
/// named as read in part, and with no live token found the exit is 2, never 0.
#[test]
fn a_file_read_in_part_is_no_green() {
    let dir = folder("partly");
    // A token expired at the instant judged (its exp is in 2036), a thousand times.
    let body = format!("Authorization: Bearer {}\n", token()).repeat(1000);
    let gz = gzip(&body);
    std::fs::write(dir.join("cut.log.gz"), &gz[..gz.len() / 2]).unwrap();
    let o = run(&["scan", &dir.display().to_string(), "--at", "4000000000", "--json"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    let report = json_out(&o);
    assert_eq!((report["files_scanned"].as_u64(), report["files_partly"].as_u64()), (Some(0), Some(1)));
    let found = report["findings"][0]["occurrences"].as_u64().unwrap();
    assert!(found > 0 && found < 1000, "the tokens before the cut: {found}");
    let reason = report["unreadable"][0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("the gzip data is damaged after "), "{reason}");
    assert!(reason.contains("read in part: tokens in its first"), "{reason}");
    assert!(stderr(&o).contains("could not be read, or only in part"), "{}", stderr(&o));
    // The text says it too.
    let text = stdout(&run(&["scan", &dir.display().to_string(), "--at", "4000000000"]));
    assert!(text.contains("0 files scanned (") && text.contains(", 1 file in part (below)"), "{text}");
    assert!(text.contains("Not read, or read in part (1):"), "{text}");
}

/// `-` reads standard input, gzip included (`kubectl logs ... | tokenbench scan -`).
#[test]
fn standard_input_is_scanned() {
    let mut child = bin()
        .args(["scan", "-", "--json", "--at", "1800000000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&gzip(&format!("first\ntoken={}\n", token()))).unwrap();
    let o = child.wait_with_output().unwrap();
    let report = json_out(&o);
    assert_eq!(report["findings"][0]["path"], "(standard input)", "{report:#}");
    assert_eq!((report["findings"][0]["line"].as_u64(), report["findings"][0]["column"].as_u64()), (Some(2), Some(7)));
    assert_eq!(report["files_scanned"], 1);
}

/// A named pipe given by name is read to its end; one inside a folder, and a link, are listed
/// as skipped (not content) and change no exit code; nothing blocks.
#[cfg(unix)]
#[test]
fn pipes_given_are_read_and_what_folders_hold_besides_files_is_listed() {
    let dir = folder("pipes");
    std::fs::write(dir.join("app.log"), "nothing here\n").unwrap();
    mkfifo(&dir.join("pipe"));
    std::os::unix::fs::symlink("/etc/hostname", dir.join("link")).unwrap();
    let o = run(&["scan", &dir.display().to_string(), "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report = json_out(&o);
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().rsplit('/').next().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("link".to_owned(), "a symbolic link: not read (links are not followed)".to_owned()),
            ("pipe".to_owned(), "a named pipe: not read".to_owned())
        ]
    );
    assert_eq!(report["unreadable"], serde_json::json!([]));
    let text = stdout(&run(&["scan", &dir.display().to_string()]));
    assert!(text.contains("Skipped (not content; not read) (2):"), "{text}");

    // Given by name, with a writer: read to its end.
    let fifo = dir.join("pipe");
    let writer = {
        let fifo = fifo.clone();
        let line = format!("Authorization: Bearer {}\n", token());
        std::thread::spawn(move || std::fs::write(fifo, line).unwrap())
    };
    let o = run(&["scan", &fifo.display().to_string(), "--json", "--at", "1800000000"]);
    writer.join().unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(json_out(&o)["findings"][0]["context"], "Authorization header");
}

/// A socket given by name is not read, and says so: exit 2.
#[cfg(unix)]
#[test]
fn a_socket_given_is_unreadable() {
    let dir = folder("socket");
    let path = dir.join("app.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let o = run(&["scan", &path.display().to_string(), "--json"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(json_out(&o)["unreadable"][0]["reason"], "a socket: not read");
}

/// A file given twice, or inside a folder also given, is read once: its places and the file
/// count are not doubled.
#[test]
fn overlapping_paths_count_once() {
    let dir = folder("overlap");
    std::fs::write(dir.join("a.log"), format!("token={}\n", token())).unwrap();
    let file = dir.join("a.log").display().to_string();
    let o = run(&["scan", &file, &dir.display().to_string(), &file, "--json", "--at", "1800000000"]);
    let report = json_out(&o);
    assert_eq!((report["files_scanned"].as_u64(), report["findings"][0]["occurrences"].as_u64()), (Some(1), Some(1)));
}

/// A key file that is a pipe with no writer does not block: it reads as empty and is refused.
#[cfg(unix)]
#[test]
fn a_key_that_is_a_pipe_never_blocks() {
    let dir = folder("key-pipe");
    let fifo = dir.join("key.pem");
    mkfifo(&fifo);
    std::fs::write(dir.join("a.log"), "nothing\n").unwrap();
    let o = run(&["scan", &dir.join("a.log").display().to_string(), "--key", &fifo.display().to_string()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("key.pem: empty input"), "{}", stderr(&o));
}
