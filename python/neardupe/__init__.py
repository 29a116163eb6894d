"""neardupe: find and cluster near-duplicate texts with MinHash and LSH.

Python bindings of the neardupe Rust library. The heavy work runs in Rust with the GIL released;
Arrow string columns are read in place through the Arrow C Data Interface.

>>> import neardupe
>>> d = neardupe.Deduper(threshold=0.6)
>>> r = d.cluster(["the cat sat on the mat today", "the cat sat on the mat today!", "dogs bark"])
>>> r.cluster.tolist()
[0, 0, 1]

* :class:`Deduper` clusters a batch (the same result as ``neardupe cluster``), signs texts and
  compares pairs.
* :class:`Index` wraps the persistent index (``neardupe index``).
* :mod:`neardupe.stages` exposes the pipeline's stages one by one, for Spark and Ray.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np

from . import _native
from ._native import option_defaults, resolve_options, similarity

__version__: str = _native.__version__

__all__ = [
    "ClusterResult",
    "Deduper",
    "Index",
    "option_defaults",
    "resolve_options",
    "similarity",
    "stages",
]

#: What a text column may be: a list of str, a pyarrow (Large)StringArray, StringViewArray or
#: ChunkedArray of strings, or a pandas Series of strings.
Column = Any


def _optional(module: str, what: str, extra: str) -> Any:
    """Imports an optional dependency, or says which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f"{what} needs {module}: pip install 'neardupe[{extra}]' (or pip install {module})") from e


def _column(values: Column, what: str = "texts") -> Any:
    """Turns a pandas Series (or Index) into a pyarrow array, and a numpy array into a list;
    passes lists, tuples and Arrow arrays on to the native module, which reads them."""
    if values is None or isinstance(values, (list, tuple)):
        return values
    mod = type(values).__module__
    if mod.startswith("pandas"):
        try:
            import pyarrow as pa
        except ImportError:  # pragma: no cover - pandas without pyarrow
            return values.tolist()
        try:
            return pa.Array.from_pandas(values)
        except (pa.ArrowTypeError, pa.ArrowInvalid) as e:
            raise TypeError(f"{what}: expected a Series of strings: {e}") from None
    if isinstance(values, np.ndarray):
        return values.tolist()
    return values


class ClusterResult:
    """The clusters of one :meth:`Deduper.cluster` run, one row per document in input order.

    Attributes:
        ids: each document's id (``line:1``, ``line:2``, ... when none were given).
        cluster: each document's cluster id, ``numpy.int64``, numbered as ``neardupe cluster``
            numbers them.
        representative: whether the document represents (is kept for) its cluster,
            ``numpy.bool_``.
        stats: the run statistics, as ``neardupe cluster --stats-json`` writes them.
    """

    __slots__ = ("ids", "cluster", "representative", "stats")

    def __init__(self, ids: List[str], cluster: np.ndarray, representative: np.ndarray, stats: Dict[str, Any]):
        self.ids = ids
        self.cluster = cluster
        self.representative = representative
        self.stats = stats

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        n = len(self.ids)
        clusters = int(self.cluster.max()) + 1 if n else 0
        return f"ClusterResult(documents={n}, clusters={clusters}, duplicates={n - clusters})"

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` with columns ``id`` (string), ``cluster`` (int64) and
        ``representative`` (bool)."""
        pa = _optional("pyarrow", "ClusterResult.to_arrow()", "arrow")

        return pa.table(
            {
                "id": pa.array(self.ids, type=pa.string()),
                "cluster": pa.array(self.cluster, type=pa.int64()),
                "representative": pa.array(self.representative, type=pa.bool_()),
            }
        )

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with columns ``id``, ``cluster`` and ``representative``."""
        pd = _optional("pandas", "ClusterResult.to_pandas()", "pandas")
        return pd.DataFrame({"id": self.ids, "cluster": self.cluster, "representative": self.representative})


class Deduper:
    """Finds and clusters near-duplicate texts under one set of options.

    Every option of ``neardupe cluster`` is a keyword with the same name (underscores for
    dashes) and default; see :func:`option_defaults`. A bad value raises ``ValueError`` with the
    library's message; an unknown keyword raises ``TypeError``.

    >>> Deduper(similarity="jaccard", threshold=0.8, guard="none").options["threshold"]
    0.8
    """

    __slots__ = ("_native",)

    def __init__(self, **options: Any) -> None:
        self._native = _native.Deduper(**options)

    @property
    def options(self) -> Dict[str, Any]:
        """Every option with its value (given or default)."""
        return self._native.options

    @property
    def num_perm(self) -> int:
        """The number of signature slots."""
        return self._native.num_perm

    @property
    def banding(self) -> "tuple[int, int]":
        """The LSH banding ``(bands, rows)`` (derived from the threshold unless fixed)."""
        return self._native.banding

    def cluster(self, texts: Column, ids: Optional[Column] = None, dates: Optional[Column] = None) -> ClusterResult:
        """Clusters ``texts``: the result of ``neardupe cluster`` on the same documents and
        options.

        Args:
            texts: a list of str, a pyarrow string array or chunked array, or a pandas Series.
                A null is a ``ValueError`` naming its position; anything but strings a
                ``TypeError``.
            ids: one id per text (same forms); default ``line:1``, ``line:2``, ..., as the CLI
                names JSONL records without an id field. Repeated ids follow ``duplicate_ids``.
            dates: one date string per text, read as ``--date-field`` values (with
                ``date_format``); needed by ``window``.
        """
        got_ids, cluster, representative, stats = self._native.cluster(
            _column(texts, "texts"), _column(ids, "ids"), _column(dates, "dates")
        )
        return ClusterResult(got_ids, cluster, representative, json.loads(stats))

    def signatures(self, texts: Column) -> np.ndarray:
        """The MinHash signature of each text, ``numpy.uint32`` of shape ``(n, num_perm)``
        (boilerplate learnt from these texts first when the options ask for it, as
        :meth:`cluster` does). Compare two rows with :func:`similarity`."""
        return self._native.signatures(_column(texts, "texts"))

    def compare(self, a: str, b: str) -> Dict[str, Any]:
        """What these options make of two texts (as ``neardupe explain``, without boilerplate
        learning): ``set_sizes``, ``agreeing_slots``, ``estimated_jaccard``, ``exact_jaccard``,
        ``estimated_containment``, ``exact_containment``, ``colliding_bands``, ``candidate``,
        ``measure``, ``threshold``, ``passes_verification``, ``linked``..."""
        return self._native.compare(a, b)

    def __repr__(self) -> str:
        return repr(self._native)


class Index:
    """A persistent, memory-mapped index of documents and their clusters in a directory.

    Documents added batch by batch get the clusters one run over all of them would give. Make
    one with :meth:`Index.create` or :meth:`Index.open`.
    """

    __slots__ = ("_native",)

    def __init__(self, native: Any) -> None:
        self._native = native

    @classmethod
    def create(cls, path: Union[str, "os.PathLike[str]"], **options: Any) -> "Index":
        """Creates an empty index in ``path`` under ``options`` (those of :class:`Deduper`; the
        index verifies by the signature estimate: ``verify="hybrid"`` becomes ``"estimate"``,
        ``"exact"`` is refused) and opens it for writing. ``FileExistsError`` if ``path``
        already holds one."""
        return cls(_native.Index.create(str(path), **options))

    @classmethod
    def open(
        cls,
        path: Union[str, "os.PathLike[str]"],
        writable: bool = True,
        duplicate_ids: str = "refuse",
        date_format: Optional[str] = None,
    ) -> "Index":
        """Opens the index in ``path``, for writing (its writer lock; ``OSError`` if another
        writer holds it) or read-only (``writable=False``)."""
        return cls(_native.Index.open(str(path), writable, duplicate_ids, date_format))

    @property
    def path(self) -> str:
        """The index directory."""
        return str(self._native.path)

    @property
    def config(self) -> Dict[str, Any]:
        """The options the index was created with."""
        return self._native.config

    def add(
        self,
        texts: Column,
        ids: Optional[Column] = None,
        dates: Optional[Column] = None,
        existing_ids: str = "refuse",
    ) -> Dict[str, Any]:
        """Adds a batch in one commit; returns the library's ``Insertion``: ``added`` (``id``,
        ``doc``, ``cluster``, ``representative`` id, ``started``), ``skipped_ids``,
        ``replaced``, ``moved``, ``candidates``, ``verified_edges``, ``guard_refusals``,
        ``window_refusals``, ``seconds``, ``warnings``. ``existing_ids``: ``"refuse"``,
        ``"skip"`` or ``"replace"``. Give ``ids`` when adding more than one batch (the default
        ``line:N`` ids repeat)."""
        return self._native.add(_column(texts, "texts"), _column(ids, "ids"), _column(dates, "dates"), existing_ids)

    def query(self, text: str, limit: int = 5, date: Optional[str] = None) -> List[Dict[str, Any]]:
        """The best matches of ``text``, best first: ``id``, ``doc``, ``jaccard``,
        ``containment``, ``similarity``, ``duplicate``, ``outside_window``, ``cluster``,
        ``representative`` (id)."""
        return self._native.query(text, limit, date)

    def remove(self, ids: Union[str, Column], missing: str = "refuse") -> Dict[str, Any]:
        """Removes documents by id in one commit: ``removed``, ``missing``, ``moved``,
        ``candidates``, ``verified_edges``, ``seconds``. ``missing``: ``"refuse"`` or
        ``"ignore"``."""
        return self._native.remove(ids if isinstance(ids, str) else _column(ids, "ids"), missing)

    def lookup(self, id: str) -> Optional[Dict[str, Any]]:
        """The stored document with this id (``doc``, ``cluster``, ``representative`` id), or
        None."""
        return self._native.lookup(id)

    def export(self) -> Any:
        """Every stored document's cluster, as ``neardupe index export``: a ``pyarrow.Table``
        (``id``, ``cluster``, ``representative``), or a list of dicts without pyarrow."""
        ids, cluster, representative = self._native.export()
        result = ClusterResult(ids, cluster, representative, {})
        try:
            return result.to_arrow()
        except ImportError:  # pragma: no cover - without pyarrow
            return [
                {"id": i, "cluster": int(c), "representative": bool(r)}
                for i, c, r in zip(ids, cluster, representative)
            ]

    def stats(self) -> Dict[str, Any]:
        """Counts and sizes: ``documents``, ``clusters``, ``segments``, ``bytes``..."""
        return self._native.stats()

    def compact(self) -> None:
        """Merges the index's segments into one (clusters do not change)."""
        self._native.compact()

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return repr(self._native)


from . import stages  # noqa: E402
