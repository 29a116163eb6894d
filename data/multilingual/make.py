#!/usr/bin/env python3
"""Builds the multilingual test corpus from the stories written for it (`*.json` beside this file).

Each language file holds three outlets (dateline, source line, footer) and three stories: two
different stories on one topic (floods) and one on another (a central bank decision). Every story
is published once by its first outlet (`kind: original`) and republished by the others (`kind:
copy`), the way news is syndicated: another headline, the outlet's dateline, a source line and
footer, a few typos, and by tier a paragraph dropped or two swapped (`edited`) or the last
paragraphs cut (`truncated`: 70-95% kept, at least three). The same seed gives the same bytes:

    python3 data/multilingual/make.py

writes `data/multilingual.jsonl` (`{"id", "lang", "date", "text"}`) and
`data/multilingual.truth.jsonl` (`{"id", "cluster", "kind", "tier", "lang"}`), for `neardupe eval`.
"""

import json
import random
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS = ["en", "zh", "ja", "th", "ar", "ne", "ru", "ko", "fr", "de"]
TIERS = ["light", "edited", "truncated"]
SEED = 2024
# Mistyped characters per character of body text (the synthetic English corpus mistypes about
# 0.3% of its words).
TYPO_RATE = 0.002


def is_word_char(c):
    return unicodedata.category(c)[0] in "LN"


def typo(text, rng):
    """One typo at a random letter: replaced by another letter of the text, dropped, or swapped
    with the next one."""
    spots = [i for i, c in enumerate(text) if is_word_char(c)]
    if not spots:
        return text
    i = rng.choice(spots)
    letters = sorted({c for c in text if is_word_char(c)})
    how = rng.choice(["replace", "drop", "swap"])
    if how == "replace":
        return text[:i] + rng.choice(letters) + text[i + 1:]
    if how == "drop":
        return text[:i] + text[i + 1:]
    return text[:i] + text[i + 1:i + 2] + text[i] + text[i + 2:]


def render(headline, paragraphs, dateline, source, footer):
    body = [dateline + paragraphs[0]] + paragraphs[1:]
    parts = [headline] + body + ([source] if source else []) + [footer]
    return "\n\n".join(parts)


def copy_of(story, outlet, tier, rng):
    paragraphs = list(story["paragraphs"])
    if tier == "edited":
        if rng.random() < 0.5:
            del paragraphs[rng.randrange(1, len(paragraphs))]
        else:
            i = rng.randrange(1, len(paragraphs) - 1)
            paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    if tier == "truncated":
        keep = max(3, round(len(paragraphs) * rng.uniform(0.7, 0.95)))
        paragraphs = paragraphs[:keep]
    chars = sum(len(p) for p in paragraphs)
    for _ in range(max(1, round(chars * TYPO_RATE))):
        k = rng.randrange(len(paragraphs))
        paragraphs[k] = typo(paragraphs[k], rng)
    headline = rng.choice(story["alt"])
    return render(headline, paragraphs, outlet["dateline"], outlet["source"], outlet["footer"])


def main():
    rng = random.Random(SEED)
    docs, truth = [], []
    for lang in LANGS:
        spec = json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))
        assert spec["lang"] == lang
        outlets = spec["outlets"]
        for n, story in enumerate(spec["stories"]):
            cluster = f"{lang}-{story['id']}"
            first = outlets[0]
            day = 4 + n
            text = render(story["headline"], story["paragraphs"], first["dateline"], None, first["footer"])
            docs.append({"id": f"{cluster}-orig", "lang": lang, "date": f"2024-03-{day:02d}", "text": text})
            truth.append({"id": f"{cluster}-orig", "cluster": cluster, "kind": "original", "tier": None, "lang": lang})
            copies = 3 if story["id"] != "flood-b" else 2
            for c in range(copies):
                outlet = outlets[1 + c % (len(outlets) - 1)]
                tier = TIERS[(n + c) % len(TIERS)]
                text = copy_of(story, outlet, tier, rng)
                cid = f"{cluster}-c{c + 1}"
                docs.append({"id": cid, "lang": lang, "date": f"2024-03-{day + rng.randrange(3):02d}", "text": text})
                truth.append({"id": cid, "cluster": cluster, "kind": "copy", "tier": tier, "lang": lang})
    # Shuffle so that a story's copies are not next to each other; truth in the same order.
    order = list(range(len(docs)))
    rng.shuffle(order)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent
    line = lambda d: json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n"
    with open(out / "multilingual.jsonl", "w", encoding="utf-8", newline="\n") as f:
        f.writelines(line(docs[i]) for i in order)
    with open(out / "multilingual.truth.jsonl", "w", encoding="utf-8", newline="\n") as f:
        f.writelines(line(truth[i]) for i in order)
    print(f"{len(docs)} documents, {len({t['cluster'] for t in truth})} clusters", file=sys.stderr)


if __name__ == "__main__":
    main()
