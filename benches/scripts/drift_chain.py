#!/usr/bin/env python3
"""A drifting chain (issue 16): DOCS documents of 200 words, each changing 3 random words of the
previous one. Runs `neardupe cluster` on it and prints the cluster sizes, the share of pairs
inside a cluster whose exact word-5-gram containment is below 0.6, the lowest such pair, and the
lowest containment of a member with its cluster's core (the member with the most shingles).

    python3 benches/scripts/drift_chain.py [--docs 10000] [-- extra cluster options]

NEARDUPE_BIN names the binary (default target/release/neardupe).
"""
import argparse, collections, itertools, json, os, random, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("NEARDUPE_BIN", os.path.join(ROOT, "target", "release", "neardupe"))

ap = argparse.ArgumentParser()
ap.add_argument("--docs", type=int, default=10000)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("options", nargs="*", help="extra `neardupe cluster` options (after --)")
args = ap.parse_args()

rng = random.Random(args.seed)
vocabulary = [f"w{i}" for i in range(5000)]
doc = [rng.choice(vocabulary) for _ in range(200)]
texts = []
for _ in range(args.docs):
    for _ in range(3):
        doc[rng.randrange(len(doc))] = rng.choice(vocabulary)
    texts.append(" ".join(doc))

with tempfile.TemporaryDirectory() as tmp:
    corpus = os.path.join(tmp, "drift.jsonl")
    with open(corpus, "w") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": t}) + "\n")
    out = subprocess.run([BIN, "cluster", "-q", corpus] + args.options, capture_output=True, text=True, check=True).stdout

def shingles(t):
    w = t.split()
    return {tuple(w[i:i + 5]) for i in range(len(w) - 4)}

sets = [shingles(t) for t in texts]
clusters = collections.defaultdict(list)
for line in out.splitlines():
    r = json.loads(line)
    clusters[r["cluster"]].append(int(r["id"]))

def containment(a, b):
    return len(sets[a] & sets[b]) / min(len(sets[a]), len(sets[b]))

pairs = below = 0
lowest_pair = lowest_core = 1.0
for members in clusters.values():
    core = max(members, key=lambda d: (len(sets[d]), -d))
    lowest_core = min([lowest_core] + [containment(d, core) for d in members])
    if len(members) > 2000:
        continue  # single linkage: one cluster of everything, pairs not counted
    for a, b in itertools.combinations(members, 2):
        c = containment(a, b)
        pairs += 1
        below += c < 0.6
        lowest_pair = min(lowest_pair, c)
sizes = [len(v) for v in clusters.values()]
print(f"{args.docs} documents, options {args.options or 'defaults'}: {len(clusters)} clusters, largest {max(sizes)}, "
      f"pairs in clusters {pairs}, below containment 0.6 {100 * below / max(pairs, 1):.1f}%, lowest pair {lowest_pair:.3f}, "
      f"lowest member-to-core {lowest_core:.3f}")
