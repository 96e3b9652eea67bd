//! The crack's tests: targets, wordlists, rules, threads and reports.

use super::*;
use crate::core::engine::keys::{self, SecretEncoding};
use crate::core::engine::sign::sign;
use crate::core::engine::token::{JsonObject, parse};
use serde_json::json;

fn token(alg: &str, secret: &[u8], claims: &serde_json::Value) -> Token {
    let key = keys::load_secret(secret, SecretEncoding::Raw, "t").unwrap();
    let claims: JsonObject = serde_json::from_value(claims.clone()).unwrap();
    parse(&sign(&JsonObject::new(), &claims, alg, &key).unwrap()).unwrap()
}

fn reference_hmac(alg: HmacAlg, key: &[u8], msg: &[u8]) -> Vec<u8> {
    let a = match alg {
        HmacAlg::HS256 => aws_lc_rs::hmac::HMAC_SHA256,
        HmacAlg::HS384 => aws_lc_rs::hmac::HMAC_SHA384,
        HmacAlg::HS512 => aws_lc_rs::hmac::HMAC_SHA512,
    };
    aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(a, key), msg).as_ref().to_vec()
}

#[test]
fn engine_agrees_with_aws_lc_at_every_message_and_key_length() {
    // Every tail shape (one or two padding blocks) and keys shorter, equal and longer than
    // the block, for the three algorithms.
    for alg in [HmacAlg::HS256, HmacAlg::HS384, HmacAlg::HS512] {
        for len in (0..300).step_by(7).chain([55, 56, 63, 64, 111, 112, 119, 120, 127, 128]) {
            let msg: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            for key_len in [1usize, 31, 64, 65, 127, 128, 129, 300] {
                let key: Vec<u8> = (0..key_len).map(|i| u8::try_from((i * 7 + 3) % 256).unwrap()).collect();
                let mac = reference_hmac(alg, &key, &msg);
                let target = Target::new(alg, msg.clone(), mac).unwrap();
                let engine = target.engine();
                assert!(engine.test(&key), "{alg:?} msg {len} key {key_len}");
                let mut wrong = key.clone();
                wrong[0] ^= 1;
                assert!(!engine.test(&wrong), "{alg:?} msg {len} key {key_len}");
                if key_len <= engine.block_len() {
                    assert_eq!(engine.test_pair(&wrong, &key), [false, true], "{alg:?} {len} {key_len}");
                    assert_eq!(engine.test_pair(&key, &wrong), [true, false], "{alg:?} {len} {key_len}");
                }
            }
        }
    }
}

#[test]
fn compression_count_matches_the_issue_formula() {
    assert_eq!(HmacAlg::HS256.compressions_per_candidate(55), 4);
    assert_eq!(HmacAlg::HS256.compressions_per_candidate(56), 5);
    assert_eq!(HmacAlg::HS256.compressions_per_candidate(150), (150usize + 9).div_ceil(64) as u64 + 3);
    assert_eq!(HmacAlg::HS512.compressions_per_candidate(111), 4);
    assert_eq!(HmacAlg::HS512.compressions_per_candidate(112), 5);
}

#[test]
fn finds_a_bundled_default_secret() {
    let t = token("HS256", b"your-256-bit-secret", &json!({"sub": "1"}));
    let report = crack_bundled(&Target::from_token(&t).unwrap(), Rules::NONE, 2, &Progress::default()).unwrap();
    assert_eq!(report.secret.as_deref(), Some(&b"your-256-bit-secret"[..]));
}

#[test]
fn lines_are_split_on_newline_with_one_cr_removed_and_empty_lines_skipped() {
    let t = token("HS384", b"pass word", &json!({"sub": "1"}));
    let target = Target::from_token(&t).unwrap();
    let list = b"\n\r\nfoo\r\r\npass word\r\n";
    let r = crack(&target, &list[..], Rules::NONE, 1, &Progress::default()).unwrap();
    assert_eq!(r.secret.as_deref(), Some(&b"pass word"[..]));
    // The empty secret, then "foo\r\r" and "pass word": "\r" alone becomes empty and is
    // skipped; "foo\r" keeps its second CR.
    assert_eq!(r.candidates, 3);
    let t = token("HS512", b"foo\r", &json!({}));
    let r = crack(&Target::from_token(&t).unwrap(), &list[..], Rules::NONE, 1, &Progress::default()).unwrap();
    assert_eq!(r.secret.as_deref(), Some(&b"foo\r"[..]));
    // No trailing newline at the end of the list.
    let t = token("HS256", b"last", &json!({}));
    let r = crack(&Target::from_token(&t).unwrap(), &b"a\nlast"[..], Rules::NONE, 1, &Progress::default()).unwrap();
    assert_eq!(r.secret.as_deref(), Some(&b"last"[..]));
}

#[test]
fn the_empty_secret_is_tried_first() {
    // What the kid-traversal forgery signs with: no line of any list can be empty.
    let t = token("HS256", b"placeholder", &json!({"sub": "x"}));
    let empty = aws_lc_rs::hmac::sign(
        &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, b""),
        t.signatures[0].signing_input(),
    );
    let target = Target::new(HmacAlg::HS256, t.signatures[0].signing_input().to_vec(), empty.as_ref().to_vec());
    let progress = Progress::default();
    let r = crack(&target.unwrap(), &b"\n\n\r\n"[..], Rules::ALL, 3, &progress).unwrap();
    assert_eq!((r.secret.as_deref(), r.candidates, r.per_thread.as_slice()), (Some(&b""[..]), 1, &[1, 0, 0][..]));
    assert!(progress.found.load(Ordering::Relaxed));
    for alg in ["HS384", "HS512"] {
        let t = token(alg, b"k", &json!({}));
        let a = if alg == "HS384" { aws_lc_rs::hmac::HMAC_SHA384 } else { aws_lc_rs::hmac::HMAC_SHA512 };
        let mac = aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(a, b""), t.signatures[0].signing_input());
        let target = Target::new(
            HmacAlg::from_name(alg).unwrap(),
            t.signatures[0].signing_input().to_vec(),
            mac.as_ref().to_vec(),
        )
        .unwrap();
        assert_eq!(crack_bundled(&target, Rules::NONE, 1, &Progress::default()).unwrap().secret, Some(Vec::new()));
    }
}

#[test]
fn rules_find_variants_and_count_them() {
    let target = Target::from_token(&token("HS256", b"Changeme2024", &json!({}))).unwrap();
    let none = crack(&target, &b"changeme\n"[..], Rules::NONE, 1, &Progress::default()).unwrap();
    assert!(none.secret.is_none());
    let all = crack(&target, &b"changeme\n"[..], Rules::ALL, 1, &Progress::default()).unwrap();
    assert_eq!(all.secret.as_deref(), Some(&b"Changeme2024"[..]));
    let target = Target::from_token(&token("HS256", b"zzz-not-there", &json!({}))).unwrap();
    let r = crack(&target, &b"abc\nA1\n"[..], Rules::ALL, 1, &Progress::default()).unwrap();
    // "abc": as written = lower, so 3 distinct cases; "A1": upper = as written, lower and
    // capitalised "a1"/"A1" leave 2 distinct cases ("A1", "a1").
    let per_case = 1 + 110 + u64::from(RULE_YEARS.end() - RULE_YEARS.start() + 1);
    assert_eq!(r.candidates, 1 + per_case * (3 + 2), "the empty secret, then the variants");
    let target = Target::from_token(&token("HS256", b"admin07", &json!({}))).unwrap();
    let digits = Rules { digits: true, ..Rules::NONE };
    let r = crack(&target, &b"admin\n"[..], digits, 1, &Progress::default()).unwrap();
    assert_eq!(r.secret.as_deref(), Some(&b"admin07"[..]));
}

#[test]
fn long_lines_are_skipped_with_bounded_memory() {
    let target = Target::from_token(&token("HS256", b"after", &json!({}))).unwrap();
    let mut list = vec![b'x'; 3 * CHUNK_BYTES];
    list.extend_from_slice(b"\nshort\n");
    list.extend(vec![b'y'; MAX_CANDIDATE_BYTES + 10]);
    list.extend_from_slice(b"\nafter\n");
    let r = crack(&target, &list[..], Rules::NONE, 2, &Progress::default()).unwrap();
    assert_eq!(r.secret.as_deref(), Some(&b"after"[..]));
    assert_eq!(r.skipped_lines, 2);
}

/// A pipe whose writer flushes a little at a time: every read returns at most `step` bytes.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn found_in(secret: &[u8], list: impl Read + Send) -> CrackReport {
    let target = Target::from_token(&token("HS256", secret, &json!({"sub": "x"}))).unwrap();
    crack(&target, list, Rules::NONE, 2, &Progress::default()).unwrap()
}

/// A wordlist saved with a UTF-8 byte-order mark: its first word is found without the mark,
/// however the reads are cut; a mark anywhere else is part of its line.
#[test]
fn a_byte_order_mark_before_the_first_word_is_dropped() {
    let list = b"\xef\xbb\xbffirst-word\n\xef\xbb\xbfsecond\n";
    for step in [1, 2, 3, 4, 4096] {
        let r = found_in(b"first-word", Trickle { data: list, step });
        assert_eq!(r.secret.as_deref(), Some(&b"first-word"[..]), "reads of {step} bytes");
        let r = found_in(b"\xef\xbb\xbfsecond", Trickle { data: list, step });
        assert_eq!(r.secret.as_deref(), Some(&b"\xef\xbb\xbfsecond"[..]), "reads of {step} bytes");
    }
    // A list that is only the mark has no word (the empty secret alone is tried); bytes that
    // only begin a mark are a word.
    assert_eq!(found_in(b"x", &b"\xef\xbb\xbf"[..]).candidates, 1);
    assert_eq!(found_in(b"\xef\xbb", &b"\xef\xbb"[..]).secret.as_deref(), Some(&b"\xef\xbb"[..]));
    // Through a file, as `crack --wordlist` and the audit read it.
    let path = std::env::temp_dir().join(format!("tokenbench-bom-{}.txt", std::process::id()));
    std::fs::write(&path, b"\xef\xbb\xbfhunter2\r\nother\r\n").unwrap();
    let target = Target::from_token(&token("HS256", b"hunter2", &json!({}))).unwrap();
    let whole = crack_file(&target, &path, Rules::NONE, 1, &Progress::default()).unwrap();
    let (prefix, _) = crack_file_prefix(&target, &path, Rules::NONE, 1, &Progress::default(), 1 << 20).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(whole.secret.as_deref(), Some(&b"hunter2"[..]));
    assert_eq!(prefix.secret.as_deref(), Some(&b"hunter2"[..]));
}

#[test]
fn short_reads_never_make_a_line_overlong() {
    // The report's pipe: "the-real-" flushed, a pause, then the rest.
    let list = b"the-real-secret-at-the-end\nb\n";
    for step in [1, 2, 9, 4096] {
        let r = found_in(b"the-real-secret-at-the-end", Trickle { data: list, step });
        assert_eq!(r.secret.as_deref(), Some(&b"the-real-secret-at-the-end"[..]), "reads of {step} bytes");
        assert_eq!(r.skipped_lines, 0);
    }
    // The last line without its newline, one byte at a time.
    let r = found_in(b"last-line", Trickle { data: b"a\nb\nlast-line", step: 1 });
    assert_eq!(r.secret.as_deref(), Some(&b"last-line"[..]));
}

#[test]
fn an_overlong_line_skips_only_itself() {
    // The report's file: a 1 MiB line before the last line, which has no newline.
    let mut list = b"a\n".to_vec();
    list.extend(std::iter::repeat_n(b'x', 1 << 20));
    list.extend_from_slice(b"\nthe-real-secret-at-the-end");
    for step in [usize::MAX, 1000, 7] {
        let r = found_in(b"the-real-secret-at-the-end", Trickle { data: &list, step });
        assert_eq!(r.secret.as_deref(), Some(&b"the-real-secret-at-the-end"[..]), "reads of {step}");
        assert_eq!(r.skipped_lines, 1, "reads of {step}");
    }
    // Megabytes of zeros without a newline (a sparse file), then the secret.
    let zeros = std::io::repeat(0).take(3 * CHUNK_BYTES as u64 + 5);
    let r = found_in(b"secret", zeros.chain(&b"\nsecret"[..]));
    assert_eq!((r.secret.as_deref(), r.skipped_lines), (Some(&b"secret"[..]), 1));
    // Lines of exactly the limit are candidates, one byte more is skipped, at the end too;
    // the line after a skipped one is tested even when it starts in the same read.
    let at_limit = vec![b'k'; MAX_CANDIDATE_BYTES];
    let mut list = vec![b'y'; MAX_CANDIDATE_BYTES + 1];
    list.push(b'\n');
    list.extend_from_slice(&at_limit);
    let r = found_in(&at_limit, Trickle { data: &list, step: 5000 });
    assert_eq!((r.secret.is_some(), r.skipped_lines), (true, 1));
    list.push(b'\n');
    list.extend(vec![b'z'; MAX_CANDIDATE_BYTES + 1]);
    let r = found_in(b"not-there", &list[..]);
    assert_eq!((r.candidates, r.skipped_lines), (2, 2), "the empty secret and the limit line");
}

#[test]
fn the_reader_keeps_its_buffer_bounded() {
    let data = vec![b'q'; 3 * CHUNK_BYTES];
    let mut chunks = Chunks::new(Trickle { data: &data, step: 100_000 });
    let mut buf = Vec::new();
    let progress = Progress::default();
    while chunks.next(&mut buf, &progress) {
        assert!(buf.is_empty() || buf.ends_with(b"\n"));
    }
    assert!(buf.capacity() <= CHUNK_BYTES, "{}", buf.capacity());
    assert_eq!((chunks.skipped_lines, progress.bytes.load(Ordering::Relaxed)), (1, 3 * CHUNK_BYTES as u64));
}

#[test]
fn refuses_what_cannot_be_cracked() {
    let rsa =
        keys::load_file(&std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys/rsa2048-pkcs8.pem"))
            .unwrap()
            .remove(0);
    let t = parse(&sign(&JsonObject::new(), &JsonObject::new(), "RS256", &rsa).unwrap()).unwrap();
    assert_eq!(Target::from_token(&t).unwrap_err(), CrackError::NotHmac("RS256".into()));
    let t = parse("eyJhbGciOiJIUzI1NiJ9.e30.AAAA").unwrap();
    assert!(matches!(Target::from_token(&t), Err(CrackError::SignatureLength { .. })));
    let jwe =
        parse(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/07-jwe-rfc7516.jwt")).trim()).unwrap();
    let e = Target::from_token(&jwe).unwrap_err();
    assert_eq!(e, CrackError::Encrypted);
    assert!(e.to_string().contains("encrypted (JWE)") && e.to_string().contains("without the key"), "{e}");
    let target = Target::from_token(&token("HS256", b"k", &json!({}))).unwrap();
    assert_eq!(crack(&target, &b""[..], Rules::NONE, 0, &Progress::default()).unwrap_err(), CrackError::NoThreads);
    let missing = crack_file(&target, std::path::Path::new("/nonexistent/list"), Rules::NONE, 1, &Progress::default());
    assert!(matches!(missing, Err(CrackError::Wordlist { .. })));
}

#[test]
fn thread_counts_are_bounded_and_a_refused_thread_is_an_error() {
    let target = Target::from_token(&token("HS256", b"never-guessed", &json!({}))).unwrap();
    let too_many = crack(&target, &b"a\n"[..], Rules::NONE, MAX_THREADS + 1, &Progress::default());
    assert_eq!(too_many.unwrap_err(), CrackError::TooManyThreads(MAX_THREADS + 1));
    assert!(crack(&target, &b"a\n"[..], Rules::NONE, usize::MAX, &Progress::default()).is_err());
    // The system refuses the second worker (a 1 TiB stack): the first, already running on an
    // endless list, is cancelled and joined, and the crack says why instead of panicking.
    let progress = Progress::default();
    let r = crack_with_stacks(&target, Endless::new(), Rules::NONE, 3, &progress, |i| (i == 1).then_some(1 << 40));
    match r {
        Err(CrackError::Spawn { started: 1, threads: 3, reason }) => assert!(!reason.is_empty()),
        other => panic!("{other:?}"),
    }
    assert!(progress.cancel.load(Ordering::Relaxed));
}

#[test]
fn a_prefix_of_the_list_is_bounded_and_says_when_it_was_cut() {
    let path = temp_path("prefix.txt");
    std::fs::write(&path, b"aaaa\nbbbb\ncccc\nthe-secret\n").unwrap();
    let target = Target::from_token(&token("HS256", b"the-secret", &json!({}))).unwrap();
    let run = |max| crack_file_prefix(&target, &path, Rules::NONE, 1, &Progress::default(), max).unwrap();
    let (r, cut) = run(10);
    assert_eq!((r.secret, cut, r.candidates), (None, true, 3), "aaaa, bbbb and the empty secret");
    let (r, cut) = run(1 << 20);
    assert_eq!((r.secret.as_deref(), cut), (Some(&b"the-secret"[..]), false));
    let (_, cut) = run(26);
    assert!(!cut, "a file of exactly the limit is whole");
    // A device: 1 MiB of /dev/zero is read, not more.
    let progress = Progress::default();
    let (r, cut) =
        crack_file_prefix(&target, std::path::Path::new("/dev/zero"), Rules::NONE, 2, &progress, 1 << 20).unwrap();
    assert_eq!((r.secret, cut, r.skipped_lines), (None, true, 1));
    assert_eq!(progress.bytes.load(Ordering::Relaxed), 1 << 20);
    assert!(check_wordlist(std::path::Path::new("/nonexistent/list")).is_err());
    assert!(check_wordlist(std::path::Path::new("/tmp")).is_err(), "a directory");
    std::fs::remove_file(&path).unwrap();
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tokenbench-crack-{}-{name}", std::process::id()))
}

#[test]
fn finds_the_last_line_of_a_million_line_file_on_every_thread() {
    use std::io::Write;
    let path = temp_path("million.txt");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..999_999 {
        writeln!(file, "wrong-guess-{i:07}").unwrap();
    }
    write!(file, "the-real-secret-at-the-end").unwrap();
    drop(file);
    let target = Target::from_token(&token("HS256", b"the-real-secret-at-the-end", &json!({"sub": "x"}))).unwrap();
    for threads in [1, 3] {
        let progress = Progress::default();
        let r = crack_file(&target, &path, Rules::NONE, threads, &progress).unwrap();
        assert_eq!(r.secret.as_deref(), Some(&b"the-real-secret-at-the-end"[..]), "{threads} threads");
        assert_eq!(r.per_thread.len(), threads, "--threads is honoured");
        assert_eq!(progress.candidates.load(Ordering::Relaxed), r.candidates);
        if threads == 1 {
            assert_eq!(r.candidates, 1_000_001, "the empty secret, then every line once");
        } else {
            // The others stop mid-chunk once the last line is found.
            assert!(r.candidates <= 1_000_001 && r.candidates > 900_000, "{}", r.candidates);
        }
        assert_eq!(progress.bytes.load(Ordering::Relaxed), std::fs::metadata(&path).unwrap().len());
        if threads > 1 {
            // 16 MB in 1 MiB chunks: every worker gets some of them.
            assert!(r.per_thread.iter().all(|n| *n > 0), "{:?}", r.per_thread);
        }
    }
    std::fs::remove_file(&path).unwrap();
}

/// An endless wordlist: the crack can only end by being cancelled. Every read is filled
/// whole (a line may be cut between two reads), as a file would be.
struct Endless {
    n: u64,
    line: Vec<u8>,
    at: usize,
}

impl Endless {
    fn new() -> Self {
        Self { n: 0, line: Vec::new(), at: 0 }
    }
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            if self.at == self.line.len() {
                self.n += 1;
                self.line = format!("endless-{}\n", self.n).into_bytes();
                self.at = 0;
            }
            let k = (self.line.len() - self.at).min(buf.len() - n);
            buf[n..n + k].copy_from_slice(&self.line[self.at..self.at + k]);
            self.at += k;
            n += k;
        }
        Ok(n)
    }
}

#[test]
fn cancel_stops_every_worker_within_100_ms() {
    for (alg, rules) in [("HS256", Rules::NONE), ("HS512", Rules::ALL)] {
        let target = Target::from_token(&token(alg, b"never-guessed", &json!({"sub": "x"}))).unwrap();
        let progress = Progress::default();
        let (report, cancel_to_return) = std::thread::scope(|s| {
            let run = s.spawn(|| {
                let r = crack(&target, Endless::new(), rules, 2, &progress);
                (r, Instant::now())
            });
            while progress.candidates.load(Ordering::Relaxed) < 20_000 {
                std::thread::sleep(Duration::from_millis(5));
            }
            let cancelled_at = Instant::now();
            progress.cancel();
            let (r, returned_at) = run.join().unwrap();
            (r.unwrap(), returned_at - cancelled_at)
        });
        // `crack` returns only after joining every worker.
        assert!(cancel_to_return < Duration::from_millis(100), "{alg}: {cancel_to_return:?}");
        assert!(report.cancelled && report.secret.is_none());
        assert_eq!(report.per_thread.len(), 2);
        assert!(report.per_thread.iter().all(|n| *n > 0), "{:?}", report.per_thread);
    }
}

#[test]
fn secrets_are_shown_as_text_only_when_text_is_safe() {
    assert_eq!(secret_display(b"changeme"), "changeme");
    assert_eq!(secret_display("caf\u{e9}".as_bytes()), "caf\u{e9}");
    assert_eq!(secret_display(b""), "");
    assert_eq!(secret_display(&[0xff, 0xe1, 0x00, b'a']), "hex:ffe10061");
    assert_eq!(secret_display(b"a\x1b]0;x\x07"), "hex:611b5d303b7807");
    assert_eq!(secret_display("x\u{202e}y".as_bytes()), "hex:78e280ae79");
    assert_eq!(secret_display(b"a\nb"), "hex:610a62");
    assert_eq!(secret_display(b"hex:41"), "hex:6865783a3431", "never mistaken for the byte 0x41");
    assert!(secret_is_text(b"ok") && !secret_is_text(&[0xff]));
}

#[test]
fn a_rate_only_for_runs_long_enough_to_measure() {
    assert_eq!(measured_rate(5, Duration::from_micros(3)), None, "five guesses in microseconds");
    assert_eq!(measured_rate(50_000, Duration::from_micros(900)), None, "under 10 ms");
    assert_eq!(measured_rate(20, Duration::from_secs(2)), None, "a handful of guesses");
    assert_eq!(measured_rate(1000, Duration::from_millis(10)), Some(100_000.0));
    assert_eq!(rate_text(5, Duration::from_micros(3)), "too short to rate");
    assert_eq!(rate_text(2_000_000, Duration::from_secs(2)), "1000000/s");
}

#[test]
fn eta_from_bytes() {
    assert_eq!(eta(Duration::from_secs(10), 25, 100), Some(Duration::from_secs(30)));
    assert_eq!(eta(Duration::from_secs(10), 0, 100), None);
    assert_eq!(eta(Duration::from_secs(10), 100, 100), None);
}
