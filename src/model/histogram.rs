//! Percentiles of many whole numbers in memory that does not grow with how
//! many there are: a log-bucketed histogram (the layout of HdrHistogram).
//!
//! Numbers below 512 each have a bucket of their own, so they are counted
//! exactly. Above, each doubling is split into 256 buckets, so a bucket is
//! at most 1/256 (0.4%) of the numbers it holds wide. Each bucket keeps
//! the lowest and highest number it saw: a percentile that falls in a
//! bucket holding one number is that number exactly, and otherwise is the
//! bucket's lowest or highest, whichever its rank in the bucket is nearer:
//! always a number some path has, within the bucket's width of the exact
//! one.
//!
//! Buckets are allocated 64 at a time (a quarter of a doubling), when a
//! number first falls among them: memory follows the span of the numbers,
//! not their count.

/// Buckets per doubling, as a power of two.
const SUB_BITS: u32 = 8;
/// Buckets per doubling.
const SUB_BUCKETS: usize = 1 << SUB_BITS;
/// Doublings: the exact one for numbers below 2^`SUB_BITS`, then one per
/// doubling up to 2^64.
const DOUBLINGS: usize = 64 - SUB_BITS as usize + 1;
/// Buckets allocated together.
const PAGE_BUCKETS: usize = 64;
/// Pages of buckets.
const PAGES: usize = DOUBLINGS * SUB_BUCKETS / PAGE_BUCKETS;

/// What one bucket has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bucket {
    count: u32,
    lowest: u64,
    highest: u64,
}

const EMPTY: Bucket = Bucket {
    count: 0,
    lowest: u64::MAX,
    highest: 0,
};

type Page = [Bucket; PAGE_BUCKETS];

/// Counts of whole numbers, for their percentiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    pages: Vec<Option<Box<Page>>>,
    count: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            pages: vec![None; PAGES],
            count: 0,
        }
    }
}

/// The doubling and bucket of `value`: numbers below 2^(`SUB_BITS` + 1)
/// map to themselves, above that the top `SUB_BITS` + 1 bits choose the
/// bucket.
fn locate(value: u64) -> (usize, usize) {
    let bits = u64::BITS - value.leading_zeros();
    if bits <= SUB_BITS {
        return (0, value as usize);
    }
    let shift = bits - SUB_BITS - 1;
    // The top bit is always set here, so the bucket is the next 8 bits.
    let bucket = (value >> shift) as usize - SUB_BUCKETS;
    ((bits - SUB_BITS) as usize, bucket)
}

impl Histogram {
    /// Counts `value` once.
    pub fn record(&mut self, value: u64) {
        let (doubling, index) = locate(value);
        let at = doubling * SUB_BUCKETS + index;
        let page =
            self.pages[at / PAGE_BUCKETS].get_or_insert_with(|| Box::new([EMPTY; PAGE_BUCKETS]));
        let bucket = &mut page[at % PAGE_BUCKETS];
        bucket.count += 1;
        bucket.lowest = bucket.lowest.min(value);
        bucket.highest = bucket.highest.max(value);
        self.count += 1;
    }

    /// How many numbers were counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The number of nearest rank `rank` (1 for the lowest), or `None` past
    /// the count. Exact when its bucket holds one distinct number; else the
    /// bucket's lowest or highest, whichever the rank is nearer.
    pub fn at_rank(&self, rank: u64) -> Option<u64> {
        if rank == 0 || rank > self.count {
            return None;
        }
        let mut below = 0_u64;
        let buckets = self.pages.iter().flatten().flat_map(|page| page.iter());
        for bucket in buckets.filter(|bucket| bucket.count > 0) {
            let count = u64::from(bucket.count);
            if below + count >= rank {
                let within = rank - below - 1;
                return Some(if 2 * within < count {
                    bucket.lowest
                } else {
                    bucket.highest
                });
            }
            below += count;
        }
        None
    }

    /// The number at or below which `percent`% of the counted ones are
    /// (nearest rank), when at least one number was counted and the rank
    /// falls among them; `total` is the count of which the rank is taken,
    /// which may exceed this histogram's own when some values were kept
    /// apart (they rank above every one here).
    pub fn percentile(&self, percent: u64, total: u64) -> Option<u64> {
        let rank = (u128::from(total) * u128::from(percent))
            .div_ceil(100)
            .max(1);
        self.at_rank(u64::try_from(rank).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: impl IntoIterator<Item = u64>) -> Histogram {
        let mut histogram = Histogram::default();
        for value in values {
            histogram.record(value);
        }
        histogram
    }

    #[test]
    fn small_numbers_have_exact_nearest_ranks() {
        let histogram = of((1..=20).rev());
        let at = |percent| histogram.percentile(percent, 20);
        assert_eq!((at(10), at(50), at(90)), (Some(2), Some(10), Some(18)));
        assert_eq!(of([7]).percentile(10, 1), Some(7));
        assert_eq!(Histogram::default().percentile(50, 0), None);
        assert_eq!(of([7]).percentile(90, 10), None, "ranks past the count");
    }

    #[test]
    fn buckets_are_contiguous_and_narrow() {
        let mut previous = (0, 0);
        for value in 1..100_000_u64 {
            let here = locate(value);
            assert!(here >= previous, "{value}");
            previous = here;
        }
        assert_eq!(locate(511), (1, 255));
        assert_eq!(locate(u64::MAX), (DOUBLINGS - 1, SUB_BUCKETS - 1));
        // Every bucket above the exact ones is at most 1/256 of its numbers wide.
        for value in [512_u64, 1_000, 123_456_789, u64::MAX / 3] {
            let (doubling, index) = locate(value);
            let width = 1_u64 << (doubling - 1);
            assert!(width <= value / 256, "{value}");
            assert_eq!(locate(value & !(width - 1)), (doubling, index));
        }
    }

    #[test]
    fn a_percentile_is_within_its_bucket_and_exact_when_alone() {
        let values: Vec<u64> = (0..10_000).map(|i| 1_000_000 + i * 37).collect();
        let histogram = of(values.iter().copied());
        let median = histogram.percentile(50, 10_000).unwrap();
        let exact = values[4_999];
        assert!(median.abs_diff(exact) <= exact / 256, "{median} vs {exact}");
        let same = of([123_456_789; 500]);
        assert_eq!(same.percentile(10, 500), Some(123_456_789));
        assert_eq!(same.percentile(90, 500), Some(123_456_789));
    }

    /// Memory follows the span of the numbers: a million of them over the
    /// same span allocate no more pages than a thousand.
    #[test]
    fn pages_follow_the_span_not_the_count() {
        let pages = |histogram: &Histogram| histogram.pages.iter().flatten().count();
        let few = of((0..1_000).map(|i| 10_000 + i * 900));
        let many = of((0..1_000_000).map(|i| 10_000 + i * 9 / 10));
        assert_eq!(pages(&few), pages(&many));
    }
}
