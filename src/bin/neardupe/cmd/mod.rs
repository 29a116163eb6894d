//! One module per command: each takes its parsed arguments and does the work.

pub(crate) mod cluster;
pub(crate) mod dedup;
pub(crate) mod eval;
pub(crate) mod explain;
pub(crate) mod index;
pub(crate) mod oracle;
pub(crate) mod synth;
