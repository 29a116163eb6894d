//! The signature stage: texts in, MinHash signatures and shingle-set sizes out.
//!
//! A [`Sketcher`] fuses shingling and signing with scratch buffers that are reused from one text
//! to the next, so signing a corpus allocates nothing per document. It is what the pipeline runs
//! on every document, and what an index runs on a query.
//!
//! ```
//! use neardupe::{MinHashConfig, ShingleConfig, Sketcher};
//!
//! let mut sketcher = Sketcher::new(ShingleConfig::default(), MinHashConfig::default());
//! let a = sketcher.sketch("The armoured train left Pyongyang on Tuesday morning for the border.");
//! let b = sketcher.sketch("The armoured train left Pyongyang on Tuesday morning for the border!");
//! assert_eq!(a.signature, b.signature);
//! assert_eq!(a.set_size, 7); // 11 words: seven 5-word shingles
//! ```

use crate::error::Result;
use crate::hash::DistinctCounter;
use crate::minhash::{MinHashConfig, MinHasher, Signature, SignatureMatrix};
use crate::shingle::{KEEP_CAPACITY, ShingleConfig, Shingler};

/// One text's sketch: its signature and the number of distinct shingles it has.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Sketch {
    /// The MinHash signature.
    pub signature: Signature,
    /// The number of distinct shingles (saturated at `u32::MAX`).
    pub set_size: u32,
}

/// Shingles and signs texts, reusing its buffers; keep one per thread.
#[derive(Clone, Debug)]
pub struct Sketcher {
    shingler: Shingler,
    hasher: MinHasher,
    shingles: Vec<u64>,
    distinct: DistinctCounter,
}

impl Sketcher {
    /// A sketcher for one shingling and one MinHash configuration.
    pub fn new(shingle: ShingleConfig, minhash: MinHashConfig) -> Sketcher {
        Sketcher::with_hasher(Shingler::new(shingle), MinHasher::new(minhash))
    }

    /// A sketcher from an existing shingler and hasher.
    pub fn with_hasher(shingler: Shingler, hasher: MinHasher) -> Sketcher {
        Sketcher { shingler, hasher, shingles: Vec::new(), distinct: DistinctCounter::default() }
    }

    /// The number of slots in each signature.
    pub fn num_perm(&self) -> usize {
        self.hasher.num_perm()
    }

    /// Writes the signature of `text` into `row` (of length [`num_perm`](Sketcher::num_perm)) and
    /// returns the number of distinct shingles.
    ///
    /// # Panics
    /// If `row` has the wrong length (a programming error, not a data error).
    pub fn sketch_into(&mut self, text: &str, row: &mut [u32]) -> u32 {
        self.shingles.clear();
        self.shingler.shingle_into(text, &mut self.shingles);
        self.sign_shingles(row)
    }

    /// [`sketch_into`](Sketcher::sketch_into) with the shingler's
    /// [limit](Shingler::with_max_text_bytes) on the normalised text: a longer text is an error
    /// of kind [`RecordTooLarge`](crate::ErrorKind::RecordTooLarge) and `row` is left as it was.
    ///
    /// # Panics
    /// If `row` has the wrong length (a programming error, not a data error).
    pub fn try_sketch_into(&mut self, text: &str, row: &mut [u32]) -> Result<u32> {
        self.shingles.clear();
        self.shingler.try_shingle_into(text, &mut self.shingles)?;
        Ok(self.sign_shingles(row))
    }

    /// This sketcher with a [limit](Shingler::with_max_text_bytes) on each normalised text, for
    /// [`try_sketch_into`](Sketcher::try_sketch_into).
    pub fn with_max_text_bytes(mut self, limit: Option<usize>) -> Sketcher {
        self.shingler = self.shingler.with_max_text_bytes(limit);
        self
    }

    /// The shingler's [`watched`](Shingler::watched) mask of the last text.
    pub(crate) fn watched(&self) -> u64 {
        self.shingler.watched()
    }

    /// Signs the shingles in `self.shingles` into `row` and returns the set size.
    fn sign_shingles(&mut self, row: &mut [u32]) -> u32 {
        self.hasher.sign_into(&self.shingles, row);
        let distinct = if self.shingles.len() > KEEP_CAPACITY {
            // A huge text: counted by sorting the shingles in place (they are signed already)
            // rather than with bitmaps of 8 more bytes a shingle; the same count.
            self.shingles.sort_unstable();
            self.shingles.dedup();
            let n = self.shingles.len();
            self.shingles = Vec::new();
            n
        } else {
            self.distinct.count(&self.shingles)
        };
        u32::try_from(distinct).unwrap_or(u32::MAX)
    }

    /// The sketch of `text`.
    pub fn sketch(&mut self, text: &str) -> Sketch {
        let mut row = vec![0u32; self.num_perm()];
        let set_size = self.sketch_into(text, &mut row);
        Sketch { signature: Signature::from_slots(row), set_size }
    }

    /// The sketches of a batch of texts, as a [`SignatureMatrix`] (one row per text).
    pub fn sketch_batch<'t>(&mut self, texts: impl IntoIterator<Item = &'t str>) -> SignatureMatrix {
        let k = self.num_perm();
        let (mut values, mut set_sizes) = (Vec::new(), Vec::new());
        for text in texts {
            let start = values.len();
            values.resize(start + k, 0);
            set_sizes.push(self.sketch_into(text, &mut values[start..]));
        }
        SignatureMatrix::from_raw(k, values, set_sizes)
    }

    /// [`sketch_batch`](Sketcher::sketch_batch) in parallel on rayon's current pool: each worker
    /// clones this sketcher once. The result does not depend on the number of threads.
    #[cfg(feature = "parallel")]
    pub fn par_sketch_batch<T: AsRef<str> + Sync>(&self, texts: &[T]) -> SignatureMatrix {
        use rayon::prelude::*;
        let k = self.num_perm();
        let mut values = vec![0u32; k * texts.len()];
        let set_sizes = values
            .par_chunks_mut(k)
            .zip(texts.par_iter())
            .map_init(|| self.clone(), |s, (row, text)| s.sketch_into(text.as_ref(), row))
            .collect();
        SignatureMatrix::from_raw(k, values, set_sizes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_agrees_with_one_at_a_time() {
        let texts = ["one two three four five six", "", "seven", "one two three four five six seven"];
        let mut s = Sketcher::new(ShingleConfig::default(), MinHashConfig::default());
        let m = s.sketch_batch(texts);
        for (i, t) in texts.iter().enumerate() {
            let one = s.sketch(t);
            assert_eq!(m.row(i), one.signature.as_slice());
            assert_eq!(m.set_size(i), one.set_size);
        }
        assert_eq!(m.set_sizes(), [2, 0, 1, 3]);
        #[cfg(feature = "parallel")]
        assert_eq!(s.par_sketch_batch(&texts), m);
    }
}
