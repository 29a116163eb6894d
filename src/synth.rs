//! Synthetic syndicated-news corpora with ground truth (placeholder; filled in below).
