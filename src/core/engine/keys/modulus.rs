//! What makes an RSA modulus broken whatever its size: a small prime factor, being a prime
//! itself, or the ROCA fingerprint. Each lets anyone compute the private key from the public
//! key, so a token that verifies with it proves nothing: the key store refuses such a modulus
//! at load, as it refuses e = 1.
//!
//! The probable-prime test costs one modular exponentiation as large as the modulus (3 ms at
//! 2,048 bits, 24 ms at 4,096, 1.5 s at 16,384): one input's tests share a budget, so a hostile
//! 10 MiB key set of huge moduli costs seconds, not hours.

use std::cell::Cell;

/// The probable-prime work one input may spend, in tests of a 2,048-bit modulus (a test grows
/// with the cube of the size): 1,024 keys of 2,048 bits, 128 of 4,096 or two of 16,384, about
/// 3 s in all. No published key set comes near it.
pub(super) const PRIME_TEST_BUDGET: u64 = 1_024;

thread_local! {
    /// The probable-prime work left for the input being loaded; `None` outside a load (a
    /// modulus judged on its own is always tested).
    static BUDGET: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Puts the budget back to "no input being loaded" when the outermost load ends, however it
/// ends.
struct BudgetScope {
    outermost: bool,
}

impl Drop for BudgetScope {
    fn drop(&mut self) {
        if self.outermost {
            BUDGET.set(None);
        }
    }
}

/// Runs `load` with a fresh budget of probable-prime tests, or within the budget of the load
/// already running on this thread (a nested load shares it).
pub(super) fn with_budget<T>(load: impl FnOnce() -> T) -> T {
    let outermost = BUDGET.get().is_none();
    if outermost {
        BUDGET.set(Some(PRIME_TEST_BUDGET));
    }
    let _scope = BudgetScope { outermost };
    load()
}

/// The cost of a probable-prime test of a `bits`-bit modulus, in tests of 2,048 bits (at least 1).
fn prime_test_cost(bits: usize) -> u64 {
    let bits = u64::try_from(bits).unwrap_or(u64::MAX / 4).min(1 << 20);
    (bits * bits * bits / (2048 * 2048 * 2048)).max(1)
}

/// Takes the cost of testing a `bits`-bit modulus from the budget; false when it does not fit
/// (the budget is left as it was).
fn spend(bits: usize) -> bool {
    match BUDGET.get() {
        None => true,
        Some(left) => match left.checked_sub(prime_test_cost(bits)) {
            Some(rest) => {
                BUDGET.set(Some(rest));
                true
            }
            None => false,
        },
    }
}

/// Trial division goes up to this bound: a random 2048-bit number has a factor below it with
/// probability about 0.94 × ln(2) / ln(10,000) ≈ 0.07, a real RSA modulus never.
const TRIAL_LIMIT: usize = 10_000;

/// The number of odd primes below [`TRIAL_LIMIT`] (1,229 primes, less 2, which the even-modulus
/// check already covers).
const ODD_PRIME_COUNT: usize = 1_228;

/// The odd primes below [`TRIAL_LIMIT`], sieved at compile time.
const ODD_PRIMES: [u64; ODD_PRIME_COUNT] = odd_primes();

/// The odd primes in runs whose product stays below 2^32, as (product, first index, end
/// index): the modulus is reduced once per run (a 64-bit remainder per 32-bit word) and each
/// prime of the run then divides that small remainder, a quarter of the work of one pass over
/// the modulus per prime.
const RUNS: [(u64, usize, usize); RUN_COUNT] = runs();

/// How many runs [`RUNS`] has.
const RUN_COUNT: usize = run_count();

const fn odd_primes() -> [u64; ODD_PRIME_COUNT] {
    let mut composite = [false; TRIAL_LIMIT];
    let mut primes = [0u64; ODD_PRIME_COUNT];
    let mut found = 0;
    // The index and its value step together: a const fn has no lossless conversion.
    let (mut i, mut value) = (3usize, 3u64);
    while i < TRIAL_LIMIT {
        if !composite[i] {
            assert!(found < ODD_PRIME_COUNT, "more odd primes below the limit than counted");
            primes[found] = value;
            found += 1;
            let mut multiple = i * i;
            while multiple < TRIAL_LIMIT {
                composite[multiple] = true;
                multiple += 2 * i;
            }
        }
        i += 2;
        value += 2;
    }
    assert!(found == ODD_PRIME_COUNT, "fewer odd primes below the limit than counted");
    primes
}

/// Where the run starting at prime index `start` ends, and its product.
const fn run_from(start: usize) -> (u64, usize) {
    let mut product = 1u64;
    let mut i = start;
    while i < ODD_PRIME_COUNT && product * ODD_PRIMES[i] <= 0xffff_ffff {
        product *= ODD_PRIMES[i];
        i += 1;
    }
    (product, i)
}

/// The number of runs that cover the primes.
const fn run_count() -> usize {
    let (mut i, mut count) = (0, 0);
    while i < ODD_PRIME_COUNT {
        i = run_from(i).1;
        count += 1;
    }
    count
}

const fn runs() -> [(u64, usize, usize); RUN_COUNT] {
    let mut runs = [(0u64, 0usize, 0usize); RUN_COUNT];
    let (mut i, mut count) = (0, 0);
    while i < ODD_PRIME_COUNT {
        let (product, end) = run_from(i);
        runs[count] = (product, i, end);
        i = end;
        count += 1;
    }
    runs
}

/// `n` (big-endian) modulo `m` (below 2^32), by 32-bit words: the running remainder stays below
/// 2^32, so each step fits a `u64`.
fn remainder(n: &[u8], m: u64) -> u64 {
    let lead = n.len() % 4;
    let fold = |acc: u64, bytes: &[u8]| {
        let word = bytes.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
        ((acc << (8 * bytes.len())) | word) % m
    };
    let acc = fold(0, &n[..lead]);
    n[lead..].chunks_exact(4).fold(acc, fold)
}

/// The smallest odd prime below 10,000 that divides `n` (big-endian, larger than 10,000), if any.
#[must_use]
pub(super) fn small_factor(n: &[u8]) -> Option<u64> {
    RUNS.iter().find_map(|&(product, start, end)| {
        let r = remainder(n, product);
        ODD_PRIMES[start..end].iter().copied().find(|&p| r.is_multiple_of(p))
    })
}

/// Whether `n` (big-endian, odd, without a factor below 10,000) is probably prime: the
/// Baillie-PSW test (Miller-Rabin to base 2 and a strong Lucas test), which no composite is known
/// to pass. A real RSA modulus fails the first Miller-Rabin round, one modular exponentiation.
#[must_use]
pub(super) fn is_probable_prime(n: &[u8]) -> bool {
    crypto_primes::is_prime(crypto_primes::Flavor::Any, &rsa::BoxedUint::from_be_slice_vartime(n))
}

/// The ROCA fingerprint test (Nemec et al., CCS 2017): moduli made by the vulnerable Infineon
/// library are, modulo each small prime below, in the subgroup generated by 65537. A random
/// modulus passes all 38 tests with negligible probability.
#[must_use]
pub(super) fn is_roca_vulnerable(n: &[u8]) -> bool {
    const PRIMES: [u32; 38] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
        109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    PRIMES.iter().all(|&p| {
        let residue = remainder(n, u64::from(p));
        // Walk the subgroup generated by 65537 mod p until it cycles back to 1.
        let g = 65537 % p;
        let mut x = 1u32;
        loop {
            if u64::from(x) == residue {
                return true;
            }
            x = x * g % p;
            if x == 1 {
                return false;
            }
        }
    })
}

/// Why the modulus `n` (big-endian, odd, at least 512 bits) is broken, if it is: the cheap tests
/// first (a small factor, ROCA), then the probable-prime test, within the input's budget (a
/// modulus the budget cannot test is refused too: unknown is not safe).
pub(super) fn broken(n: &[u8]) -> Option<String> {
    if let Some(p) = small_factor(n) {
        return Some(format!(
            "the RSA modulus is divisible by {p}: not a product of two large primes, anyone can compute the private key"
        ));
    }
    if is_roca_vulnerable(n) {
        return Some(
            "the RSA modulus has the ROCA fingerprint (CVE-2017-15361, keys made by Infineon chips): its private key \
             can be computed from the public key, so anyone can sign with it; replace the key"
                .into(),
        );
    }
    if !spend(super::bit_len(n)) {
        return Some(format!(
            "not loaded: this input's other RSA keys used up the probable-prime tests one input may run (the work of \
             {PRIME_TEST_BUDGET} tests of a 2,048-bit modulus), and a modulus is only accepted once shown not to be \
             a prime; load this key from a file of its own"
        ));
    }
    if is_probable_prime(n) {
        return Some(
            "the RSA modulus is a prime number, not a product of two primes: anyone can compute the private key \
             (d = e^-1 mod n-1)"
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be(v: u128) -> Vec<u8> {
        let bytes = v.to_be_bytes();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len() - 1);
        bytes[first..].to_vec()
    }

    #[test]
    fn the_sieve_and_its_runs_cover_every_odd_prime_below_ten_thousand() {
        assert_eq!(&ODD_PRIMES[..5], &[3, 5, 7, 11, 13]);
        assert_eq!(ODD_PRIMES[ODD_PRIME_COUNT - 1], 9973);
        let covered: usize = RUNS.iter().map(|&(_, s, e)| e - s).sum();
        assert_eq!(covered, ODD_PRIME_COUNT);
        for &(product, start, end) in &RUNS {
            let p: u64 = ODD_PRIMES[start..end].iter().product();
            assert_eq!(p, product);
        }
    }

    #[test]
    fn remainders_match_native_arithmetic() {
        for v in [1u128, 255, 256, 65_537, 0xdead_beef_cafe, u128::MAX / 3, u128::MAX] {
            for m in [3u64, 9973, 3 * 5 * 7 * 11 * 13 * 17 * 19 * 23, 0xffff_ffff] {
                assert_eq!(u128::from(remainder(&be(v), m)), v % u128::from(m), "{v} mod {m}");
            }
        }
    }

    #[test]
    fn the_smallest_small_factor_is_named() {
        // 9973 × 9967 × (a 64-bit prime): the smallest factor below 10,000 is 9967.
        let n = 9973u128 * 9967 * 18_446_744_073_709_551_557;
        assert_eq!(small_factor(&be(n)), Some(9967));
        assert_eq!(small_factor(&be(3 * 18_446_744_073_709_551_557)), Some(3));
        assert_eq!(small_factor(&be(18_446_744_073_709_551_557 * 18_446_744_073_709_551_533)), None);
    }

    #[test]
    fn one_inputs_prime_tests_share_a_budget() {
        assert_eq!((prime_test_cost(512), prime_test_cost(2048), prime_test_cost(4096)), (1, 1, 8));
        assert_eq!(prime_test_cost(16_384), 512);
        // Outside a load nothing is counted; inside, two 16,384-bit tests fit and a third does not.
        assert!((0..3).all(|_| spend(16_384)));
        with_budget(|| {
            assert!(spend(16_384) && spend(16_384));
            assert!(with_budget(|| !spend(2048)), "a nested load shares the budget");
        });
        assert_eq!(BUDGET.get(), None, "the budget ends with the outermost load");
        with_budget(|| assert!(spend(16_384)));
    }

    #[test]
    fn primes_and_products_of_primes_are_told_apart() {
        assert!(is_probable_prime(&be(18_446_744_073_709_551_557)));
        assert!(!is_probable_prime(&be(18_446_744_073_709_551_557 * 18_446_744_073_709_551_533)));
        // A Carmichael number (561 = 3 × 11 × 17) and a strong pseudoprime to base 2 (2047).
        assert!(!is_probable_prime(&be(561)));
        assert!(!is_probable_prime(&be(2047)));
    }
}
