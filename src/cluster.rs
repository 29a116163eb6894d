//! Clustering: verified edges in, cluster ids and representatives out.
//!
//! [`Clustering::from_edges`] links the documents of each edge with a [`UnionFind`] (path halving,
//! union by size), then numbers the clusters `0, 1, 2, ...` in the order of each cluster's first
//! document and picks each cluster's representative by a [`Representative`] policy (ties go to
//! the first in input order). The result depends only on the set of edges and the input order,
//! never on the order of the edges or on thread count.
//!
//! ```
//! use neardupe::cluster::GuardedUnion;
//! use neardupe::{Clustering, DocId, Edge, Representative};
//!
//! // Five documents: 1 and 4 are copies of 3.
//! let edges = [Edge::new(DocId(3), DocId(1)), Edge::new(DocId(4), DocId(3))];
//! let lengths = [120, 250, 80, 300, 90]; // text bytes, read by `Representative::Longest`
//! let c = Clustering::from_edges(5, &edges, Representative::First, &lengths);
//! assert_eq!(c.clusters(), [0, 1, 2, 1, 1]); // numbered by first document
//! assert_eq!(c.representatives(), [DocId(0), DocId(1), DocId(2)]);
//! assert_eq!(c.members(1).collect::<Vec<_>>(), [DocId(1), DocId(3), DocId(4)]);
//! assert_eq!((c.num_clusters(), c.num_duplicates(), c.num_multi_clusters()), (3, 2, 1));
//! // The order of the edges does not matter.
//! let reversed = [edges[1], edges[0]];
//! assert_eq!(Clustering::from_edges(5, &reversed, Representative::First, &lengths), c);
//!
//! let longest = Clustering::from_edges(5, &edges, Representative::Longest, &lengths);
//! assert_eq!(longest.clusters(), c.clusters());
//! assert_eq!(longest.representative(1), DocId(3));
//! assert!(longest.is_representative(DocId(3)) && !longest.is_representative(DocId(1)));
//!
//! // A guarded union refuses a merge when the two clusters' cores are not similar.
//! let mut guarded = GuardedUnion::new(3, None);
//! let rank = |d: u32| [250, 300, 90][d as usize]; // the core is the member with the most shingles
//! assert!(guarded.link(0, 1, None, rank, |_, _| true));
//! assert_eq!(guarded.core(0), 1);
//! assert!(!guarded.link(1, 2, None, rank, |core_a, core_b| (core_a, core_b) != (1, 2)));
//! assert_eq!(guarded.guard_refusals, 1);
//! let mut sets = guarded.into_union_find();
//! let c = Clustering::from_union_find(&mut sets, Representative::First, &[]);
//! assert_eq!(c.clusters(), [0, 0, 1]);
//! ```
//!
//! Plain union-find is single linkage: A ~ B and B ~ C put A and C together even when A and C
//! share nothing. A [`GuardedUnion`] keeps each cluster's *core* (the member with the highest
//! rank, ties to the lower index) and the earliest and latest day of its members, and refuses a
//! merge when the merged cluster would span more than a time window or when the caller's check of
//! the two cores says no ([`Guard::Representative`]). Its result depends on the order of the
//! edges, so [`link`](crate::link) feeds it edges best first, in a total order.
//! [`Clustering::from_union_find`] and [`Clustering::from_roots`] number the sets of any
//! union-find like [`Clustering::from_edges`] does.

use crate::DocId;
use crate::graph::{Edge, UnionFind};

/// How clusters may grow from verified edges.
///
/// Union-find alone is single linkage: A ~ B and B ~ C put A and C together even when A and C
/// share nothing (a short text quoted by two different stories, a template shared by two
/// reports). [`Guard::Representative`] also checks each merge against the clusters' cores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Guard {
    /// Every verified edge links its documents' clusters (single linkage).
    None,
    /// Two clusters merge only when their cores, the members with the most shingles, are
    /// similar too (by the signature estimate, up to its error), and when the members of the
    /// cluster whose core is replaced are each similar to the merged cluster's core: every
    /// member stays similar to its cluster's core, so a cluster cannot drift away from itself
    /// through a chain of small edits. Edges are taken best first. The default.
    #[default]
    Representative,
}

crate::names::option_names! {
    Guard, "chaining guard" {
        None => "none",
        Representative => "representative",
    }
    aliases { "off" => None, "core" => Representative }
}

/// Union-find that refuses some merges: by a check on the two clusters' cores (see
/// [`Guard::Representative`]) and by a time window on the clusters' date spans.
///
/// Each set keeps its core (the member with the highest `rank`, ties to the lower index), its
/// members (a circular list, spliced in O(1) on a merge) and the earliest and latest day of its
/// members. A merge must keep every member similar to the merged cluster's core: the members of
/// the side whose core is replaced are checked against the new core (at most
/// [`DRIFT_CHECKS`] of them per merge, so that a pathological edge order costs at most that many
/// checks per edge). This bounds the drift within a cluster: a chain of documents that each
/// differ a little from the previous one cannot grow a cluster whose members share nothing with
/// its core. Feed it edges best first.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct GuardedUnion {
    uf: UnionFind,
    core: Vec<u32>,
    /// The next member of the same set (a circular list per set).
    next: Vec<u32>,
    drift_checks: usize,
    first_day: Vec<i32>,
    last_day: Vec<i32>,
    /// Edges refused because the merged cluster would span more than the window.
    pub window_refusals: u64,
    /// Edges refused because the cores were not similar, or because a member of one side was
    /// not similar to the merged cluster's core.
    pub guard_refusals: u64,
}

/// The most members of one side a [`GuardedUnion`] merge checks against the merged cluster's
/// new core (the members first in its list, the side's old core excluded). Clusters of real
/// corpora rarely lose a core with more members than this; beyond it, the rest are not checked.
pub const DRIFT_CHECKS: usize = 256;

impl GuardedUnion {
    /// `n` singletons; `days` (one per document) when a window applies.
    pub fn new(n: usize, days: Option<&[i32]>) -> GuardedUnion {
        let days: Vec<i32> = days.map_or_else(|| vec![0; n], <[i32]>::to_vec);
        GuardedUnion {
            uf: UnionFind::new(n),
            core: (0..n as u32).collect(),
            next: (0..n as u32).collect(),
            drift_checks: DRIFT_CHECKS,
            first_day: days.clone(),
            last_day: days,
            window_refusals: 0,
            guard_refusals: 0,
        }
    }

    /// Sets the most members checked per merge against the new core (default [`DRIFT_CHECKS`]);
    /// 0 checks only the cores, as when `similar` always agrees (no chaining guard).
    pub fn set_drift_checks(&mut self, limit: usize) {
        self.drift_checks = limit;
    }

    /// The core of `x`'s cluster.
    pub fn core(&mut self, x: u32) -> u32 {
        let r = self.uf.find(x);
        self.core[r as usize]
    }

    /// Links `x` and `y`'s clusters unless the merged cluster would span more than `window` days
    /// or `similar` says no: for the two cores (`similar(core_x, core_y)`), then for the members
    /// of the side whose core is replaced against the new core (`similar(member, new_core)`, up
    /// to [`DRIFT_CHECKS`] of them). It is asked only when the clusters differ and the window
    /// allows. `rank` orders documents for the choice of core. Returns whether they are now in
    /// one cluster.
    pub fn link(
        &mut self,
        x: u32,
        y: u32,
        window: Option<u32>,
        rank: impl Fn(u32) -> u64,
        mut similar: impl FnMut(u32, u32) -> bool,
    ) -> bool {
        let (rx, ry) = (self.uf.find(x), self.uf.find(y));
        if rx == ry {
            return true;
        }
        let (rx, ry) = (rx as usize, ry as usize);
        let first = self.first_day[rx].min(self.first_day[ry]);
        let last = self.last_day[rx].max(self.last_day[ry]);
        if let Some(w) = window
            && i64::from(last) - i64::from(first) > i64::from(w)
        {
            self.window_refusals += 1;
            return false;
        }
        let (cx, cy) = (self.core[rx], self.core[ry]);
        if !similar(cx, cy) {
            self.guard_refusals += 1;
            return false;
        }
        let better =
            |a: u32, b: u32| if (rank(a), std::cmp::Reverse(a)) >= (rank(b), std::cmp::Reverse(b)) { a } else { b };
        let core = better(cx, cy);
        // The members of the side whose core is replaced were similar to that core; each must
        // be similar to the new one too (its own core was just checked).
        let loser = if core == cx { cy } else { cx };
        let mut member = self.next[loser as usize];
        let mut checked = 0;
        while member != loser && checked < self.drift_checks {
            if !similar(member, core) {
                self.guard_refusals += 1;
                return false;
            }
            member = self.next[member as usize];
            checked += 1;
        }
        // Splice the two circular member lists into one.
        self.next.swap(rx, ry);
        self.uf.union(rx as u32, ry as u32);
        let root = self.uf.find(rx as u32) as usize;
        self.core[root] = core;
        self.first_day[root] = first;
        self.last_day[root] = last;
        true
    }

    /// The union-find state, for [`Clustering::from_union_find`].
    pub fn into_union_find(self) -> UnionFind {
        self.uf
    }
}

/// Which member of a cluster represents it (is kept by `dedup`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Representative {
    /// The first member in input order.
    #[default]
    First,
    /// The longest member (in bytes of text); ties go to the first in input order.
    Longest,
}

crate::names::option_names! {
    Representative, "representative policy" {
        First => "first",
        Longest => "longest",
    }
}

/// Cluster assignments for documents `0..n`: a cluster id per document (numbered `0, 1, 2, ...`
/// in order of each cluster's first document) and a representative [`DocId`] per cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Clustering {
    cluster: Vec<u32>,
    #[cfg_attr(feature = "serde", serde(skip))]
    is_representative: Vec<bool>,
    representatives: Vec<DocId>,
    #[cfg_attr(feature = "serde", serde(skip))]
    sizes: Vec<u32>,
}

impl Clustering {
    /// Clusters `n` documents linked by `edges`; `lengths` (text bytes per document) is only read
    /// by [`Representative::Longest`].
    pub fn from_edges(n: usize, edges: &[Edge], policy: Representative, lengths: &[u64]) -> Clustering {
        let mut uf = UnionFind::new(n);
        for e in edges {
            uf.union(e.a.0, e.b.0);
        }
        Clustering::from_union_find(&mut uf, policy, lengths)
    }

    /// Numbers the sets of `uf` in order of their first member and picks representatives.
    pub fn from_union_find(uf: &mut UnionFind, policy: Representative, lengths: &[u64]) -> Clustering {
        Clustering::from_roots(uf.len(), |d| uf.find(d), policy, lengths)
    }

    /// Clusters `n` documents given a root for each (documents with equal roots form a cluster;
    /// roots are below `n`), numbered in order of their first member.
    pub fn from_roots(
        n: usize,
        mut root_of: impl FnMut(u32) -> u32,
        policy: Representative,
        lengths: &[u64],
    ) -> Clustering {
        let mut id_of_root = vec![u32::MAX; n];
        let mut cluster = Vec::with_capacity(n);
        let mut best: Vec<u32> = Vec::new(); // per cluster: the representative's document
        let mut sizes: Vec<u32> = Vec::new();
        for doc in 0..n as u32 {
            let root = root_of(doc) as usize;
            let id = if id_of_root[root] == u32::MAX {
                let id = best.len() as u32;
                id_of_root[root] = id;
                best.push(doc);
                sizes.push(0);
                id
            } else {
                id_of_root[root]
            };
            sizes[id as usize] += 1;
            if policy == Representative::Longest {
                let cur = best[id as usize] as usize;
                let len = |d: usize| lengths.get(d).copied().unwrap_or(0);
                if len(doc as usize) > len(cur) {
                    best[id as usize] = doc;
                }
            }
            cluster.push(id);
        }
        let mut is_representative = vec![false; n];
        for &d in &best {
            is_representative[d as usize] = true;
        }
        let representatives = best.into_iter().map(DocId).collect();
        Clustering { cluster, is_representative, representatives, sizes }
    }

    /// Each cluster's representative document, by cluster id.
    pub fn representatives(&self) -> &[DocId] {
        &self.representatives
    }

    /// Cluster `c`'s representative document.
    pub fn representative(&self, c: u32) -> DocId {
        self.representatives[c as usize]
    }

    /// The documents of cluster `c`, in input order. One pass over all documents: to list every
    /// cluster, use [`groups`](Clustering::groups).
    pub fn members(&self, c: u32) -> impl Iterator<Item = DocId> + '_ {
        self.cluster.iter().enumerate().filter(move |&(_, &x)| x == c).map(|(d, _)| DocId(d as u32))
    }

    /// The documents of every cluster, by cluster id, each in input order (singletons included).
    pub fn groups(&self) -> Vec<Vec<DocId>> {
        let mut groups: Vec<Vec<DocId>> = self.sizes.iter().map(|&s| Vec::with_capacity(s as usize)).collect();
        for (d, &c) in self.cluster.iter().enumerate() {
            groups[c as usize].push(DocId(d as u32));
        }
        groups
    }

    /// The number of documents.
    pub fn len(&self) -> usize {
        self.cluster.len()
    }

    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.cluster.is_empty()
    }

    /// Document `doc`'s cluster id.
    pub fn cluster(&self, doc: DocId) -> u32 {
        self.cluster[doc.index()]
    }

    /// All cluster ids, one per document.
    pub fn clusters(&self) -> &[u32] {
        &self.cluster
    }

    /// Whether document `doc` represents its cluster (singletons represent themselves).
    pub fn is_representative(&self, doc: DocId) -> bool {
        self.is_representative[doc.index()]
    }

    /// The number of clusters, singletons included.
    pub fn num_clusters(&self) -> usize {
        self.sizes.len()
    }

    /// The size of cluster `c`.
    pub fn cluster_size(&self, c: u32) -> u32 {
        self.sizes[c as usize]
    }

    /// The number of documents that are not representatives (the ones `dedup` removes).
    pub fn num_duplicates(&self) -> usize {
        self.len() - self.num_clusters()
    }

    /// The number of clusters with two or more documents.
    pub fn num_multi_clusters(&self) -> usize {
        self.sizes.iter().filter(|&&s| s > 1).count()
    }

    /// The largest cluster sizes, descending, at most `k` of them.
    pub fn largest(&self, k: usize) -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> = self.sizes.iter().enumerate().map(|(c, &s)| (c as u32, s)).collect();
        v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        v.truncate(k);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    fn e(a: u32, b: u32) -> Edge {
        Edge::new(DocId(a), DocId(b))
    }

    /// The oracle: connected components by breadth-first search, numbered by first member.
    fn bfs_components(n: usize, edges: &[Edge]) -> Vec<u32> {
        let mut adj = vec![Vec::new(); n];
        for x in edges {
            adj[x.a.0 as usize].push(x.b.0 as usize);
            adj[x.b.0 as usize].push(x.a.0 as usize);
        }
        let mut comp = vec![u32::MAX; n];
        let mut next = 0;
        for s in 0..n {
            if comp[s] != u32::MAX {
                continue;
            }
            comp[s] = next;
            let mut q = VecDeque::from([s]);
            while let Some(v) = q.pop_front() {
                for &w in &adj[v] {
                    if comp[w] == u32::MAX {
                        comp[w] = next;
                        q.push_back(w);
                    }
                }
            }
            next += 1;
        }
        comp
    }

    proptest::proptest! {
        #[test]
        fn union_find_matches_bfs(n in 1usize..60, raw in proptest::collection::vec((0u32..60, 0u32..60), 0..120)) {
            let edges: Vec<Edge> = raw.into_iter().filter(|&(a, b)| (a as usize) < n && (b as usize) < n).map(|(a, b)| e(a, b)).collect();
            let c = Clustering::from_edges(n, &edges, Representative::First, &[]);
            proptest::prop_assert_eq!(c.clusters(), &bfs_components(n, &edges)[..]);
            let mut rev = edges.clone();
            rev.reverse();
            proptest::prop_assert_eq!(Clustering::from_edges(n, &rev, Representative::First, &[]), c);
        }
    }

    proptest::proptest! {
        /// Whatever the edges, every member of a guarded cluster is similar to its core (here
        /// "similar" is "at most `reach` apart on a line", documents ranked by a random size).
        #[test]
        fn every_member_is_similar_to_its_core(
            n in 2usize..80,
            reach in 1u32..6,
            sizes in proptest::collection::vec(0u64..5, 80),
            raw in proptest::collection::vec((0u32..80, 0u32..80), 0..200),
        ) {
            let similar = |a: u32, b: u32| a.abs_diff(b) <= reach;
            let mut union = GuardedUnion::new(n, None);
            for (a, b) in raw {
                let (a, b) = (a % n as u32, b % n as u32);
                if similar(a, b) {
                    union.link(a, b, None, |d| sizes[d as usize], similar);
                }
            }
            for d in 0..n as u32 {
                let core = union.core(d);
                proptest::prop_assert!(similar(d, core), "member {} is {} from its core {}", d, d.abs_diff(core), core);
            }
        }
    }

    /// A chain of documents each similar to the next only: unguarded, one cluster; guarded, no
    /// cluster reaches past its core's reach, and the refusals are counted.
    #[test]
    fn a_drifting_chain_is_cut_at_the_cores_reach() {
        let n = 100u32;
        let similar = |a: u32, b: u32| a.abs_diff(b) <= 3;
        let mut union = GuardedUnion::new(n as usize, None);
        for d in 1..n {
            union.link(d - 1, d, None, |_| 0, similar);
        }
        let mut sets = union.clone().into_union_find();
        let c = Clustering::from_union_find(&mut sets, Representative::First, &[]);
        assert!(c.num_clusters() >= (n as usize).div_ceil(4), "{} clusters", c.num_clusters());
        assert!(union.guard_refusals > 0);
        for d in 0..n {
            let core = union.core(d);
            assert!(similar(d, core), "{d} vs core {core}");
        }
        let mut plain = GuardedUnion::new(n as usize, None);
        plain.set_drift_checks(0);
        for d in 1..n {
            plain.link(d - 1, d, None, |_| 0, |_, _| true);
        }
        let mut sets = plain.into_union_find();
        assert_eq!(Clustering::from_union_find(&mut sets, Representative::First, &[]).num_clusters(), 1);
    }

    #[test]
    fn numbering_and_representatives() {
        let c = Clustering::from_edges(5, &[e(1, 4), e(3, 4)], Representative::First, &[]);
        assert_eq!(c.clusters(), &[0, 1, 2, 1, 1]);
        assert_eq!(c.num_clusters(), 3);
        assert_eq!(c.num_duplicates(), 2);
        let rep = |d| c.is_representative(DocId(d));
        assert!(rep(1) && !rep(3) && !rep(4));
        assert_eq!(c.representatives(), &[DocId(0), DocId(1), DocId(2)]);
        assert_eq!(c.members(1).collect::<Vec<_>>(), vec![DocId(1), DocId(3), DocId(4)]);
        assert_eq!(c.groups(), vec![vec![DocId(0)], vec![DocId(1), DocId(3), DocId(4)], vec![DocId(2)]]);
        let c = Clustering::from_edges(5, &[e(1, 4), e(3, 4)], Representative::Longest, &[5, 1, 2, 9, 9]);
        let rep = |d| c.is_representative(DocId(d));
        assert!(rep(3) && !rep(1) && !rep(4));
        assert_eq!(c.representative(1), DocId(3));
        assert_eq!(c.largest(1), vec![(1, 3)]);
        assert_eq!(c.num_multi_clusters(), 1);
    }
}
