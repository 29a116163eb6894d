//! An index's stored parameters and filter: [`IndexParams`] to and from a [`Config`], and the
//! boilerplate filter file.

use std::path::Path;

use crate::boilerplate::ShingleFilter;
use crate::cluster::{Guard, Representative};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::format::index::IndexParams;
use crate::format::{self, FileKind, Fingerprint};
use crate::minhash::Algorithm;
use crate::verify::{Similarity, Verify};

use super::{corrupt, store};

pub(crate) fn read_filter(dir: &Path, name: &str, config: &Config) -> Result<(ShingleFilter, u64)> {
    let path = store::path(dir, name);
    let bytes = std::fs::read(&path)
        .map_err(|e| store::listed(Error::io(&path, "cannot read the index's filter", e), &path))?;
    let (header, payload) = format::parse(&bytes, FileKind::Filter).map_err(|e| e.with_path(&path))?;
    if payload.len() % 8 != 0 {
        return Err(corrupt("filter payload is not a whole number of hashes").with_path(&path));
    }
    let hashes: Vec<u64> =
        payload.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect();
    let filter = ShingleFilter::from_frequent(hashes);
    header.fingerprint.ensure_same(&Fingerprint::of(config, Some(&filter))).map_err(|e| e.with_path(&path))?;
    Ok((filter, bytes.len() as u64))
}

/// The parameters that differ between `ours` and `theirs`, as `name: ours vs theirs`.
pub(crate) fn differences(ours: &IndexParams, theirs: &IndexParams) -> Vec<String> {
    let mut out = ours.signatures.differences(&theirs.signatures);
    let mut cmp = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name}: {a} vs {b}"));
        }
    };
    let ratio = |bits: u64| f64::from_bits(bits).to_string();
    cmp("min size ratio", ratio(ours.min_size_ratio_bits), ratio(theirs.min_size_ratio_bits));
    cmp("verify", ours.verify.clone(), theirs.verify.clone());
    cmp("guard", ours.guard.clone(), theirs.guard.clone());
    let window = |w: Option<u32>| w.map_or("none".to_string(), |d| format!("{d} days"));
    cmp("window", window(ours.window), window(theirs.window));
    cmp("representative", ours.representative.clone(), theirs.representative.clone());
    let learnt = |b: Option<(u64, u32, u64)>| {
        b.map_or("off".to_string(), |(df, n, sample)| {
            format!("max_df {} min_docs {n} sample {sample}", f64::from_bits(df))
        })
    };
    cmp("boilerplate", learnt(ours.boilerplate), learnt(theirs.boilerplate));
    out
}

/// The stored parameters of `config` (its `hybrid` verification as `estimate`).
pub(crate) fn params_of(config: &Config) -> Result<IndexParams> {
    let verify = match config.verify() {
        Verify::None => "none",
        Verify::Estimate | Verify::Hybrid => "estimate",
        Verify::Exact => {
            return Err(Error::config("an index keeps signatures, not texts: it verifies by the estimate")
                .with_hint("set `verify` to estimate or hybrid"));
        }
    };
    Ok(IndexParams {
        signatures: Fingerprint::of(config, None),
        min_size_ratio_bits: config.min_size_ratio().to_bits(),
        verify: verify.to_string(),
        guard: config.guard().as_str().to_string(),
        window: config.window(),
        representative: config.representative().as_str().to_string(),
        boilerplate: config.boilerplate().map(|b| (b.max_df().to_bits(), b.min_docs(), b.sample() as u64)),
    })
}

/// The configuration stored parameters describe (without boilerplate learning: the filter is
/// the index's).
pub(crate) fn config_of(params: &IndexParams) -> Result<Config> {
    let p = &params.signatures;
    let builder = Config::builder();
    let builder = match p.shingle_unit.as_str() {
        "words" => builder.word_ngrams(p.shingle_size as usize),
        "chars" => builder.char_ngrams(p.shingle_size as usize),
        other => return Err(corrupt(format!("manifest: unknown shingle unit {other:?}"))),
    };
    let bad = |e: Error| corrupt(format!("manifest: {}", e.message()));
    builder
        .nfkc(p.nfkc)
        .algorithm(p.algorithm.parse::<Algorithm>().map_err(bad)?)
        .num_perm(p.num_perm as usize)
        .seed(p.seed)
        .bands_rows(p.bands as usize, p.rows as usize)
        .similarity(p.similarity.parse::<Similarity>().map_err(bad)?)
        .threshold(f64::from_bits(p.threshold_bits))
        .min_shingles(p.min_shingles)
        .min_size_ratio(f64::from_bits(params.min_size_ratio_bits))
        .verify(params.verify.parse::<Verify>().map_err(bad)?)
        .guard(params.guard.parse::<Guard>().map_err(bad)?)
        .window_days(params.window)
        .representative(params.representative.parse::<Representative>().map_err(bad)?)
        .boilerplate(None)
        .build()
        .map_err(bad)
}
