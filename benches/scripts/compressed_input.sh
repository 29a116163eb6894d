#!/usr/bin/env bash
# Times `neardupe cluster` on the same corpus as plain, gzip, zstd and split-into-gzip-parts input,
# for one or two binaries, in interleaved rounds; prints one line per run and the medians, and
# checks that every output is byte-identical to the first.
#
#   benches/scripts/compressed_input.sh CORPUS.jsonl [ROUNDS] [BINARY...]
#
# CORPUS.gz, CORPUS.zst and CORPUS.parts/ (4 gzipped pieces split by lines) are made beside the
# corpus when missing (gzip -6, zstd -3). BINARY defaults to target/release/neardupe; give two
# (say, a build of main and one of a branch) to compare them. Needs GNU time, gzip, zstd, split.
set -euo pipefail
corpus=${1:?usage: compressed_input.sh CORPUS.jsonl [ROUNDS] [BINARY...]}
rounds=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=(target/release/neardupe)
[ -f "$corpus.gz" ] || gzip -6 -c "$corpus" > "$corpus.gz"
[ -f "$corpus.zst" ] || zstd -q -3 "$corpus" -o "$corpus.zst"
if [ ! -d "$corpus.parts" ]; then
  mkdir "$corpus.parts"
  split -n l/4 -d --additional-suffix=.jsonl "$corpus" "$corpus.parts/part-"
  gzip -6 "$corpus.parts"/*.jsonl
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
first=""
for r in $(seq 1 "$rounds"); do
  for b in "${bins[@]}"; do
    for f in "$corpus" "$corpus.gz" "$corpus.zst" "$corpus.parts"; do
      /usr/bin/time -o "$work/t" -f "%e %U %S %M" "$b" cluster "$f" -q -o "$work/out.jsonl" --stats-json "$work/s.json"
      read -r wall user sys rss < "$work/t"
      stats=$(python3 -c "
import json; s = json.load(open('$work/s.json'))['stats']
print(round(s['seconds']['read'], 2), s.get('presigned', '-'), s.get('resigned', '-'))")
      sum=$(md5sum < "$work/out.jsonl" | cut -c1-12)
      first=${first:-$sum}
      [ "$sum" = "$first" ] || { echo "output of $b on $f differs" >&2; exit 1; }
      echo "$r $b $(basename "$f") $wall $(python3 -c "print(round($user + $sys, 2))") $rss $stats"
    done
  done
done | tee "$work/runs"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/runs" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    _, b, f, wall, cpu, rss, read, pre, re_ = line.split()
    runs[(b, f)].append((float(wall), float(cpu), int(rss), float(read), pre, re_))
print("binary input wall_median_s cpu_median_s peak_rss_MB read_median_s presigned resigned")
for (b, f), v in runs.items():
    med = lambda i: statistics.median(x[i] for x in v)
    print(b, f, med(0), med(1), round(max(x[2] for x in v) / 1000), med(3), v[-1][4], v[-1][5])
PY
