"""Helpers shared by the Spark and Ray tests: the CLI's clusters for a JSONL file, the corpora
(the bundled sample and a synthetic corpus of ~20,000 documents), and the comparison."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "news-sample.jsonl"

#: The option sets the equivalence tests cover: the defaults, and Jaccard 0.8 without the guard.
CONFIGS = {
    "defaults": ({}, []),
    "jaccard-0.8-no-guard": (
        {"similarity": "jaccard", "threshold": 0.8, "guard": "none"},
        ["--similarity", "jaccard", "--threshold", "0.8", "--guard", "none"],
    ),
}


def neardupe_bin() -> str:
    """The CLI: $NEARDUPE_BIN, else target/release/neardupe (built once with cargo)."""
    given = os.environ.get("NEARDUPE_BIN")
    if given:
        return given
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    exe = target / "release" / "neardupe"
    if not exe.exists():
        cargo = shutil.which("cargo")
        if cargo is None:
            raise RuntimeError("set NEARDUPE_BIN or install cargo to build the CLI")
        subprocess.run([cargo, "build", "--release", "-p", "neardupe", "--bin", "neardupe"], cwd=ROOT, check=True)
    return str(exe)


def cli_clusters(path: Path, args: list[str]) -> list[tuple[str, int, bool]]:
    """`neardupe cluster -q ARGS PATH` as (id, cluster, representative) rows, run once per file
    and options for the whole session (the Spark and Ray tests compare with the same runs)."""
    return list(_cli_clusters(str(path), tuple(args)))


@functools.lru_cache(maxsize=None)
def _cli_clusters(path: str, args: tuple) -> tuple:
    out = subprocess.run(
        [neardupe_bin(), "cluster", "-q", *args, path], check=True, capture_output=True, text=True
    ).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return tuple((r["id"], int(r["cluster"]), bool(r["representative"])) for r in rows)


def synth_corpus(tmp_path_factory, stories: int = 6100) -> Path:
    """A synthetic corpus of about 3.33 documents per story (6,100 stories: 20,299 documents),
    made once per session."""
    directory = tmp_path_factory.getbasetemp() / "neardupe-synth"
    directory.mkdir(exist_ok=True)
    out = directory / f"synth-{stories}.jsonl"
    if not out.exists():
        subprocess.run(
            [neardupe_bin(), "synth", "--stories", str(stories), "-o", str(out), "--truth", str(directory / "truth.jsonl")],
            check=True,
            capture_output=True,
        )
    return out


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def assert_same_clusters(got: list[tuple], want: list[tuple]) -> None:
    """Same documents in the same order, the same cluster numbers (hence the same partition)
    and the same representatives; on a mismatch, say how far apart they are."""
    assert len(got) == len(want), f"{len(got)} rows, the CLI wrote {len(want)}"
    got_ids = [g[0] for g in got]
    want_ids = [w[0] for w in want]
    assert got_ids == want_ids, "documents out of input order"
    bad = [(g, w) for g, w in zip(got, want) if tuple(g) != tuple(w)]
    assert not bad, f"{len(bad)} of {len(want)} rows differ from the CLI, first: {bad[:5]}"
