"""Which sketch for candidate pairs: MinHash (rensa, datasketch, numpy over xxhash) against our winnowed shingles.

Two questions, on the generated republication corpus (copies_corpus.py): how long each takes per article, and which
true pairs each leaves out of the candidates (whole copies, and partial copies: a few sentences lifted into another
article). MinHash candidates come from LSH banding (32 bands of 4 rows of a 128-permutation signature: pairs with a
Jaccard similarity above about 0.42 become candidates). rensa, datasketch and xxhash are not dependencies of
newsprobe; install them to measure them (`pip install rensa datasketch xxhash`), the others are skipped.
Usage: python bench/copies_sketch.py [N]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from copies_corpus import make  # noqa: E402
from report import write_section  # noqa: E402

from newsprobe.corpus.copies import candidates, sketch  # noqa: E402

PERM = 128
BANDS, ROWS = 32, 4
_WORD = re.compile(r"\w+")


def shingle_strings(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return [" ".join(words[i: i + 5]) for i in range(max(len(words) - 4, 0))]


def sig_rensa(texts):
    from rensa import RMinHash

    out = []
    for t in texts:
        m = RMinHash(num_perm=PERM, seed=42)
        m.update(shingle_strings(t))
        out.append(np.array(m.digest(), dtype=np.uint64))
    return out


def sig_datasketch(texts):
    from datasketch import MinHash

    out = []
    for t in texts:
        m = MinHash(num_perm=PERM, seed=42)
        m.update_batch([s.encode() for s in shingle_strings(t)])
        out.append(m.hashvalues.astype(np.uint64))
    return out


def sig_xxhash(texts):
    import xxhash

    rng = np.random.default_rng(42)
    prime = np.uint64((1 << 61) - 1)
    a = rng.integers(1, (1 << 61) - 1, PERM, dtype=np.uint64)
    b = rng.integers(0, (1 << 61) - 1, PERM, dtype=np.uint64)
    out = []
    for t in texts:
        sh = shingle_strings(t) or [""]
        h = np.fromiter((xxhash.xxh64_intdigest(s.encode()) for s in sh), dtype=np.uint64, count=len(sh)) & prime
        with np.errstate(over="ignore"):
            out.append(((h[:, None] * a[None, :] + b[None, :]) % prime).min(axis=0))
    return out


def lsh_pairs(sigs) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = {}
        for d, s in enumerate(sigs):
            buckets.setdefault(s[band * ROWS: (band + 1) * ROWS].tobytes(), []).append(d)
        for members in buckets.values():
            if 1 < len(members) <= 50:
                pairs.update((x, y) for i, x in enumerate(members) for y in members[i + 1:])
    return pairs


def winnow_pairs(texts) -> set[tuple[int, int]]:
    owners, values = [], []
    for i in range(0, len(texts), 256):
        sk = sketch.sketch(texts[i: i + 256])
        owners.append(sk.owner + i)
        values.append(sk.value)
    ci, cj, _ = candidates.pairs(np.concatenate(owners), np.concatenate(values), np.arange(len(texts)))
    return set(zip(ci.tolist(), cj.tolist(), strict=True))


def main() -> None:
    records, truth = make(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    texts = [r["text"] for r in records]
    pos = {r["id"]: i for i, r in enumerate(records)}
    copy_pairs, partial_pairs = set(), set()
    by_family: dict[str, list[int]] = {}
    for k, t in truth.items():
        if t.kind in ("original", "copy"):
            by_family.setdefault(t.family, []).append(pos[k])
        if t.kind == "partial":
            partial_pairs.add(tuple(sorted((pos[k], pos[t.source]))))
    for members in by_family.values():
        copy_pairs.update((min(x, y), max(x, y)) for i, x in enumerate(members) for y in members[i + 1:])
    rows = []
    methods = [("winnowed 5-gram shingles (numpy, ours)", None), ("MinHash, rensa", sig_rensa),
               ("MinHash, datasketch", sig_datasketch), ("MinHash, numpy over xxhash", sig_xxhash)]
    for name, fn in methods:
        try:
            t0 = time.perf_counter()
            if fn is None:
                got = winnow_pairs(texts)
                per_doc = (time.perf_counter() - t0) / len(texts)
            else:
                sigs = fn(texts)
                per_doc = (time.perf_counter() - t0) / len(texts)
                got = lsh_pairs(sigs)
        except ImportError as exc:
            rows.append(f"| {name} | not installed ({exc.name}) | | | |")
            continue
        rc = len(copy_pairs & got) / len(copy_pairs)
        rp = len(partial_pairs & got) / len(partial_pairs)
        rows.append(f"| {name} | {per_doc * 1e6:,.0f} µs | {rc:.3f} | {rp:.3f} | {len(got):,} |")
        print(rows[-1], flush=True)
    words = sum(len(t.split()) for t in texts) / len(texts)
    body = "\n".join([
        f"{len(texts)} generated articles (mean {words:.0f} words), {len(copy_pairs)} true copy pairs, "
        f"{len(partial_pairs)} partial-copy pairs. Time per article includes finding and hashing the shingles "
        f"(MinHash: the signature; ours: the fingerprints and the candidate pairs); MinHash candidates from LSH "
        f"banding ({BANDS} bands x {ROWS} rows). The machine is shared; compare the rows, not the absolute times.",
        "", "| sketch | time per article | copy pairs in candidates | partial pairs in candidates | candidates |",
        "| --- | --- | --- | --- | --- |", *rows, "",
        "Winnowing keeps what MinHash loses: a partial copy shares a few sentences, a small Jaccard similarity but "
        "a sure shared fingerprint (any 20-word run shared gives one).",
    ])
    print(body)
    write_section("copies-sketch", body)


if __name__ == "__main__":
    main()
