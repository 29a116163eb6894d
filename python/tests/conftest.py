"""Fixtures: the sample corpus and the `neardupe` CLI binary the results are compared with."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "news-sample.jsonl"


@pytest.fixture(scope="session")
def sample() -> Dict[str, List[str]]:
    """The bundled sample: its ids, texts and dates, in file order."""
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {
        "ids": [r["id"] for r in records],
        "texts": [r["text"] for r in records],
        "dates": [r["date"] for r in records],
    }


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `neardupe` binary: `NEARDUPE_BIN` when set, else built with `cargo build` (never
    skipped: the equality tests are the point of this suite)."""
    given = os.environ.get("NEARDUPE_BIN")
    if given:
        path = Path(given)
        assert path.is_file(), f"NEARDUPE_BIN={given} is not a file"
        return path
    subprocess.run(["cargo", "build", "--quiet", "--bin", "neardupe"], cwd=ROOT, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    path = Path(json.loads(meta.stdout)["target_directory"]) / "debug" / "neardupe"
    assert path.is_file(), f"cargo build made no {path}"
    return path


def run_cli(cli: Path, path: Path, *args: str) -> List[dict]:
    """`neardupe cluster PATH ARGS` as a list of its output records."""
    out = subprocess.run(
        [str(cli), "cluster", str(path), "--quiet", *args], check=True, capture_output=True, text=True
    )
    return [json.loads(line) for line in out.stdout.splitlines()]
