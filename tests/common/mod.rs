//! Helpers the command-line test files share: the binary, the sample keys, JSON objects. Each
//! file includes this module and uses what it needs (hence `dead_code` allowed here).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tokenbench::core::engine::keys::{self, Key};
use tokenbench::core::engine::token::JsonObject;

/// The tokenbench binary, with colours off.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tokenbench"));
    c.env("NO_COLOR", "1");
    c
}

/// Runs tokenbench with `args`.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// The exit code (a signal is a test failure).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard output as JSON (a test failure, with both outputs, when it is not).
pub fn json_out(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

/// A path in the system's temporary directory, unique to this test process and `name`.
pub fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("tokenbench-test-{}-{name}", std::process::id()))
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A file of assets/keys.
pub fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)
}

/// The first key of a file of assets/keys.
pub fn key(name: &str) -> Key {
    keys::load_file(&asset(name)).unwrap().remove(0)
}

/// The object a `json!({...})` literal holds.
pub fn obj(v: Value) -> JsonObject {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}
