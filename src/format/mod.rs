//! The on-disk format of saved files: one module owns it, so that it can move later.
//!
//! Every saved file is a header followed by a payload:
//!
//! ```text
//! magic (8 bytes) | header length (u32 LE) | header (bincode 2, standard config)
//!   | xxh3 of the header (u64 LE) | zero padding to a multiple of 8 | payload
//! ```
//!
//! The [`Header`] carries the format version, the file's kind, the [`Fingerprint`] of the
//! parameters that make signatures comparable (seed, algorithm, slots, banding, shingling and its
//! tokeniser, similarity, the boilerplate filter), small metadata (for a segment, where each of
//! its arrays lies), the payload's length and its xxh3 checksum. [`parse_header`] validates all of that
//! except the payload's checksum in time independent of the file's size (so that a large
//! memory-mapped file opens without being read); [`parse`] and [`check_payload`] also check the
//! payload. None of them panics on bad bytes: a wrong magic, a truncated or corrupt file and
//! another kind are each a clear [`ErrorKind::Corrupt`] error, another format version an
//! [`ErrorKind::Incompatible`] one, and [`Fingerprint::ensure_same`] says which parameters
//! differ (also [`ErrorKind::Incompatible`]). Bulk payloads (signature rows, band
//! tables) are raw little-endian arrays, each starting at a multiple of 8 bytes, that a reader
//! maps and uses in place; only headers and small metadata ([`index`]) go through bincode.
//!
//! The module is crate-private (public to the fuzz targets only), so its example is a unit test
//! (`format::tests::round_trip_and_every_corruption_is_an_error`); in short:
//!
//! ```text
//! let fingerprint = Fingerprint::of(&Config::builder().build()?, None);
//! let bytes = format::encode(FileKind::Segment, &fingerprint, b"meta", b"payload")?;
//! let (header, payload) = format::parse(&bytes, FileKind::Segment)?;
//! assert_eq!(header.meta, b"meta");
//! assert_eq!(payload, b"payload");
//! header.fingerprint.ensure_same(&fingerprint)?;
//! ```

// Public items, so that the fuzz targets can use them under `cfg(fuzzing)`; private otherwise.
#![cfg_attr(not(fuzzing), allow(unreachable_pub))]

use bincode::{Decode, Encode};
use xxhash_rust::xxh3::xxh3_64;

use crate::boilerplate::ShingleFilter;
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::shingle::{ShingleUnit, Tokenizer};

pub mod index;

/// The first eight bytes of every file neardupe saves.
pub const MAGIC: [u8; 8] = *b"NEARDUP\x01";

/// The format version this build writes.
///
/// - **3**: the fingerprint names the tokeniser of word shingles ([`Fingerprint::tokenizer`]):
///   `scripts`, which cuts Chinese, Japanese, Thai... into characters, or `runs`. Files of
///   versions 1 and 2 were all signed with the tokeniser now called `runs` and are read as such
///   ([`FingerprintV2::upgraded`]), so an index of those versions keeps signing its new
///   documents and queries as it always did, and its next commit writes a version-3 manifest that
///   says `runs`. Only headers and manifests changed layout.
/// - **2**: an index's `MANIFEST` pins each file it lists (its payload's length and checksum,
///   [`index::Pin`]), so that a file swapped in from elsewhere fails at open, and records from
///   which document the boilerplate filter applies ([`index::FilterEntry::first_doc`]).
/// - **1**: the first version. Segments, cluster files and filters are laid out alike in both
///   versions; only the manifest differs ([`index::ManifestV1`]).
///
/// This build reads every version from [`OLDEST_FORMAT_VERSION`] to this one. An index of
/// version 1 is read as it is (its files are then checked against their own headers only, as
/// version 1 did) and becomes version 2 at its next commit: that writer first verifies every
/// file's payload checksum in full, then pins them (see [`crate::index`]).
pub const FORMAT_VERSION: u32 = 3;

/// The oldest format version this build reads.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// The signature scheme of a format version: versions that make the same signatures from the
/// same parameters map to the same scheme, so that their files compare equal in
/// [`Fingerprint::differences`] (versions 1 and 2 differ only in the manifest's layout; version 3
/// names the tokeniser in the fingerprint, which versions 1 and 2 read as `runs`).
fn signature_scheme(version: u32) -> u32 {
    match version {
        1..=3 => 1,
        v => v,
    }
}

/// The largest header accepted, in bytes (headers are small; a larger length is corruption).
const MAX_HEADER: u32 = 1 << 20;

/// What a saved file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Encode, Decode)]
pub enum FileKind {
    /// The list of live segments and the index's parameters.
    Manifest,
    /// An immutable segment: signatures, band tables, ids, union-find state.
    Segment,
    /// A learnt boilerplate filter.
    Filter,
    /// An index's cluster assignments (the persistent union-find state).
    Clusters,
}

/// The parameters that make two signatures comparable. Two files can be used together only if
/// their fingerprints are equal.
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
pub struct Fingerprint {
    /// The crate's format version the parameters were written by. Compared by the signature
    /// scheme it implies: versions 1 and 2 sign alike, so their fingerprints are the same.
    pub format_version: u32,
    /// `words` or `chars`.
    pub shingle_unit: String,
    /// The n-gram size.
    pub shingle_size: u32,
    /// NFKC normalisation.
    pub nfkc: bool,
    /// How word shingles cut text into words: `scripts` or `runs` (always `runs` for character
    /// shingles, which do not depend on it, and in files of format versions 1 and 2).
    pub tokenizer: String,
    /// `oph` or `classic`.
    pub algorithm: String,
    /// Signature slots.
    pub num_perm: u32,
    /// The hash seed.
    pub seed: u64,
    /// LSH bands.
    pub bands: u32,
    /// LSH rows per band.
    pub rows: u32,
    /// `containment` or `jaccard`.
    pub similarity: String,
    /// The threshold, as its IEEE bits (exact comparison).
    pub threshold_bits: u64,
    /// The containment guard.
    pub min_shingles: u32,
    /// The xxh3 of the boilerplate filter's sorted hashes (0 without a filter).
    pub filter_checksum: u64,
}

impl Fingerprint {
    /// The fingerprint of a configuration and the boilerplate filter its signatures were made with.
    pub fn of(config: &Config, filter: Option<&ShingleFilter>) -> Fingerprint {
        let s = config.shingle();
        let m = config.minhash();
        Fingerprint {
            format_version: FORMAT_VERSION,
            shingle_unit: s.unit().as_str().to_string(),
            shingle_size: s.size() as u32,
            nfkc: s.nfkc(),
            tokenizer: match s.unit() {
                ShingleUnit::Words => s.tokenizer(),
                ShingleUnit::Chars => Tokenizer::Runs,
            }
            .as_str()
            .to_string(),
            algorithm: m.algorithm().as_str().to_string(),
            num_perm: m.num_perm() as u32,
            seed: m.seed(),
            bands: config.lsh().bands() as u32,
            rows: config.lsh().rows() as u32,
            similarity: config.similarity().as_str().to_string(),
            threshold_bits: config.threshold().to_bits(),
            min_shingles: config.criterion().min_shingles(),
            filter_checksum: filter.map_or(0, |f| {
                let bytes: Vec<u8> = f.frequent().iter().flat_map(|h| h.to_le_bytes()).collect();
                xxh3_64(&bytes)
            }),
        }
    }

    /// The fields that differ from `other`, as `name: ours vs theirs`.
    pub fn differences(&self, other: &Fingerprint) -> Vec<String> {
        let mut out = Vec::new();
        if signature_scheme(self.format_version) != signature_scheme(other.format_version) {
            out.push(format!("format version: {} vs {}", self.format_version, other.format_version));
        }
        let mut cmp = |name: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{name}: {a} vs {b}"));
            }
        };
        cmp("shingle unit", self.shingle_unit.clone(), other.shingle_unit.clone());
        cmp("n-gram size", self.shingle_size.to_string(), other.shingle_size.to_string());
        cmp("nfkc", self.nfkc.to_string(), other.nfkc.to_string());
        cmp("tokenizer", self.tokenizer.clone(), other.tokenizer.clone());
        cmp("algorithm", self.algorithm.clone(), other.algorithm.clone());
        cmp("num_perm", self.num_perm.to_string(), other.num_perm.to_string());
        cmp("seed", self.seed.to_string(), other.seed.to_string());
        cmp("bands", self.bands.to_string(), other.bands.to_string());
        cmp("rows", self.rows.to_string(), other.rows.to_string());
        cmp("similarity", self.similarity.clone(), other.similarity.clone());
        let t = |bits: u64| f64::from_bits(bits).to_string();
        cmp("threshold", t(self.threshold_bits), t(other.threshold_bits));
        cmp("min shingles", self.min_shingles.to_string(), other.min_shingles.to_string());
        cmp("boilerplate filter", format!("{:016x}", self.filter_checksum), format!("{:016x}", other.filter_checksum));
        out
    }

    /// `Ok` when `other` has the same parameters; otherwise an [`ErrorKind::Incompatible`] error
    /// that names every parameter that differs.
    pub fn ensure_same(&self, other: &Fingerprint) -> Result<()> {
        let diff = self.differences(other);
        if diff.is_empty() {
            return Ok(());
        }
        Err(Error::new(ErrorKind::Incompatible, format!("built with other parameters: {}", diff.join(", "))))
    }
}

/// A [`Fingerprint`] as files of format versions 1 and 2 hold it: without the tokeniser, which
/// was always the one now called `runs`.
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
pub struct FingerprintV2 {
    /// See [`Fingerprint::format_version`].
    pub format_version: u32,
    /// See [`Fingerprint::shingle_unit`].
    pub shingle_unit: String,
    /// See [`Fingerprint::shingle_size`].
    pub shingle_size: u32,
    /// See [`Fingerprint::nfkc`].
    pub nfkc: bool,
    /// See [`Fingerprint::algorithm`].
    pub algorithm: String,
    /// See [`Fingerprint::num_perm`].
    pub num_perm: u32,
    /// See [`Fingerprint::seed`].
    pub seed: u64,
    /// See [`Fingerprint::bands`].
    pub bands: u32,
    /// See [`Fingerprint::rows`].
    pub rows: u32,
    /// See [`Fingerprint::similarity`].
    pub similarity: String,
    /// See [`Fingerprint::threshold_bits`].
    pub threshold_bits: u64,
    /// See [`Fingerprint::min_shingles`].
    pub min_shingles: u32,
    /// See [`Fingerprint::filter_checksum`].
    pub filter_checksum: u64,
}

impl FingerprintV2 {
    /// The same parameters in the current layout, with the tokeniser these versions signed with.
    pub fn upgraded(self) -> Fingerprint {
        Fingerprint {
            format_version: self.format_version,
            shingle_unit: self.shingle_unit,
            shingle_size: self.shingle_size,
            nfkc: self.nfkc,
            tokenizer: Tokenizer::Runs.as_str().to_string(),
            algorithm: self.algorithm,
            num_perm: self.num_perm,
            seed: self.seed,
            bands: self.bands,
            rows: self.rows,
            similarity: self.similarity,
            threshold_bits: self.threshold_bits,
            min_shingles: self.min_shingles,
            filter_checksum: self.filter_checksum,
        }
    }
}

/// A saved file's header.
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
pub struct Header {
    /// The format version the file was written with.
    pub version: u32,
    /// What the file holds.
    pub kind: FileKind,
    /// The parameters its signatures were made with.
    pub fingerprint: Fingerprint,
    /// Small metadata (bincode), such as where a segment's arrays lie in its payload.
    pub meta: Vec<u8>,
    /// The payload's length in bytes.
    pub payload_len: u64,
    /// The xxh3 of the payload.
    pub payload_checksum: u64,
}

/// A [`Header`] of format version 1 or 2: its fingerprint is a [`FingerprintV2`].
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
struct HeaderV2 {
    version: u32,
    kind: FileKind,
    fingerprint: FingerprintV2,
    meta: Vec<u8>,
    payload_len: u64,
    payload_checksum: u64,
}

impl HeaderV2 {
    fn upgraded(self) -> Header {
        Header {
            version: self.version,
            kind: self.kind,
            fingerprint: self.fingerprint.upgraded(),
            meta: self.meta,
            payload_len: self.payload_len,
            payload_checksum: self.payload_checksum,
        }
    }
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<{ MAX_HEADER as usize }>()
}

fn corrupt(msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Corrupt, msg.to_string())
}

/// Metadata too large for a header, refused when a file is written.
fn too_large(msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Unsupported, msg.to_string())
}

/// The bytes of a file of `kind` holding `meta` and `payload`.
pub fn encode(kind: FileKind, fingerprint: &Fingerprint, meta: &[u8], payload: &[u8]) -> Result<Vec<u8>> {
    let mut out = encode_header(kind, fingerprint, meta, payload.len() as u64, xxh3_64(payload))?;
    out.extend_from_slice(payload);
    Ok(out)
}

/// The bytes that precede a payload of `payload_len` bytes with checksum `payload_checksum`
/// (the xxh3 of the payload): for writers that stream the payload after them. Its length is a
/// multiple of 8.
pub fn encode_header(
    kind: FileKind,
    fingerprint: &Fingerprint,
    meta: &[u8],
    payload_len: u64,
    payload_checksum: u64,
) -> Result<Vec<u8>> {
    let header = Header {
        version: FORMAT_VERSION,
        kind,
        fingerprint: fingerprint.clone(),
        meta: meta.to_vec(),
        payload_len,
        payload_checksum,
    };
    let head =
        bincode::encode_to_vec(&header, config()).map_err(|e| too_large(format!("cannot encode header: {e}")))?;
    let len = u32::try_from(head.len())
        .ok()
        .filter(|&l| l <= MAX_HEADER)
        .ok_or_else(|| too_large(format!("header larger than {MAX_HEADER} bytes")))?;
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + head.len() + 16);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&xxh3_64(&head).to_le_bytes());
    out.resize(out.len().next_multiple_of(8), 0);
    Ok(out)
}

/// Validates `bytes` as a file of `kind` and returns its header and payload (borrowed, for use
/// in place), checking everything except the payload's checksum: the magic, the header's
/// length, checksum and decoding, the version, the kind, the padding and the payload's length.
/// Takes time independent of the payload's size; see [`check_payload`].
pub fn parse_header(bytes: &[u8], kind: FileKind) -> Result<(Header, &[u8])> {
    let rest = bytes.strip_prefix(&MAGIC[..]).ok_or_else(|| corrupt("not a neardupe file (wrong magic number)"))?;
    let (len, rest) = rest.split_first_chunk::<4>().ok_or_else(|| corrupt("truncated header"))?;
    let len = u32::from_le_bytes(*len);
    if len > MAX_HEADER {
        return Err(corrupt(format!("header length {len} is larger than {MAX_HEADER} bytes: corrupt file")));
    }
    let (head, rest) = rest.split_at_checked(len as usize).ok_or_else(|| corrupt("truncated header"))?;
    let (sum, rest) = rest.split_first_chunk::<8>().ok_or_else(|| corrupt("truncated header"))?;
    if u64::from_le_bytes(*sum) != xxh3_64(head) {
        return Err(corrupt("header checksum mismatch: corrupt file"));
    }
    let padding = (MAGIC.len() + 4 + head.len() + 8).next_multiple_of(8) - (MAGIC.len() + 4 + head.len() + 8);
    let (pad, payload) = rest.split_at_checked(padding).ok_or_else(|| corrupt("truncated header"))?;
    if pad.iter().any(|&b| b != 0) {
        return Err(corrupt("corrupt header padding"));
    }
    // The version comes first: it says how the rest is laid out.
    let (version, _): (u32, usize) =
        bincode::decode_from_slice(head, config()).map_err(|e| corrupt(format!("corrupt header: {e}")))?;
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
        return Err(Error::new(
            ErrorKind::Incompatible,
            format!(
                "format version {version} is not supported (this build reads versions {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION})"
            ),
        ));
    }
    let decoded = match version {
        1 | 2 => bincode::decode_from_slice(head, config()).map(|(h, used): (HeaderV2, usize)| (h.upgraded(), used)),
        _ => bincode::decode_from_slice(head, config()),
    };
    let (header, used): (Header, usize) = decoded.map_err(|e| corrupt(format!("corrupt header: {e}")))?;
    if used != head.len() {
        return Err(corrupt("corrupt header: trailing bytes"));
    }
    if header.kind != kind {
        return Err(corrupt(format!("expected a {kind:?} file, found a {:?} file", header.kind)));
    }
    if payload.len() as u64 != header.payload_len {
        return Err(corrupt(format!(
            "payload is {} bytes, the header says {}: truncated or corrupt file",
            payload.len(),
            header.payload_len
        )));
    }
    Ok((header, payload))
}

/// Checks a payload against its header's checksum (reads all of it).
pub fn check_payload(header: &Header, payload: &[u8]) -> Result<()> {
    if xxh3_64(payload) != header.payload_checksum {
        return Err(corrupt("payload checksum mismatch: corrupt file"));
    }
    Ok(())
}

/// [`parse_header`] and [`check_payload`]: validates the whole file.
pub fn parse(bytes: &[u8], kind: FileKind) -> Result<(Header, &[u8])> {
    let (header, payload) = parse_header(bytes, kind)?;
    check_payload(&header, payload)?;
    Ok((header, payload))
}

/// Small metadata as bincode (for [`Header::meta`] and small payloads).
pub(crate) fn encode_meta<T: Encode>(value: &T) -> Result<Vec<u8>> {
    bincode::encode_to_vec(value, config()).map_err(|e| too_large(format!("cannot encode metadata: {e}")))
}

/// Decodes small metadata written by [`encode_meta`]; every byte must be used.
pub(crate) fn decode_meta<T: Decode<()>>(bytes: &[u8], what: &str) -> Result<T> {
    let (value, used): (T, usize) =
        bincode::decode_from_slice(bytes, config()).map_err(|e| corrupt(format!("corrupt {what}: {e}")))?;
    if used != bytes.len() {
        return Err(corrupt(format!("corrupt {what}: trailing bytes")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_parameters_are_incompatible() {
        let f = |n| Fingerprint::of(&crate::Config::builder().num_perm(n).build().unwrap(), None);
        assert_eq!(f(64).ensure_same(&f(128)).unwrap_err().kind(), crate::ErrorKind::Incompatible);
        assert!(f(64).ensure_same(&f(64)).is_ok());
    }

    fn fingerprint() -> Fingerprint {
        Fingerprint::of(&Config::builder().build().unwrap(), None)
    }

    #[test]
    fn round_trip_and_every_corruption_is_an_error() {
        let f = fingerprint();
        let bytes = encode(FileKind::Segment, &f, b"m", b"0123456789").unwrap();
        let (h, p) = parse(&bytes, FileKind::Segment).unwrap();
        assert_eq!((h.kind, p), (FileKind::Segment, &b"0123456789"[..]));
        assert_eq!(h.fingerprint, f);
        // Every truncation and every single-byte change is refused (or, for a change inside the
        // header that still decodes to the same values, gives the same header and payload).
        for cut in 0..bytes.len() {
            let e = parse(&bytes[..cut], FileKind::Segment).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Corrupt, "cut at {cut}: {e}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x55;
            if let Ok((h2, p2)) = parse(&b, FileKind::Segment) {
                assert!(h2 != h || p2 != p, "byte {i} changed but parsed the same");
            }
        }
        let e = parse(&bytes, FileKind::Manifest).unwrap_err();
        assert!(e.to_string().contains("expected a Manifest file"), "{e}");
        let mut long = bytes.clone();
        long.push(0);
        assert!(parse(&long, FileKind::Segment).is_err());
    }

    #[test]
    fn another_format_version_is_incompatible_not_corrupt() {
        let bytes = file_of_version(FORMAT_VERSION + 1, fingerprint(), b"");
        let e = parse(&bytes, FileKind::Segment).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Incompatible, "{e}");
        let want = format!("format version {} is not supported", FORMAT_VERSION + 1);
        assert!(e.to_string().contains(&want), "{e}");
        let e = parse(b"PK\x03\x04 not ours at all", FileKind::Segment).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    }

    /// The bytes of a file whose header says format version `version`, laid out as that version
    /// lays it out (without the tokeniser before version 3).
    fn file_of_version(version: u32, fingerprint: Fingerprint, payload: &[u8]) -> Vec<u8> {
        let header = Header {
            version,
            kind: FileKind::Segment,
            fingerprint,
            meta: Vec::new(),
            payload_len: payload.len() as u64,
            payload_checksum: xxh3_64(payload),
        };
        let head = if version >= 3 {
            bincode::encode_to_vec(&header, config()).unwrap()
        } else {
            let f = header.fingerprint;
            let old = HeaderV2 {
                version,
                kind: header.kind,
                fingerprint: FingerprintV2 {
                    format_version: f.format_version,
                    shingle_unit: f.shingle_unit,
                    shingle_size: f.shingle_size,
                    nfkc: f.nfkc,
                    algorithm: f.algorithm,
                    num_perm: f.num_perm,
                    seed: f.seed,
                    bands: f.bands,
                    rows: f.rows,
                    similarity: f.similarity,
                    threshold_bits: f.threshold_bits,
                    min_shingles: f.min_shingles,
                    filter_checksum: f.filter_checksum,
                },
                meta: header.meta,
                payload_len: header.payload_len,
                payload_checksum: header.payload_checksum,
            };
            bincode::encode_to_vec(&old, config()).unwrap()
        };
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&(head.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&head);
        bytes.extend_from_slice(&xxh3_64(&head).to_le_bytes());
        bytes.resize(bytes.len().next_multiple_of(8), 0);
        bytes.extend_from_slice(payload);
        bytes
    }

    /// The fingerprint of the defaults with the tokeniser of format versions 1 and 2.
    fn runs() -> Fingerprint {
        Fingerprint::of(&Config::builder().tokenizer(Tokenizer::Runs).build().unwrap(), None)
    }

    /// Files of versions 1 and 2 are still read, with the tokeniser they were signed with
    /// (`runs`): their fingerprints equal version 3's for the same parameters and that
    /// tokeniser, and differ from the default's by the tokeniser alone; version 0 is not a
    /// version.
    #[test]
    fn versions_1_and_2_are_read_as_the_runs_tokenizer() {
        let v3 = runs();
        assert_eq!((FORMAT_VERSION, OLDEST_FORMAT_VERSION, v3.format_version), (3, 1, 3));
        for version in [1, 2] {
            let old = Fingerprint { format_version: version, ..v3.clone() };
            let bytes = file_of_version(version, old.clone(), b"payload");
            let (h, p) = parse(&bytes, FileKind::Segment).unwrap();
            assert_eq!((h.version, p), (version, &b"payload"[..]));
            assert_eq!(h.fingerprint, old);
            assert_eq!(h.fingerprint.tokenizer, "runs");
            h.fingerprint.ensure_same(&v3).unwrap();
            v3.ensure_same(&old).unwrap();
            let e = h.fingerprint.ensure_same(&fingerprint()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Incompatible);
            assert_eq!(e.message(), "built with other parameters: tokenizer: runs vs scripts");
            // Whatever the current layout holds in the tokeniser, a version-2 file says `runs`.
            let scripts = file_of_version(version, Fingerprint { format_version: version, ..fingerprint() }, b"");
            assert_eq!(parse(&scripts, FileKind::Segment).unwrap().0.fingerprint.tokenizer, "runs");
        }
        let v4 = Fingerprint { format_version: 4, ..v3.clone() };
        assert_eq!(v3.differences(&v4), ["format version: 3 vs 4"]);
        let e = parse(&file_of_version(0, v3, b""), FileKind::Segment).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Incompatible, "{e}");
        assert!(e.to_string().contains("format version 0 is not supported (this build reads versions 1 to 3)"), "{e}");
    }

    /// Character shingles do not depend on the tokeniser: their fingerprint says `runs` whatever
    /// the configuration's tokeniser, so a character index of version 2 stays comparable.
    #[test]
    fn the_tokenizer_counts_for_word_shingles_only() {
        let chars = |t| Fingerprint::of(&Config::builder().char_ngrams(4).tokenizer(t).build().unwrap(), None);
        assert_eq!(chars(Tokenizer::Scripts), chars(Tokenizer::Runs));
        assert_eq!(chars(Tokenizer::Scripts).tokenizer, "runs");
        assert_eq!(fingerprint().tokenizer, "scripts");
        assert_eq!(fingerprint().differences(&runs()), ["tokenizer: scripts vs runs"]);
    }

    #[test]
    fn fingerprints_name_what_differs() {
        let a = fingerprint();
        let b = Fingerprint::of(&Config::builder().num_perm(64).seed(1).build().unwrap(), None);
        let e = a.ensure_same(&b).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Incompatible);
        assert!(e.to_string().contains("num_perm: 128 vs 64") && e.to_string().contains("seed:"), "{e}");
        assert!(a.ensure_same(&a.clone()).is_ok());
        let filtered =
            Fingerprint::of(&Config::builder().build().unwrap(), Some(&ShingleFilter::from_frequent(vec![7])));
        assert_eq!(a.differences(&filtered).len(), 1);
    }
}
