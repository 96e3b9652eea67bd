//! `tokenbench forge`: the token an attack would send, built from a real one. It prints the
//! forged token on stdout (and, on stderr, what a vulnerable verifier does with it and the
//! defence). Exit 2 when the attack needs a key that was not given.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::{out, out_json, read_token_arg, say, say_lines};
use crate::core::engine::error::Error;
use crate::core::engine::forge::{self, Attack};
use crate::core::engine::{limits, token};

/// Arguments of `tokenbench forge`.
#[derive(Debug, Args)]
pub struct ForgeArgs {
    /// none, none-case, confusion, embedded-jwk, jku, kid-traversal, psychic or tamper.
    #[arg(long, value_name = "NAME", value_parser = attack_name)]
    pub attack: Attack,
    /// The issuer's public key file (confusion: its exact bytes become the HMAC secret).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Change a claim before signing: CLAIM=VALUE, VALUE parsed as JSON else taken as a string;
    /// repeat for several (tamper without --set sets admin=true).
    #[arg(long = "set", value_name = "CLAIM=VALUE")]
    pub set: Vec<String>,
    /// Print the forged token with its header, claims and the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// The original token, `-` for stdin, or `@FILE`.
    pub token: String,
}

fn attack_name(name: &str) -> Result<Attack, String> {
    Attack::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Attack::ALL.iter().map(|a| a.name()).collect();
        format!("unknown attack {name:?}; one of: {}", names.join(", "))
    })
}

pub(super) fn forge_cmd(args: &ForgeArgs) -> Result<u8, Error> {
    let token = token::parse(&read_token_arg(&args.token)?)?;
    let key_bytes = match &args.key {
        Some(path) => Some(limits::read_file(path)?),
        None => None,
    };
    let forged = match args
        .set
        .iter()
        .map(|s| forge::parse_set(s))
        .collect::<Result<Vec<_>, _>>()
        .and_then(|set| forge::forge(&token, args.attack, key_bytes.as_deref(), &set))
    {
        Ok(f) => f,
        Err(e) => {
            say(&e.to_string());
            return Ok(2);
        }
    };
    let a = args.attack;
    if args.json {
        let value = json!({
            "attack": a.name(),
            "token": forged.token,
            "header": forged.header,
            "claims": forged.claims,
            "attacker_jwks": forged.attacker_jwks,
            "vulnerable_verifier": a.vulnerable(),
            "why_rejected": a.why_rejected(),
            "defence": a.defence(),
            "reference": a.reference(),
        });
        out_json(&value);
    } else {
        out(&format!("{}\n", forged.token));
        let mut explanation = format!(
            "{}\n  vulnerable verifier: {}\n  defence: {} ({})",
            a.how(),
            a.vulnerable(),
            a.defence(),
            a.reference()
        );
        if let Some(jwks) = &forged.attacker_jwks {
            let _ = write!(explanation, "\n  the attacker serves at {}: {jwks}", forge::ATTACKER_JKU);
        }
        say_lines(&explanation);
    }
    Ok(0)
}
