//! Locality-sensitive hashing by banding: signatures in, candidate pairs out.
//!
//! A signature of `bands * rows` slots is cut into `bands` bands of `rows` slots; each band is
//! hashed with xxh3 (seeded by the band's index) to a 64-bit *band key*. Documents that share a
//! key in the same band form a *bucket*, and the members of a bucket become candidate pairs. Two
//! documents with Jaccard `s` share a band with probability `1 - (1 - s^rows)^bands` (the S-curve,
//! [`collision_probability`]).
//!
//! ```
//! use neardupe::lsh::{self, LshParams};
//! use neardupe::{DocId, Edge, MinHashConfig, MinHasher};
//!
//! // Three shingle sets: 1 is a near-copy of 0 (Jaccard 95 / 105), 2 is another text.
//! let a: Vec<u64> = (0..100).collect();
//! let b: Vec<u64> = (0..95).chain(1000..1005).collect();
//! let c: Vec<u64> = (5000..5080).collect();
//! let hasher = MinHasher::new(MinHashConfig::default());
//! let signatures = hasher.sign_batch([&a[..], &b[..], &c[..]]);
//!
//! // The most rows per band that still catch a pair at Jaccard 0.8 with probability 0.99.
//! let params = LshParams::for_recall(0.8, hasher.num_perm(), 0.99, 2)?;
//! assert_eq!((params.bands(), params.rows()), (21, 6));
//! assert!(params.probability(0.8) >= 0.99 && params.probability(0.2) < 0.01);
//!
//! let near_copy = vec![Edge::new(DocId(0), DocId(1))];
//! // In process, band by band:
//! assert_eq!(lsh::band_edges(&signatures, &params), near_copy);
//! // The record form: one (band, key, doc) record per document and band, sorted as a whole.
//! let mut records = lsh::band_records(&signatures, &params, 0);
//! assert_eq!(records.len(), 3 * params.bands());
//! assert_eq!(lsh::candidate_edges(&mut records), near_copy);
//! # Ok::<(), neardupe::Error>(())
//! ```
//!
//! [`LshParams::for_recall`] picks the banding of verified runs (a missed pair is lost, a chance
//! candidate only costs a check); [`LshParams::optimal`] minimises weighted false-positive and
//! false-negative areas under the S-curve (for runs without verification); [`LshParams::new`]
//! takes a banding as given. Slots past `bands * rows` are used for verification only.
//!
//! # Buckets
//!
//! A bucket's members are taken in document order. Each of its first [`PAIRWISE_BUCKET`] (24)
//! members is paired with every member before it, so every pair of a small bucket is a
//! candidate; each later member is paired with the bucket's first member and with the member just
//! before it. A bucket of `m > 24` members thus gives `276 + 2 (m - 24)` edges, not
//! `m (m - 1) / 2`: a large bucket is mostly chance collisions (documents that share a common
//! phrase), and its true pairs collide in other bands too. The rule only looks at a member and the
//! members before it, so documents appended to a bucket add edges and never remove one: an
//! [`Index`](crate::index::Index) that grows batch by batch applies it ([`push_member_edges`]) to
//! stored and new members and finds exactly the edges of one run over all its documents.
//! Documents whose shingle set is empty are in no bucket.
//!
//! ```
//! use neardupe::lsh::{LshParams, PAIRWISE_BUCKET, band_edges};
//! use neardupe::{DocId, Edge, SignatureMatrix};
//!
//! // 30 documents with equal signatures: one bucket of 30 in each of the 2 bands.
//! let signatures = SignatureMatrix::from_parts(4, vec![7; 4 * 30], vec![10; 30])?;
//! let edges = band_edges(&signatures, &LshParams::new(2, 2, 4)?);
//! assert_eq!(PAIRWISE_BUCKET, 24);
//! assert_eq!(edges.len(), 24 * 23 / 2 + 2 * (30 - 24));
//! let edge = |a, b| Edge::new(DocId(a), DocId(b));
//! assert!(edges.contains(&edge(0, 29)) && edges.contains(&edge(28, 29)));
//! assert!(!edges.contains(&edge(1, 29)));
//! # Ok::<(), neardupe::Error>(())
//! ```
//!
//! # Two ways to the same edges
//!
//! Both give the candidate edges sorted, without repeats, each with `a < b`, and neither keeps a
//! hash table of buckets: a bucket is a run of equal keys after a sort.
//!
//! * [`band_edges`] (in process) takes one band at a time: each document's `(key, doc)` pair is
//!   packed into a `u128` (`key << 32 | doc`) and the band's pairs are sorted, so that each bucket
//!   is a run ordered by document. It holds one band's pairs (16 bytes per document) at a time;
//!   `par_band_edges` (feature `parallel`) runs the bands in parallel.
//! * [`band_records`] and [`candidate_edges`] (the record form) make one [`BandRecord`]
//!   `(band, key, doc)` per document and band and sort all `bands * docs` of them together: the
//!   shape of a distributed engine's shuffle by band and key (`first_id` numbers a batch's
//!   documents globally). `par_band_records` and `par_candidate_edges` (feature `parallel`) run
//!   in parallel.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::DocId;
use crate::error::{Error, Result};
use crate::graph::Edge;
use crate::minhash::{SignatureMatrix, SignatureRows};
use crate::spill::EdgeRuns;

/// A banding of signatures: `bands` bands of `rows` slots each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LshParams {
    bands: usize,
    rows: usize,
}

impl LshParams {
    /// `bands` bands of `rows` rows, for signatures of `num_perm` slots (`bands * rows <= num_perm`;
    /// the slots past `bands * rows` are used for verification only).
    pub fn new(bands: usize, rows: usize, num_perm: usize) -> Result<LshParams> {
        if bands == 0 || rows == 0 {
            return Err(Error::config("bands and rows must both be at least 1").with_hint("`bands_rows`"));
        }
        if bands > u16::MAX as usize {
            return Err(Error::config(format!("at most {} bands are supported, got {bands}", u16::MAX))
                .with_hint("`bands_rows`"));
        }
        if bands.saturating_mul(rows) > num_perm {
            return Err(Error::config(format!(
                "bands * rows = {bands} * {rows} = {} exceeds num_perm {num_perm}",
                bands * rows
            ))
            .with_hint("`bands_rows`, `num_perm`"));
        }
        Ok(LshParams { bands, rows })
    }

    /// The banding that minimises `fp_weight * FP + fn_weight * FN` for `threshold`, where FP is the
    /// area under the S-curve below the threshold (pairs that collide but should not) and FN the
    /// area above the S-curve from the threshold to 1 (pairs that should collide but do not).
    pub fn optimal(threshold: f64, num_perm: usize, fp_weight: f64, fn_weight: f64) -> Result<LshParams> {
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(Error::config(format!("threshold must be in (0, 1), got {threshold}")));
        }
        if num_perm == 0 {
            return Err(Error::config("num_perm must be at least 1"));
        }
        let mut best: Option<(f64, LshParams)> = None;
        for bands in 1..=num_perm.min(u16::MAX as usize) {
            let max_rows = num_perm / bands;
            for rows in 1..=max_rows {
                let fp = integrate(|s| collision_probability(s, bands, rows), 0.0, threshold);
                let fneg = integrate(|s| 1.0 - collision_probability(s, bands, rows), threshold, 1.0);
                let err = fp_weight * fp + fn_weight * fneg;
                if best.is_none_or(|(e, _)| err < e) {
                    best = Some((err, LshParams { bands, rows }));
                }
            }
        }
        best.map(|(_, p)| p).ok_or_else(|| Error::config("no banding fits"))
    }

    /// The banding with the most rows per band (the fewest chance collisions) that still makes a
    /// pair at Jaccard `target` collide in some band with probability at least `recall`, and at
    /// least `min_rows` rows (when no banding reaches the recall: `min_rows` rows, as many bands
    /// as fit). The banding for verified candidates, where a missed pair is lost but a false
    /// candidate only costs a check.
    ///
    /// One-row bands make every shared sampled shingle a candidate pair: on a corpus with many
    /// phrases shared by hundreds of documents that is tens of millions of candidates (66 M
    /// against 0.9 M with two rows on the 1 GiB benchmark corpus), so the pipeline asks for two.
    pub fn for_recall(target: f64, num_perm: usize, recall: f64, min_rows: usize) -> Result<LshParams> {
        if !(target > 0.0 && target < 1.0) {
            return Err(Error::config(format!("LSH target similarity must be in (0, 1), got {target}")));
        }
        if !(recall > 0.0 && recall < 1.0) {
            return Err(Error::config(format!("LSH recall must be in (0, 1), got {recall}")));
        }
        if num_perm == 0 {
            return Err(Error::config("num_perm must be at least 1"));
        }
        let min_rows = min_rows.clamp(1, num_perm);
        let banding = |rows: usize| LshParams { bands: (num_perm / rows).min(u16::MAX as usize), rows };
        let best = (min_rows..=num_perm).rev().map(banding).find(|p| p.probability(target) >= recall);
        Ok(best.unwrap_or_else(|| banding(min_rows)))
    }

    /// The number of bands.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// The number of rows (slots) per band.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The probability that a pair with Jaccard `s` becomes a candidate.
    pub fn probability(&self, s: f64) -> f64 {
        collision_probability(s, self.bands, self.rows)
    }

    /// The key of band `band` of `signature` (as [`band_keys`](Self::band_keys) gives it).
    pub fn band_key(&self, band: usize, signature: &[u32]) -> u64 {
        band_key(band, &signature[band * self.rows..(band + 1) * self.rows])
    }

    /// The band keys of one signature, one per band.
    pub fn band_keys<'a>(&self, signature: &'a [u32]) -> impl Iterator<Item = u64> + 'a {
        let rows = self.rows;
        signature.chunks_exact(rows).take(self.bands).enumerate().map(move |(band, slots)| band_key(band, slots))
    }
}

/// `1 - (1 - s^rows)^bands`: the chance that two documents with Jaccard `s` share a band.
pub fn collision_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

/// Simpson's rule over `[a, b]` with 200 intervals (the integrands are smooth).
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const N: usize = 200;
    let h = (b - a) / N as f64;
    let mut sum = f(a) + f(b);
    for i in 1..N {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * f(a + i as f64 * h);
    }
    sum * h / 3.0
}

/// The xxh3 key of one band's slots, seeded by the band index.
#[inline]
fn band_key(band: usize, slots: &[u32]) -> u64 {
    let mut buf = [0u8; 4 * 64];
    if slots.len() <= 64 {
        for (chunk, v) in buf.chunks_exact_mut(4).zip(slots) {
            chunk.copy_from_slice(&v.to_le_bytes());
        }
        xxh3_64_with_seed(&buf[..4 * slots.len()], band as u64)
    } else {
        let bytes: Vec<u8> = slots.iter().flat_map(|v| v.to_le_bytes()).collect();
        xxh3_64_with_seed(&bytes, band as u64)
    }
}

/// One document's key in one band. Sorting records groups each bucket into a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct BandRecord {
    /// The band index.
    pub band: u16,
    /// The xxh3 hash of the band's slots.
    pub key: u64,
    /// The document.
    pub doc: DocId,
}

impl BandRecord {
    /// The record of `doc` in `band` with `key` (for records that come back from a shuffle).
    pub fn new(band: u16, key: u64, doc: DocId) -> BandRecord {
        BandRecord { band, key, doc }
    }
}

/// The band records of every document in `signatures` whose set is not empty; document `i` of the
/// matrix gets id `first_id + i` (so batches can be numbered globally).
pub fn band_records(signatures: &SignatureMatrix, params: &LshParams, first_id: u32) -> Vec<BandRecord> {
    let mut out = Vec::with_capacity(signatures.len() * params.bands);
    for (i, row) in signatures.rows().enumerate() {
        push_records(signatures.set_size(i), row, params, DocId(first_id + i as u32), &mut out);
    }
    out
}

fn push_records(set_size: u32, row: &[u32], params: &LshParams, doc: DocId, out: &mut Vec<BandRecord>) {
    if set_size == 0 {
        return;
    }
    out.extend(params.band_keys(row).enumerate().map(|(band, key)| BandRecord { band: band as u16, key, doc }));
}

/// Parallel [`band_records`].
#[cfg(feature = "parallel")]
pub fn par_band_records(signatures: &SignatureMatrix, params: &LshParams, first_id: u32) -> Vec<BandRecord> {
    use rayon::prelude::*;
    let mut out: Vec<BandRecord> = Vec::with_capacity(signatures.len() * params.bands);
    signatures
        .values()
        .par_chunks(signatures.num_perm())
        .enumerate()
        .fold(Vec::new, |mut acc, (i, row)| {
            push_records(signatures.set_size(i), row, params, DocId(first_id + i as u32), &mut acc);
            acc
        })
        .collect::<Vec<_>>()
        .into_iter()
        .for_each(|chunk| out.extend_from_slice(&chunk));
    out
}

/// Sorts `records` and emits each bucket's edges (see [`PAIRWISE_BUCKET`]). The edges come back
/// sorted and without repeats; each has `a < b`.
pub fn candidate_edges(records: &mut [BandRecord]) -> Vec<Edge> {
    records.sort_unstable();
    let mut edges = bucket_edges(records);
    edges.sort_unstable();
    edges.dedup();
    edges
}

/// Parallel [`candidate_edges`]: the same edges, sorted in parallel.
#[cfg(feature = "parallel")]
pub fn par_candidate_edges(records: &mut [BandRecord]) -> Vec<Edge> {
    use rayon::prelude::*;
    records.par_sort_unstable();
    // Split at bucket boundaries so each chunk holds whole buckets.
    let chunk = (records.len() / (4 * rayon::current_num_threads()).max(1)).max(1 << 14);
    let mut bounds = vec![0];
    let mut at = chunk;
    while at < records.len() {
        let (band, key) = (records[at - 1].band, records[at - 1].key);
        while at < records.len() && records[at].band == band && records[at].key == key {
            at += 1;
        }
        bounds.push(at);
        at += chunk;
    }
    bounds.push(records.len());
    bounds.dedup();
    let mut edges: Vec<Edge> = bounds.par_windows(2).flat_map_iter(|w| bucket_edges(&records[w[0]..w[1]])).collect();
    edges.par_sort_unstable();
    edges.dedup();
    edges
}

/// The candidate edges of `signatures` (document `i` is `DocId(i)`): exactly the edges of
/// [`candidate_edges`] over [`band_records`], found band by band: one band's packed `(key, doc)`
/// pairs are sorted, so each bucket is a run of equal keys, and the bucket rule links its members.
/// Sorted, without repeats, each with `a < b`.
pub fn band_edges(signatures: &SignatureMatrix, params: &LshParams) -> Vec<Edge> {
    let mut table = BucketTable::default();
    let mut edges = Vec::new();
    for first in (0..params.bands).step_by(BANDS_AT_ONCE) {
        let bands = first..(first + BANDS_AT_ONCE).min(params.bands);
        let mut new: Vec<Edge> = bands.flat_map(|band| table.edges(signatures, params, band)).collect();
        new.sort_unstable();
        new.dedup();
        merge_unique(&mut edges, &new);
    }
    edges
}

/// Parallel [`band_edges`] (bands in parallel): the same edges.
#[cfg(feature = "parallel")]
pub fn par_band_edges(signatures: &SignatureMatrix, params: &LshParams) -> Vec<Edge> {
    let at_once = BANDS_AT_ONCE.max(rayon::current_num_threads());
    let mut edges = Vec::new();
    for first in (0..params.bands).step_by(at_once) {
        let new = par_group_edges(signatures, params, first..(first + at_once).min(params.bands)).unwrap_or_default();
        merge_unique(&mut edges, &new);
    }
    edges
}

/// The edges of the bands `bands`, sorted and without repeats, the bands in parallel.
#[cfg(feature = "parallel")]
fn par_group_edges<S: SignatureRows + ?Sized>(
    signatures: &S,
    params: &LshParams,
    bands: std::ops::Range<usize>,
) -> Result<Vec<Edge>> {
    use rayon::prelude::*;
    let parts: Vec<Vec<Edge>> = bands
        .into_par_iter()
        .map_init(BucketTable::default, |table, band| table.try_edges(signatures, params, band))
        .collect::<Result<_>>()?;
    let mut new = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        new.extend_from_slice(&part);
    }
    new.par_sort_unstable();
    new.dedup();
    Ok(new)
}

/// How the band stage of a run under a memory limit may use memory: see [`band_edges_within`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BandBudget {
    /// Bands whose `(key, doc)` tables are built at a time (each `16 × documents` bytes).
    pub bands_at_once: usize,
    /// The most unique edges kept in memory: past it they are written to `runs` as a sorted run.
    pub max_edges: usize,
}

/// [`band_edges`] of any [`SignatureRows`] within `budget`: the edges gathered in memory are
/// written to `runs` whenever there are more than `budget.max_edges` of them, and those still
/// in memory at the end are returned. The candidates are the merge of both
/// ([`EdgeRuns::merge`]): exactly [`band_edges`]' edges (the bands in parallel with the
/// `parallel` feature).
pub fn band_edges_within<S: SignatureRows + ?Sized>(
    signatures: &S,
    params: &LshParams,
    budget: BandBudget,
    runs: &mut EdgeRuns,
) -> Result<Vec<Edge>> {
    let at_once = budget.bands_at_once.max(1);
    let mut edges = Vec::new();
    #[cfg(not(feature = "parallel"))]
    let mut table = BucketTable::default();
    for first in (0..params.bands).step_by(at_once) {
        let bands = first..(first + at_once).min(params.bands);
        #[cfg(feature = "parallel")]
        let new = par_group_edges(signatures, params, bands)?;
        #[cfg(not(feature = "parallel"))]
        let new = {
            let mut new = Vec::new();
            for band in bands {
                new.extend(table.try_edges(signatures, params, band)?);
            }
            new.sort_unstable();
            new.dedup();
            new
        };
        if edges.len() + new.len() > budget.max_edges {
            runs.push_run(&edges)?;
            edges = Vec::new();
            if new.len() > budget.max_edges {
                runs.push_run(&new)?;
                continue;
            }
        }
        merge_unique(&mut edges, &new);
    }
    Ok(edges)
}

/// The bands whose edges are gathered, sorted and merged into the result at a time (at least one
/// per worker thread): a true pair collides in many bands (7.9 edges a candidate at the
/// defaults on the 1 GiB corpus), so gathering every band's edges before removing repeats took
/// several times the memory of the candidates themselves.
pub const BANDS_AT_ONCE: usize = 8;

/// Merges `new` (sorted, without repeats) into `edges` (the same), in place from the back: no
/// copy of `edges` is made.
fn merge_unique(edges: &mut Vec<Edge>, new: &[Edge]) {
    if new.is_empty() {
        return;
    }
    let (mut i, mut j) = (edges.len(), new.len());
    edges.resize(i + j, Edge::new(DocId(0), DocId(1)));
    let mut w = edges.len();
    while j > 0 {
        w -= 1;
        if i > 0 && edges[i - 1] > new[j - 1] {
            edges[w] = edges[i - 1];
            i -= 1;
        } else {
            edges[w] = new[j - 1];
            j -= 1;
        }
    }
    // The elements of both lists are next to each other now.
    edges.dedup();
}

/// One band's `(key, doc)` pairs, packed as `key << 32 | doc` so that sorting them groups each
/// bucket into a run ordered by document. Reused from band to band.
#[derive(Default)]
struct BucketTable {
    packed: Vec<u128>,
}

impl BucketTable {
    /// The candidate edges of one band's buckets.
    fn edges<S: SignatureRows + ?Sized>(&mut self, signatures: &S, params: &LshParams, band: usize) -> Vec<Edge> {
        self.try_edges(signatures, params, band).unwrap_or_default()
    }

    /// [`edges`](BucketTable::edges) of rows that may fail to read (held on disk).
    fn try_edges<S: SignatureRows + ?Sized>(
        &mut self,
        signatures: &S,
        params: &LshParams,
        band: usize,
    ) -> Result<Vec<Edge>> {
        let rows = params.rows;
        self.packed.clear();
        let packed = &mut self.packed;
        signatures.for_each_row(&mut |i, row| {
            if signatures.set_size(i) != 0 {
                let key = band_key(band, &row[band * rows..(band + 1) * rows]);
                packed.push((u128::from(key) << 32) | i as u128);
            }
        })?;
        self.packed.sort_unstable();
        let mut edges = Vec::new();
        let mut docs = Vec::new();
        for bucket in self.packed.chunk_by(|x, y| x >> 32 == y >> 32) {
            docs.clear();
            docs.extend(bucket.iter().map(|&p| DocId(p as u32)));
            push_bucket_edges(&docs, &mut edges);
        }
        Ok(edges)
    }
}

/// The first this many members of a bucket (in document order) get an edge to every earlier
/// member; each later member an edge to the first member and one to the member before it.
///
/// Every pair of a small bucket is checked, so an unrelated member (one that shares a common
/// phrase, say) cannot hide a true pair behind it. A large bucket is mostly such chance
/// collisions (every member would be checked against every other), and its true pairs collide
/// in other bands too: its members past the first `PAIRWISE_BUCKET` get two edges each.
///
/// The rule only looks at a member and the members before it, so appending documents with
/// higher ids to a bucket adds edges and never removes one: an index that grows batch by batch
/// ([`crate::index`]) finds exactly the edges of one run over all its documents.
pub const PAIRWISE_BUCKET: usize = 24;

/// The candidate edges of one bucket of distinct documents, in bucket order.
fn push_bucket_edges(docs: &[DocId], edges: &mut Vec<Edge>) {
    for (j, &d) in docs.iter().enumerate() {
        push_member_edges(&docs[..j.min(PAIRWISE_BUCKET)], docs[..j].last().copied(), j, d, edges);
    }
}

/// The edges of the member at position `position` of a bucket, `doc`: to each of `head` (the
/// bucket's first `min(position, PAIRWISE_BUCKET)` members) while the position is below
/// [`PAIRWISE_BUCKET`], else to the first member and to `previous` (the member at
/// `position - 1`).
pub fn push_member_edges(head: &[DocId], previous: Option<DocId>, position: usize, doc: DocId, edges: &mut Vec<Edge>) {
    if position < PAIRWISE_BUCKET {
        edges.extend(head.iter().map(|&a| Edge::new(a, doc)));
    } else {
        edges.extend(head.first().map(|&a| Edge::new(a, doc)));
        edges.extend(previous.map(|p| Edge::new(p, doc)));
    }
}

/// The edges of already sorted records, bucket by bucket (unsorted, possibly repeated).
fn bucket_edges(records: &[BandRecord]) -> Vec<Edge> {
    let mut edges = Vec::new();
    let mut docs = Vec::new();
    for bucket in records.chunk_by(|x, y| x.band == y.band && x.key == y.key) {
        docs.clear();
        docs.extend(bucket.iter().map(|r| r.doc));
        docs.dedup();
        push_bucket_edges(&docs, &mut edges);
    }
    edges
}

#[cfg(test)]
mod tests {

    /// Merging sorted lists without repeats in place gives their sorted union without repeats
    /// (against a `BTreeSet`), whatever their lengths and overlap.
    #[test]
    fn merge_unique_is_the_sorted_union() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for round in 0..200 {
            let span = 1 + round as u64 % 40;
            let list = |len: u64, next: &mut dyn FnMut(u64) -> u64| -> Vec<Edge> {
                let set: std::collections::BTreeSet<Edge> = (0..len)
                    .map(|_| Edge::new(DocId(next(span) as u32), DocId(span as u32 + next(span) as u32)))
                    .collect();
                set.into_iter().collect()
            };
            let (a_len, b_len) = (next(30), next(30));
            let a = list(a_len, &mut next);
            let b = list(b_len, &mut next);
            let want: Vec<Edge> =
                a.iter().chain(&b).copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            let mut got = a.clone();
            merge_unique(&mut got, &b);
            assert_eq!(got, want, "{a:?} + {b:?}");
        }
    }
    use super::*;

    #[test]
    fn optimal_banding_matches_known_values() {
        // datasketch's optimiser picks (b, r) = (9, 13) for t = 0.9, 128 perms with equal weights,
        // and (14, 9)-ish near 0.8; we check the S-curve midpoint sits near the threshold instead of
        // fixing exact values.
        for t in [0.5, 0.7, 0.8, 0.9] {
            let p = LshParams::optimal(t, 128, 0.5, 0.5).unwrap();
            assert!(p.bands() * p.rows() <= 128);
            let mid = (1.0 / p.bands() as f64).powf(1.0 / p.rows() as f64);
            assert!((mid - t).abs() < 0.12, "t={t} gives {p:?} with midpoint {mid}");
            assert!(p.probability(t + 0.1_f64.min(0.99 - t)) > 0.5);
        }
    }

    #[test]
    fn params_are_checked() {
        assert!(LshParams::new(0, 4, 128).is_err());
        assert!(LshParams::new(20, 8, 128).is_err());
        assert!(LshParams::new(16, 8, 128).is_ok());
        assert!(LshParams::optimal(1.0, 128, 0.5, 0.5).is_err());
        assert!(LshParams::optimal(0.0, 128, 0.5, 0.5).is_err());
    }

    #[test]
    fn recall_banding_has_the_most_rows_that_reach_the_recall() {
        let p = LshParams::for_recall(0.8, 128, 0.99, 1).unwrap();
        assert!(p.probability(0.8) >= 0.99);
        let more_rows = LshParams { bands: 128 / (p.rows() + 1), rows: p.rows() + 1 };
        assert!(more_rows.probability(0.8) < 0.99, "{p:?}");
        assert_eq!(LshParams::for_recall(0.05, 128, 0.999, 1).unwrap().rows(), 1);
        assert_eq!(LshParams::for_recall(0.05, 128, 0.999, 2).unwrap(), LshParams { bands: 64, rows: 2 });
        assert!(LshParams::for_recall(0.0, 128, 0.9, 1).is_err());
        assert!(LshParams::for_recall(0.5, 128, 1.0, 1).is_err());
    }

    #[test]
    fn the_first_members_of_a_bucket_pair_up_and_later_ones_link_to_the_first_and_previous() {
        let r = |band, key, doc| BandRecord { band, key, doc: DocId(doc) };
        let mut recs = vec![r(0, 5, 3), r(0, 5, 1), r(0, 5, 2), r(1, 5, 4), r(1, 9, 1), r(1, 9, 3)];
        let edges = candidate_edges(&mut recs);
        let got: Vec<(u32, u32)> = edges.iter().map(|e| (e.a.0, e.b.0)).collect();
        assert_eq!(got, vec![(1, 2), (1, 3), (2, 3)]);
        let n = PAIRWISE_BUCKET as u32 + 2;
        let mut big: Vec<BandRecord> = (0..n).map(|d| r(0, 7, d)).collect();
        let big_edges = candidate_edges(&mut big);
        let p = PAIRWISE_BUCKET;
        assert_eq!(big_edges.len(), p * (p - 1) / 2 + 2 * (n as usize - p));
        assert!(big_edges.contains(&Edge::new(DocId(0), DocId(n - 1))));
        assert!(big_edges.contains(&Edge::new(DocId(n - 2), DocId(n - 1))));
        #[cfg(feature = "parallel")]
        {
            let mut recs2 = recs.clone();
            assert_eq!(par_candidate_edges(&mut recs2), edges);
        }
    }
}
