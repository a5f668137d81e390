//! The input generator's source of randomness: small, fast and the same
//! on every platform, so that a seed names a session's inputs.

/// A small deterministic generator (SplitMix64).
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub(super) fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn a_seed_names_its_stream() {
        let (mut a, mut b) = (Rng(42), Rng(42));
        assert_eq!((0..8).map(|_| a.next()).collect::<Vec<_>>(), (0..8).map(|_| b.next()).collect::<Vec<_>>());
        assert_ne!(Rng(1).next(), Rng(2).next());
        assert_eq!(Rng(3).bytes(5).len(), 5);
    }

    #[test]
    fn below_stays_below_and_tolerates_zero() {
        let mut r = Rng(9);
        assert!((0..1000).all(|_| r.below(7) < 7));
        assert_eq!(r.below(0), 0);
    }
}
