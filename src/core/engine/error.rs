//! The one error type of the engine.
//!
//! Every variant names *what* is wrong and *where*, in words a person can act on: the GUI shows
//! `Display` as it is, and the CLI prints it on stderr before exiting with status 2.
//! Verification outcomes (bad signature, expired token…) are not errors: they are verdicts in
//! [`crate::core::engine::verify::Verification`]. An `Error` means the input could not be used at
//! all; inside the verifier, why one key failed one signature is an `Error` whose text becomes
//! that attempt's reason in the verdict.

use crate::core::engine::token::Part;

/// Everything that makes a token or a key unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input was empty (or only whitespace, or only a `Bearer` prefix).
    #[error("the input is empty: paste a token such as eyJhbGciOi…")]
    Empty,

    /// The input is larger than the engine accepts.
    #[error("the input is {size} bytes; tokens larger than {limit} bytes are refused")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },

    /// A compact token must have 3 (JWS) or 5 (JWE) dot-separated segments.
    #[error("a compact token has 3 segments (JWS: header.payload.signature) or 5 (JWE); this one has {found}")]
    SegmentCount {
        /// How many segments were found.
        found: usize,
    },

    /// A segment that must not be empty is empty.
    #[error("the {part} segment is empty")]
    EmptySegment {
        /// Which segment.
        part: Part,
    },

    /// A segment is not strict base64url (RFC 7515 §2: no padding, no `+` `/`, no whitespace).
    // Everything before the bad character is base64url or dots (ASCII): character = byte + 1.
    #[error("the {part} segment is not valid base64url at byte {offset} (character {}) of the token: {reason}", .offset + 1)]
    Base64 {
        /// Which segment.
        part: Part,
        /// Byte offset (from 0) of the problem within the cleaned token text; shown with the
        /// character's position (from 1) too.
        offset: usize,
        /// What is wrong there.
        reason: String,
    },

    /// A segment that must hold JSON does not.
    #[error("the {part} is not valid JSON: {reason}")]
    Json {
        /// Which segment.
        part: Part,
        /// The parser's message, with line and column within the decoded segment.
        reason: String,
    },

    /// JSON nesting deeper than the parser allows (guards against stack exhaustion).
    #[error("the {part} nests JSON deeper than {limit} levels; refused to protect the app")]
    TooDeep {
        /// Which segment.
        part: Part,
        /// The nesting limit.
        limit: usize,
    },

    /// A header (or JWS JSON member) is JSON but not an object.
    #[error("the {part} must be a JSON object, found {found}")]
    NotAnObject {
        /// Which segment.
        part: Part,
        /// The JSON type found instead.
        found: &'static str,
    },

    /// A JWS JSON serialization is missing a member or has one of the wrong type.
    #[error("JWS JSON serialization: {0}")]
    JsonSerialization(String),

    /// Key material that could not be read; the message says which format was tried and why.
    #[error("{source_name}: {reason}")]
    Key {
        /// Where the key came from (a file name, "pasted text", "JWKS entry 3"…).
        source_name: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A file or stream could not be read.
    #[error("cannot read {path}: {reason}")]
    Io {
        /// The path (or `-` for stdin).
        path: String,
        /// The operating system's message.
        reason: String,
    },

    /// A token argument that names an existing file and is no token: files are read as `@FILE`.
    #[error("{path} is a file, not a token: give it as @{path}")]
    FileNotToken {
        /// The argument, as given (control characters escaped).
        path: String,
    },

    /// A file larger than [`crate::core::engine::limits::MAX_INPUT_BYTES`]: refused before it is read
    /// whole (a 1 GiB file, `/dev/zero`).
    #[error("cannot read {path}: it is larger than the 10 MiB limit ({limit} bytes); refused before reading it all")]
    FileTooLarge {
        /// The path.
        path: String,
        /// The limit in bytes.
        limit: usize,
    },

    /// Signing was asked for something it cannot do (a public key, an unknown algorithm…).
    #[error("cannot sign: {0}")]
    Sign(String),

    /// An instant (Unix seconds, the CLI's `--at`, the simulated clock) that is NaN: every time
    /// comparison with it would be false.
    #[error("not a number (NaN): every time comparison with it would be false")]
    InstantNotANumber,

    /// An instant that is infinite.
    #[error("{value} is not a finite number of seconds")]
    InstantInfinite {
        /// The value as printed.
        value: String,
    },

    /// An instant outside the calendar years the time arithmetic handles.
    #[error(
        "{value} seconds is outside years 1 to 9999 ({} to {} seconds since 1970)",
        crate::core::engine::limits::EARLIEST,
        crate::core::engine::limits::LATEST
    )]
    InstantOutOfRange {
        /// The value as printed.
        value: String,
    },

    /// Text given for an instant that is no number.
    #[error("{text:?} is not a number of seconds since 1970")]
    InstantText {
        /// The text as given.
        text: String,
    },

    /// A duration (leeway, maximum lifetime) longer than the calendar.
    #[error(
        "{seconds} seconds is longer than the {} seconds from year 1 to 9999",
        crate::core::engine::limits::MAX_DURATION_SECONDS
    )]
    DurationTooLong {
        /// The duration given.
        seconds: u64,
    },

    /// A duration given as a negative whole number.
    #[error(
        "{text} is negative: a duration is 0 to {} seconds, never less than 0",
        crate::core::engine::limits::MAX_DURATION_SECONDS
    )]
    DurationNegative {
        /// The text as given, trimmed.
        text: String,
    },

    /// Text given for a duration that is no whole number.
    #[error("{text:?} is not a whole number of seconds (0 to {})", crate::core::engine::limits::MAX_DURATION_SECONDS)]
    DurationText {
        /// The text as given.
        text: String,
    },

    /// A JSON text (a scenario file) nested deeper than the parser allows.
    #[error("it nests deeper than {limit} levels")]
    JsonTextTooDeep {
        /// The nesting limit.
        limit: usize,
    },

    /// A JSON text that is not strict JSON (RFC 8259).
    #[error("{reason} at {position}")]
    JsonText {
        /// What is wrong.
        reason: String,
        /// Where: byte and character offset (`byte 40 (character 41)`).
        position: String,
    },

    /// A `Set-Cookie` header whose first part is not `name=value`.
    #[error("{pair:?} is not a name=value pair; expected e.g. 'Set-Cookie: sid=...; HttpOnly'")]
    CookieWithoutPair {
        /// The first part, as given.
        pair: String,
    },

    /// A `Set-Cookie` header with an empty name.
    #[error("the cookie has no name before '='")]
    CookieWithoutName,

    /// The JWT carried in a cookie could not be judged: the wordlist given for it is unusable.
    #[error("--wordlist: {0}")]
    CookieWordlist(crate::core::engine::crack::CrackError),

    /// `decrypt` given what it cannot work on: a JWS, or no key at all.
    #[error("{0}")]
    JweInput(String),

    /// The first screen's sample token could not be made.
    #[error("the sample token cannot be made: {0}")]
    Sample(String),

    /// An algorithm outside [`crate::core::engine::verify::SUPPORTED_ALGORITHMS`].
    #[error("{alg} is not a supported algorithm")]
    UnsupportedAlgorithm {
        /// The algorithm named.
        alg: String,
    },

    /// An HMAC secret whose bytes are a public key: never used to verify (RFC 8725 §2.1).
    #[error("the secret's bytes are a {what}, never used as an HMAC secret")]
    PublicKeyAsSecret {
        /// What the bytes are ("PEM SPKI public key (RSA 2048)").
        what: String,
    },

    /// A key that cannot be made into a verifier for an algorithm.
    #[error("the key cannot be used for {alg}: {reason}")]
    KeyUnusable {
        /// The algorithm.
        alg: String,
        /// Why not.
        reason: String,
    },

    /// A signature of zero bytes, tried against a key.
    #[error("the signature is empty")]
    EmptySignature,

    /// An ECDSA signature of the wrong length for its curve.
    #[error("{alg} signatures are raw r||s of exactly {expected} bytes (RFC 7518 §3.4); this one is {found}{hint}")]
    EcSignatureLength {
        /// The algorithm.
        alg: String,
        /// The length its curve needs.
        expected: usize,
        /// The signature's length.
        found: usize,
        /// What the bytes look like instead (" (it looks DER-encoded)"), or nothing.
        hint: &'static str,
    },

    /// A signature the key does not verify.
    #[error("the signature does not match this key")]
    SignatureMismatch,
}

impl Error {
    /// Shorthand for a [`Error::Key`].
    pub(crate) fn key(source_name: &str, reason: impl Into<String>) -> Self {
        Self::Key { source_name: source_name.to_owned(), reason: reason.into() }
    }
}

/// The engine's result type.
pub type Result<T> = std::result::Result<T, Error>;
