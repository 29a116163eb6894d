"""Converts a JSONL corpus to Parquet with pyarrow, for the Parquet measurements in the README.

    python benches/scripts/jsonl_to_parquet.py IN.jsonl OUT.parquet [--codec snappy|zstd] [--rows 10000]

Rows keep the input's order; every field becomes a column (strings stay strings). Row groups of
10,000 rows by default, as the Hugging Face `datasets` library writes them.
"""

import argparse

import pyarrow as pa
import pyarrow.json as pj
import pyarrow.parquet as pq


def main():
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--codec", default="snappy")
    p.add_argument("--rows", type=int, default=10_000)
    a = p.parse_args()
    reader = pj.open_json(a.input, read_options=pj.ReadOptions(block_size=64 << 20))
    writer = None
    pending = []
    size = 0
    for batch in reader:
        if writer is None:
            writer = pq.ParquetWriter(a.output, batch.schema, compression=a.codec)
        pending.append(batch)
        size += batch.num_rows
        if size >= a.rows:
            writer.write_table(pa.Table.from_batches(pending), row_group_size=a.rows)
            pending, size = [], 0
    if pending:
        writer.write_table(pa.Table.from_batches(pending), row_group_size=a.rows)
    writer.close()


if __name__ == "__main__":
    main()
