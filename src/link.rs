//! Linking: verified edges into clusters, the last stage of the pipeline.
//!
//! Plain single linkage (union-find) when neither a chaining guard nor a time window applies;
//! otherwise a [`GuardedUnion`] fed the edges best first (most agreeing signature slots, ties by
//! edge), which refuses merges whose clusters' cores are not similar (or that would leave a member
//! not similar to the merged core) or whose dates would span more than the window. The result depends only on the *set* of edges, so edges found batch by
//! batch (an [`Index`](crate::index::Index)) or by a distributed shuffle give the clusters of one
//! run, and it is the union of its results on each connected component of the edge graph (a
//! merge only looks at the two clusters it joins).
//!
//! ```
//! use neardupe::{Config, Edge, DocId, MinHasher, SignatureMatrix};
//! use neardupe::link::link;
//!
//! let config = Config::builder().build()?;
//! let hasher = MinHasher::new(*config.minhash());
//! // Three documents: 0 and 1 share every shingle, 2 shares none.
//! let sets: [&[u64]; 3] = [&[1, 2, 3, 4], &[1, 2, 3, 4], &[7, 8, 9]];
//! let rows: SignatureMatrix = hasher.sign_batch(sets);
//! let edges = [Edge::new(DocId(0), DocId(1))];
//! let linked = link(&config, &edges, &rows, None, &[]);
//! assert_eq!(linked.clustering.cluster(DocId(0)), linked.clustering.cluster(DocId(1)));
//! assert_ne!(linked.clustering.cluster(DocId(0)), linked.clustering.cluster(DocId(2)));
//! assert_eq!(linked.guard_refusals, 0);
//! # Ok::<(), neardupe::Error>(())
//! ```

use crate::cluster::{Clustering, Guard, GuardedUnion};
use crate::config::Config;
use crate::graph::{Edge, UnionFind};
use crate::hash::agreeing_slots;
use crate::minhash::SignatureRows;
use crate::verify::{BORDERLINE_SE, Decision};

/// The clusters of a set of verified edges, and the merges that were refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Linked {
    /// Cluster ids and representatives.
    pub clustering: Clustering,
    /// Verified edges that did not merge their clusters because the chaining guard refused.
    pub guard_refusals: u64,
    /// Verified edges that did not merge their clusters because the merged cluster would span
    /// more than the time window.
    pub window_refusals: u64,
}

/// The union-find state of [`link`], before clusters are numbered, and the refused merges.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LinkedSets {
    /// Documents in one set are in one cluster.
    pub sets: UnionFind,
    /// As [`Linked::guard_refusals`].
    pub guard_refusals: u64,
    /// As [`Linked::window_refusals`].
    pub window_refusals: u64,
}

/// Stage: clusters from verified `edges` over the documents of `signatures` (their rows and set
/// sizes rank cores and decide the guard), with `days` (one per document) when `config` has a
/// window, and `lengths` (text bytes per document) when the representative policy is
/// [`Representative::Longest`](crate::Representative::Longest).
pub fn link<S: SignatureRows + ?Sized>(
    config: &Config,
    edges: &[Edge],
    signatures: &S,
    days: Option<&[i32]>,
    lengths: &[u64],
) -> Linked {
    let LinkedSets { mut sets, guard_refusals, window_refusals } = link_sets(config, edges, signatures, days);
    let clustering = Clustering::from_union_find(&mut sets, config.representative(), lengths);
    Linked { clustering, guard_refusals, window_refusals }
}

/// Stage: [`link`] up to the union-find state, before clusters are numbered: what an index needs
/// to re-link only the components a batch touches.
pub fn link_sets<S: SignatureRows + ?Sized>(
    config: &Config,
    edges: &[Edge],
    signatures: &S,
    days: Option<&[i32]>,
) -> LinkedSets {
    let n = signatures.len();
    if config.guard() == Guard::None && config.window().is_none() {
        let mut sets = UnionFind::new(n);
        for e in edges {
            sets.union(e.a.0, e.b.0);
        }
        return LinkedSets { sets, guard_refusals: 0, window_refusals: 0 };
    }
    let agree = |x: u32, y: u32| agreeing_slots(signatures.row(x as usize), signatures.row(y as usize));
    let mut order: Vec<(usize, Edge)> = edges.iter().map(|e| (agree(e.a.0, e.b.0), *e)).collect();
    order.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let criterion = config.criterion();
    let guard = config.guard();
    let window = config.window();
    let mut union = GuardedUnion::new(n, days);
    if guard == Guard::None {
        union.set_drift_checks(0);
    }
    for (_, e) in order {
        union.link(
            e.a.0,
            e.b.0,
            window,
            |d| u64::from(signatures.set_size(d as usize)),
            |x, y| match guard {
                Guard::None => true,
                Guard::Representative => {
                    let (sx, sy) = (signatures.set_size(x as usize), signatures.set_size(y as usize));
                    let k = signatures.num_perm();
                    criterion.decide(agree(x, y), k, sx, sy, BORDERLINE_SE) != Decision::Fail
                }
            },
        );
    }
    let (guard_refusals, window_refusals) = (union.guard_refusals, union.window_refusals);
    LinkedSets { sets: union.into_union_find(), guard_refusals, window_refusals }
}
