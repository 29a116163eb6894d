//! An index's stored parameters and filter: [`IndexParams`] to and from a [`Config`], and the
//! boilerplate filter file.

use std::path::Path;

use crate::boilerplate::ShingleFilter;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::format::index::{FilterEntry, IndexParams, Pin};
use crate::format::{self, FileKind, Fingerprint};
use crate::names::OptionName;
use crate::shingle::ShingleUnit;
use crate::verify::Verify;

use super::{corrupt, store};

/// Reads the filter file `entry` lists and verifies all of it: its pin (when `pinned`), its
/// payload's checksum and its fingerprint. Returns the filter, the file's size and its pin.
pub(crate) fn read_filter(
    dir: &Path,
    entry: &FilterEntry,
    config: &Config,
    pinned: bool,
) -> Result<(ShingleFilter, u64, Pin)> {
    let path = store::path(dir, &entry.file);
    let bytes = std::fs::read(&path)
        .map_err(|e| store::listed(Error::io(&path, "cannot read the index's filter", e), &path))?;
    let (header, payload) = format::parse_header(&bytes, FileKind::Filter).map_err(|e| e.with_path(&path))?;
    if pinned {
        store::check_pin(&path, &header, &entry.pin)?;
    }
    format::check_payload(&header, payload).map_err(|e| e.with_path(&path))?;
    if payload.len() % 8 != 0 {
        return Err(corrupt("filter payload is not a whole number of hashes").with_path(&path));
    }
    let hashes: Vec<u64> =
        payload.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect();
    let filter = ShingleFilter::from_frequent(hashes);
    header.fingerprint.ensure_same(&Fingerprint::of(config, Some(&filter))).map_err(|e| e.with_path(&path))?;
    Ok((filter, bytes.len() as u64, store::pin_of(&header)))
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
        Verify::None => Verify::None,
        Verify::Estimate | Verify::Hybrid => Verify::Estimate,
        Verify::Exact => {
            return Err(Error::config("an index keeps signatures, not texts: it verifies by the estimate")
                .with_hint("set `verify` to estimate or hybrid"));
        }
    };
    Ok(IndexParams {
        signatures: Fingerprint::of(config, None),
        min_size_ratio_bits: config.min_size_ratio().to_bits(),
        verify: verify.as_str().to_string(),
        guard: config.guard().as_str().to_string(),
        window: config.window(),
        representative: config.representative().as_str().to_string(),
        boilerplate: config.boilerplate().map(|b| (b.max_df().to_bits(), b.min_docs(), b.sample() as u64)),
    })
}

/// The value a stored name stands for: canonical names only, never the CLI's aliases (`off`,
/// `core`...), which are no part of the format.
fn stored<T: OptionName>(name: &str) -> Result<T> {
    T::from_name(name).ok_or_else(|| corrupt(format!("manifest: {}", T::unknown(name))))
}

/// The configuration stored parameters describe (without boilerplate learning: the filter is
/// the index's).
pub(crate) fn config_of(params: &IndexParams) -> Result<Config> {
    let p = &params.signatures;
    let builder = Config::builder();
    let builder = match stored(&p.shingle_unit)? {
        ShingleUnit::Words => builder.word_ngrams(p.shingle_size as usize),
        ShingleUnit::Chars => builder.char_ngrams(p.shingle_size as usize),
    };
    let bad = |e: Error| corrupt(format!("manifest: {}", e.message()));
    builder
        .nfkc(p.nfkc)
        .tokenizer(stored(&p.tokenizer)?)
        .algorithm(stored(&p.algorithm)?)
        .num_perm(p.num_perm as usize)
        .seed(p.seed)
        .bands_rows(p.bands as usize, p.rows as usize)
        .similarity(stored(&p.similarity)?)
        .threshold(f64::from_bits(p.threshold_bits))
        .min_shingles(p.min_shingles)
        .min_size_ratio(f64::from_bits(params.min_size_ratio_bits))
        .verify(stored(&params.verify)?)
        .guard(stored(&params.guard)?)
        .window_days(params.window)
        .representative(stored(&params.representative)?)
        .boilerplate(None)
        .build()
        .map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::{config_of, params_of};
    use crate::cluster::{Guard, Representative};
    use crate::config::Config;
    use crate::error::ErrorKind;
    use crate::format::index::IndexParams;
    use crate::minhash::Algorithm;
    use crate::verify::{Similarity, Verify};

    fn refused(edit: impl FnOnce(&mut IndexParams)) -> String {
        let mut params = params_of(&Config::default()).unwrap();
        edit(&mut params);
        let e = config_of(&params).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
        e.message().to_string()
    }

    #[test]
    fn stored_names_round_trip() {
        let runs = Config::builder().tokenizer(crate::shingle::Tokenizer::Runs).boilerplate(None).build().unwrap();
        let params = params_of(&runs).unwrap();
        assert_eq!(params.signatures.tokenizer, "runs");
        assert_eq!(params_of(&config_of(&params).unwrap()).unwrap(), params);
        let config = Config::builder()
            .char_ngrams(4)
            .algorithm(Algorithm::Classic)
            .similarity(Similarity::Jaccard)
            .verify(Verify::None)
            .guard(Guard::None)
            .representative(Representative::Longest)
            .boilerplate(None)
            .build()
            .unwrap();
        let params = params_of(&config).unwrap();
        assert_eq!(params_of(&config_of(&params).unwrap()).unwrap(), params);
        let defaults = params_of(&Config::builder().boilerplate(None).build().unwrap()).unwrap();
        assert_eq!(params_of(&config_of(&defaults).unwrap()).unwrap(), defaults);
    }

    /// The stored spellings are the ones index files have always held.
    #[test]
    fn stored_names_are_unchanged() {
        let p = params_of(&Config::default()).unwrap();
        let s = &p.signatures;
        assert_eq!(
            (s.shingle_unit.as_str(), s.algorithm.as_str(), s.similarity.as_str()),
            ("words", "oph", "containment")
        );
        assert_eq!(s.tokenizer, "scripts");
        assert_eq!(
            (p.verify.as_str(), p.guard.as_str(), p.representative.as_str()),
            ("estimate", "representative", "first")
        );
    }

    /// The CLI's aliases are no part of the format: a stored `off` is a corrupt manifest, even
    /// though `--guard off` is accepted.
    #[test]
    fn stored_aliases_are_refused() {
        assert_eq!("off".parse::<Guard>().unwrap(), Guard::None);
        let msg = refused(|p| p.guard = "off".to_string());
        assert_eq!(msg, r#"manifest: unknown chaining guard "off" (expected none or representative)"#);

        assert_eq!("core".parse::<Guard>().unwrap(), Guard::Representative);
        refused(|p| p.guard = "core".to_string());
        assert_eq!("on".parse::<Verify>().unwrap(), Verify::Estimate);
        refused(|p| p.verify = "on".to_string());
        refused(|p| p.verify = "off".to_string());
        refused(|p| p.verify = "signature".to_string());
        assert_eq!("one-permutation".parse::<Algorithm>().unwrap(), Algorithm::OnePermutation);
        refused(|p| p.signatures.algorithm = "one-permutation".to_string());
    }

    #[test]
    fn unknown_stored_names_are_refused() {
        let msg = refused(|p| p.signatures.shingle_unit = "lines".to_string());
        assert!(msg.starts_with(r#"manifest: unknown shingle unit "lines""#), "{msg}");
        refused(|p| p.signatures.similarity = "Jaccard".to_string());
        let msg = refused(|p| p.signatures.tokenizer = "words".to_string());
        assert_eq!(msg, r#"manifest: unknown tokenizer "words" (expected scripts or runs)"#);
        refused(|p| p.representative = String::new());
    }
}
