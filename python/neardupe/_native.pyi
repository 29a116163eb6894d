"""Type stubs of the extension module ``neardupe._native`` (Rust, PyO3). Every function
releases the GIL while Rust works. Text columns (``Column``) are a list or tuple of ``str``, or
an Arrow string / large_string / string_view array (anything with ``__arrow_c_array__``) or a
``pyarrow.ChunkedArray`` of them; Arrow buffers are read in place through the Arrow C Data
Interface. A null is a ``ValueError`` naming its position; a non-string column a ``TypeError``.

Every ``**options`` is the set of ``Deduper`` keywords (those of ``neardupe cluster``), checked
identically everywhere: a bad value is a ``ValueError`` with the library's message, an unknown
keyword a ``TypeError``.
"""

from os import PathLike
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

Column = Any
Options = Any

__version__: str

def option_defaults() -> Dict[str, Any]:
    """Every option with its default (those of ``neardupe cluster``)."""

def resolve_options(**options: Options) -> Dict[str, Any]:
    """Validates ``options`` as ``Deduper`` does and returns every option with its value."""

def similarity(sig_a: npt.NDArray[np.uint32], sig_b: npt.NDArray[np.uint32]) -> float:
    """Estimated Jaccard of two signatures (``neardupe::minhash::estimate_jaccard``)."""

class Deduper:
    """``neardupe::Deduper`` under keyword options."""

    def __init__(self, **options: Options) -> None: ...
    @property
    def options(self) -> Dict[str, Any]: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def banding(self) -> Tuple[int, int]: ...
    def cluster(
        self, texts: Column, ids: Optional[Column] = None, dates: Optional[Column] = None
    ) -> Tuple[List[str], npt.NDArray[np.int64], npt.NDArray[np.bool_], str]:
        """``Deduper::run``: ids, cluster ids, representative flags, statistics as JSON."""
    def signatures(self, texts: Column) -> npt.NDArray[np.uint32]:
        """Signatures ``(n, num_perm)``, boilerplate learnt from ``texts`` when on."""
    def compare(self, a: str, b: str) -> Dict[str, Any]:
        """``Deduper::explain`` of two texts."""

class Index:
    """``neardupe::index::Index``."""

    @staticmethod
    def create(path: Union[str, PathLike[str]], **options: Options) -> Index: ...
    @staticmethod
    def open(
        path: Union[str, PathLike[str]],
        writable: bool = True,
        duplicate_ids: str = "refuse",
        date_format: Optional[str] = None,
    ) -> Index: ...
    @property
    def path(self) -> str: ...
    @property
    def config(self) -> Dict[str, Any]: ...
    def add(
        self,
        texts: Column,
        ids: Optional[Column] = None,
        dates: Optional[Column] = None,
        existing_ids: str = "refuse",
    ) -> Dict[str, Any]:
        """``Index::insert_batch_with``: the ``Insertion`` as a dict."""
    def query(self, text: str, limit: int = 5, date: Optional[str] = None) -> List[Dict[str, Any]]:
        """``Index::query`` / ``Index::query_at``: matches, best first."""
    def remove(self, ids: Union[str, Column], missing: str = "refuse") -> Dict[str, Any]:
        """``Index::remove_with``: the ``Removal`` as a dict."""
    def lookup(self, id: str) -> Optional[Dict[str, Any]]:
        """``Index::lookup``."""
    def export(self) -> Tuple[List[str], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """``Index::clusters``: ids, cluster ids, representative flags."""
    def stats(self) -> Dict[str, Any]:
        """``Index::stats``."""
    def compact(self) -> None:
        """``Index::compact``."""
    def __len__(self) -> int: ...

# --- The stage API (see neardupe.stages for the chain) ---------------------------------------

PAIRWISE_BUCKET: int
"""24: ``neardupe::lsh::PAIRWISE_BUCKET``, the bucket rule's pairwise head."""
EXACT_CHUNK: int
"""4096: ``neardupe::verify::EXACT_CHUNK``, the chunk of borderline edges ``verified_edges`` takes at a time."""
DECISION_FAIL: int
"""0: ``Decision::Fail``."""
DECISION_PASS: int
"""1: ``Decision::Pass``."""
DECISION_BORDERLINE: int
"""2: ``Decision::Borderline`` (the exact similarity decides)."""

def boilerplate_positions(n: int, **options: Options) -> npt.NDArray[np.int64]:
    """``BoilerplateConfig::sample_records(n)``: the records whose texts the filter is learnt
    from (empty when boilerplate is off)."""

def learn_boilerplate(sample_texts: Column, **options: Options) -> bytes:
    """``Deduper::learn_boilerplate`` over the texts at ``boilerplate_positions(n)``, in that
    order: the filter as sorted little-endian u64 shingle hashes."""

def sign(
    texts: Column, filter: Optional[bytes] = None, **options: Options
) -> Tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """``Sketcher::try_sketch_into`` with the filter: signatures ``(n, num_perm)`` and set sizes
    ``(n,)``. ``filter`` is required with boilerplate on and refused with it off."""

def band_keys(signatures: npt.NDArray[np.uint32], **options: Options) -> npt.NDArray[np.uint64]:
    """``LshParams::band_key`` of every band of every row: ``(n, bands)``. Documents whose set
    size is 0 go in no bucket."""

def bucket_edges(members: npt.NDArray[np.int64]) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``lsh::push_member_edges`` over one bucket's members (sorted and deduplicated first):
    edges ``(a, b)``, ``a < b``."""

def candidate_edges(
    signatures: npt.NDArray[np.uint32], set_sizes: npt.NDArray[np.uint32], **options: Options
) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``lsh::par_band_edges``: every candidate edge on one machine, sorted and distinct."""

def decide(
    sig_a: npt.NDArray[np.uint32],
    sig_b: npt.NDArray[np.uint32],
    size_a: npt.NDArray[np.uint32],
    size_b: npt.NDArray[np.uint32],
    **options: Options,
) -> npt.NDArray[np.uint8]:
    """``Criterion::decide`` per pair under ``verify``: hybrid with margin ``BORDERLINE_SE`` (3),
    estimate with margin 0, exact all borderline, none all pass. ``DECISION_*`` codes."""

def exact_similarity(
    text_a: Column, text_b: Column, filter: Optional[bytes] = None, **options: Options
) -> Tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """``Criterion::exact`` of the pairs' shingle sets and ``Criterion::exact_passes``."""

def verified_edges(
    n: int,
    pass_a: npt.NDArray[np.int64],
    pass_b: npt.NDArray[np.int64],
    borderline_a: npt.NDArray[np.int64],
    borderline_b: npt.NDArray[np.int64],
    borderline_passes: npt.NDArray[np.bool_],
) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``verify::verify_candidates``' bookkeeping: the edge set a run keeps, sorted."""

def link(
    n: int,
    edges_a: npt.NDArray[np.int64],
    edges_b: npt.NDArray[np.int64],
    signatures: npt.NDArray[np.uint32],
    set_sizes: npt.NDArray[np.uint32],
    days: Optional[Column] = None,
    lengths: Optional[npt.NDArray[np.uint64]] = None,
    **options: Options,
) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """``link::link``: cluster ids and representative flags. ``days`` (date strings) with a
    ``window``; ``lengths`` (UTF-8 bytes) with ``representative="longest"``."""
