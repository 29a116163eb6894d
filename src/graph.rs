//! The graph of documents: [`Edge`]s between two [`DocId`]s, and [`UnionFind`] over them. A leaf
//! module shared by the stages that produce edges ([`lsh`](crate::lsh), [`verify`](crate::verify))
//! and those that join them ([`cluster`](crate::cluster), [`link`](crate::link)).
//!
//! ```
//! use neardupe::{DocId, Edge, UnionFind};
//!
//! let e = Edge::new(DocId(7), DocId(2));
//! assert_eq!((e.a, e.b), (DocId(2), DocId(7))); // stored smaller first
//! let mut sets = UnionFind::new(8);
//! sets.union(e.a.0, e.b.0);
//! assert_eq!(sets.find(7), sets.find(2));
//! assert_eq!(sets.set_size(2), 2);
//! ```

use crate::DocId;

/// An undirected edge between two documents, stored with `a < b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Edge {
    /// The smaller document id.
    pub a: DocId,
    /// The larger document id.
    pub b: DocId,
}

impl Edge {
    /// The edge between `x` and `y`, in either order.
    pub fn new(x: DocId, y: DocId) -> Edge {
        if x <= y { Edge { a: x, b: y } } else { Edge { a: y, b: x } }
    }
}

/// A disjoint-set forest over `0..n` with path halving and union by size.
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> UnionFind {
        UnionFind { parent: (0..n as u32).collect(), size: vec![1; n] }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The root of `x`'s set, halving the path on the way.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Merges the sets of `x` and `y`; returns whether they were apart.
    pub fn union(&mut self, x: u32, y: u32) -> bool {
        let (mut rx, mut ry) = (self.find(x), self.find(y));
        if rx == ry {
            return false;
        }
        if self.size[rx as usize] < self.size[ry as usize] {
            std::mem::swap(&mut rx, &mut ry);
        }
        self.parent[ry as usize] = rx;
        self.size[rx as usize] += self.size[ry as usize];
        true
    }

    /// The size of `x`'s set.
    pub fn set_size(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size[r as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_by_size_and_find() {
        let mut uf = UnionFind::new(4);
        assert!(uf.union(0, 1));
        assert!(!uf.union(1, 0));
        assert!(uf.union(2, 1));
        assert_eq!(uf.set_size(2), 3);
        assert_eq!(uf.find(2), uf.find(0));
        assert_ne!(uf.find(3), uf.find(0));
    }
}
