//! A small deterministic generator (SplitMix64): the same seed gives the same city.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in lo..=hi.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks from (item, weight) pairs.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|i| i.1).sum();
        let mut x = self.below(total as u64) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[items.len() - 1].0
    }

    /// Splits `total` into `n` parts of varying size (each within ±40 % of the mean) that add
    /// up to `total` exactly.
    pub fn split(&mut self, total: u64, n: usize) -> Vec<u64> {
        if n == 0 {
            return Vec::new();
        }
        let weights: Vec<f64> = (0..n)
            .map(|_| 0.6 + 0.8 * (self.below(1000) as f64 / 1000.0))
            .collect();
        let sum: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let mut prev = 0u64;
        weights
            .iter()
            .map(|w| {
                acc += w;
                let upto = ((total as f64) * acc / sum).round() as u64;
                let part = upto - prev;
                prev = upto;
                part
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_exact_split() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        let parts = Rng::new(1).split(9983, 112);
        assert_eq!(parts.iter().sum::<u64>(), 9983);
        assert!(parts.iter().all(|p| (50..=130).contains(p)));
    }
}
