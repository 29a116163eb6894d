"""CommonCrawl-style WET files written (and read) with warcio, to check neardupe's WARC reader
against an independent one.

A WET file here is a warcinfo record, then one `conversion` record per page: WARC-Target-URI,
WARC-Date, WARC-Record-ID, WARC-Refers-To, WARC-Block-Digest, Content-Type: text/plain and
Content-Length, as CommonCrawl's WET files have them. Ids are fixed (uuid5 of the address), so
the output is the same on every run.

    python -m venv /tmp/warcio && /tmp/warcio/bin/pip install warcio
    # data/sample.warc.wet (texts written for it; no real article is copied)
    /tmp/warcio/bin/python benches/scripts/make_sample_wet.py sample data/sample.warc.wet
    # the same, gzipped record by record as CommonCrawl's .warc.wet.gz files are
    /tmp/warcio/bin/python benches/scripts/make_sample_wet.py sample --gzip sample.warc.wet.gz
    # a JSONL corpus ({"id", "date", "text"}) as a WET file: page https://news.example/ID
    /tmp/warcio/bin/python benches/scripts/make_sample_wet.py from-jsonl data/news-sample.jsonl news.warc.wet
    # warcio's reading of a WARC file's conversion records as JSONL ({"id", "uri", "date", "text"})
    /tmp/warcio/bin/python benches/scripts/make_sample_wet.py read news.warc.wet > news.warcio.jsonl
"""

import io
import json
import sys
import uuid

from warcio.warcwriter import WARCWriter

SUMMIT = (
    "Leaders of the five river nations met in Vientiane on Tuesday to sign a treaty on sharing "
    "the water of the Mekong during the dry season, after three years of talks that nearly "
    "collapsed twice.\n\n"
    "The agreement sets a minimum flow at the border stations from February to May, and obliges "
    "every dam operator upstream to publish its release plans a month ahead. Farmers in the delta, "
    "where salt water has crept forty kilometres inland in recent droughts, had asked for such a "
    "rule for a decade.\n\n"
    "Officials said the treaty would be reviewed every five years, and that a joint commission "
    "would settle disputes before they reached the courts. Environmental groups welcomed the "
    "deal but warned that the minimum flows were lower than scientists had recommended."
)
RATES = (
    "The central bank left its main interest rate at 4.25 per cent on Thursday, saying that "
    "inflation was falling faster than expected but that wages were still rising too quickly for "
    "a cut.\n\n"
    "Seven of the nine members of the rate committee voted to hold; two wanted a quarter-point "
    "cut. The governor told reporters that borrowing costs would come down gradually next year "
    "if prices kept easing, and that the bank would not be rushed by the markets.\n\n"
    "Mortgage lenders had already lowered some fixed rates in anticipation of a cut, and "
    "analysts said the decision would disappoint home buyers hoping for cheaper loans before "
    "the spring."
)
FESTIVAL = (
    "Crowds filled the old harbour of Valparaíso on Saturday for the first night of the "
    "autumn lantern festival, which returned after a two-year pause. Children carried paper "
    "boats down to the water, and a brass band from the naval school played until midnight. "
    "Organisers said more than forty thousand visitors were expected over the weekend, and the "
    "city added late buses to the hills above the port."
)

PAGES = [
    # (address, date, text)
    ("https://river-news.example/2024/03/mekong-treaty", "2024-03-05T08:12:44Z", "Mekong nations sign dry-season water treaty\n\n" + SUMMIT),
    ("https://asia-daily.example/world/mekong-water-deal", "2024-03-06T10:30:02Z",
     "Water treaty signed\n\nVientiane, March 5 (ADN): " + SUMMIT + "\n\nThis story was first published by River News."),
    ("https://delta-times.example/news/2024-03-07/treaty", "2024-03-07T21:45:19Z",
     "UPDATE: Mekong treaty sets minimum river flow\n\n" + SUMMIT.replace("nearly collapsed twice", "almost collapsed twice") + "\n\n(News Source: ADN)"),
    ("https://archive.example/retro/mekong-treaty-one-year-on", "2025-03-05T09:00:00Z",
     "One year ago: " + SUMMIT + "\n\nRead more in our archive."),
    ("https://money-wire.example/markets/rates-hold", "2024-11-21T12:00:00Z", "Central bank holds rates\n\n" + RATES),
    ("https://city-post.example/business/bank-holds-rates", "2024-11-22T07:20:00Z",
     "Rates unchanged, says central bank\n\n" + RATES + "\n\nCopyright City Post. All rights reserved."),
    ("https://coast-herald.example/culture/lantern-festival", "2024-04-13T23:10:00Z", "Lantern festival returns\n\n" + FESTIVAL),
]


def record_id(address, kind):
    return "<urn:uuid:%s>" % uuid.uuid5(uuid.NAMESPACE_URL, kind + ":" + address)


def write(out_path, gzip, name, pages):
    with open(out_path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip, warc_version="1.0")
        info = writer.create_warcinfo_record(
            name,
            {"software": "neardupe sample (warcio)", "description": "CommonCrawl-style WET sample"},
        )
        # Fixed values instead of the time and a random id, so that every run writes the same file.
        info.rec_headers.replace_header("WARC-Date", "2024-12-01T00:00:00Z")
        info.rec_headers.replace_header("WARC-Record-ID", record_id(name, "warcinfo"))
        writer.write_record(info)
        for address, date, text in pages:
            body = text.encode("utf-8")
            headers = {
                "WARC-Date": date,
                "WARC-Record-ID": record_id(address, "conversion"),
                "WARC-Refers-To": record_id(address, "response"),
                "WARC-Identified-Content-Language": "eng",
            }
            rec = writer.create_warc_record(
                address,
                "conversion",
                payload=io.BytesIO(body),
                length=len(body),
                warc_headers_dict=headers,
                warc_content_type="text/plain",
            )
            writer.write_record(rec)


def from_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                doc = json.loads(line)
                yield ("https://news.example/" + doc["id"], doc["date"] + "T12:00:00Z", doc["text"])


def read(path):
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type != "conversion":
                continue
            h = rec.rec_headers
            text = rec.content_stream().read().decode("utf-8")
            doc = {"id": h.get_header("WARC-Record-ID"), "uri": h.get_header("WARC-Target-URI"),
                   "date": h.get_header("WARC-Date"), "text": text}
            sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")


def main():
    args = sys.argv[1:]
    gzip = "--gzip" in args
    args = [a for a in args if a != "--gzip"]
    if args[0] == "sample":
        write(args[1], gzip, "sample.warc.wet", PAGES)
    elif args[0] == "from-jsonl":
        write(args[2], gzip, args[2].rsplit("/", 1)[-1], from_jsonl(args[1]))
    elif args[0] == "read":
        read(args[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
