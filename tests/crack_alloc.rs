//! The cracker allocates nothing per candidate: a counting global allocator shows the same number
//! of allocations for 20,000 candidates as for 80,000 or for 942,000 made by the rules (only
//! per-run and per-chunk buffers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::json;
use tokenbench::core::engine::crack::{self, Progress, Rules, Target};
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::engine::token::{JsonObject, parse};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_for(target: &Target, list: &[u8], rules: Rules) -> (u64, u64) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let r = crack::crack(target, list, rules, 1, &Progress::default()).unwrap();
    assert!(r.secret.is_none());
    (ALLOCATIONS.load(Ordering::Relaxed) - before, r.candidates)
}

#[test]
fn no_allocation_per_candidate() {
    let key = keys::load_secret(b"not-in-the-list", SecretEncoding::Raw, "t").unwrap();
    let claims: JsonObject = json!({"sub": "alice", "scope": "a b c"}).as_object().unwrap().clone();
    let token = parse(&sign(&JsonObject::new(), &claims, "HS256", &key).unwrap()).unwrap();
    let target = Target::from_token(&token).unwrap();
    // Both lists fit one 1 MiB chunk, so the chunk count is the same.
    let list = |n: usize| {
        let mut text = String::new();
        for i in 0..n {
            writeln!(text, "guess-{i:06}").unwrap();
        }
        text.into_bytes()
    };
    let small = list(20_000);
    let large = list(80_000);
    let (a_small, n_small) = allocations_for(&target, &small, Rules::NONE);
    let (a_large, n_large) = allocations_for(&target, &large, Rules::NONE);
    // One more than the lines: the empty secret is tried first.
    assert_eq!((n_small, n_large), (20_001, 80_001));
    assert!(a_large <= a_small + 4, "{a_small} allocations for {n_small}, {a_large} for {n_large}");
    // Rules build every variant in a reused buffer: 2,000 lines x 3 distinct cases x 157 suffixes.
    let (a_rules, n_rules) = allocations_for(&target, &list(2_000), Rules::ALL);
    assert_eq!(n_rules, 1 + 2_000 * 3 * 157);
    assert!(a_rules <= a_small + 4, "{a_rules} allocations for {n_rules} rule candidates");
}
