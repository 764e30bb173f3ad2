"""Choose words to add to the technique layer's label list (`tagger.LOADED_TERMS`) from a public lexicon, keeping
only those that PTC's annotators and our technique head both treat as loaded language or labels.

    python -m training.label_terms [--articles N]

Candidates: the MPQA subjectivity clues (Wilson, Wiebe and Hoffmann 2005, ../shared/data/lexicons/mpqa_subjclues)
marked strongly subjective and negative, unstemmed, single words. A candidate is kept when, in PTC *train* (never
dev, on which the result is measured):

1. it occurs at least `MIN_COUNT` times and at least `MIN_INSIDE` of its occurrences lie inside a gold propaganda
   span (the annotators mark it as propaganda, not only the lexicon), and
2. the technique head, given the word as a span in its article, names Loaded_Language or Name_Calling,Labeling
   (Repetition left aside, as for the label list) for at least `MIN_AGREE` of its occurrences.

Prints the chosen words with their counts; nothing is copied from the lexicon into the repository.

Result (2026-11-29, 150 train articles read for step 2, 11 min on a loaded 2-core machine): 79 of 2,514 candidates
pass ("abominable", "blatant", "bogus", "crazy", "disgrace", "hypocrites", "phony", "reckless", "sham", "tyranny",
"wicked", ...). Proposed as spans the way `LABEL_TERMS` is (kept when the head says Loaded_Language or
Name_Calling and no tagger span covers the word), they lowered PTC dev SI F1 from 0.4176 to 0.4160 (precision
0.3285 -> 0.3264, recall 0.5730 -> 0.5734): the tagger already finds these words where PTC marks them, and the new
spans mostly add single words PTC does not mark. So the runtime does not use them. Neither "loot" nor "rogue"
(the seed's "loot people's properties", "rogue decisions") passes step 1: "rogue" is not in PTC train at all and
"loot" too rarely, so no list built this way finds them honestly.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MIN_COUNT = 4
MIN_INSIDE = 0.7
MIN_AGREE = 0.5
AGREEING = ("Loaded_Language", "Name_Calling,Labeling")


def candidates() -> set[str]:
    words = set()
    path = DATA / "lexicons" / "mpqa_subjclues" / "subjclueslen1-HLTEMNLP05.tff"
    for line in path.read_text(encoding="latin-1").splitlines():
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        if f.get("type") == "strongsubj" and f.get("priorpolarity") == "negative" and f.get("stemmed1") == "n":
            words.add(f["word1"].lower())
    return words


def main() -> None:
    from newsprobe.layers.techniques.evaluate import read_articles, read_si
    from newsprobe.layers.techniques.tagger import TechniqueModel

    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=150, help="PTC train articles read for step 2 (the slow one)")
    args = ap.parse_args()
    start = time.perf_counter()
    ptc = DATA / "ptc"
    articles = read_articles(ptc / "train-articles")
    gold = read_si(ptc / "train-task-si.labels")
    words = candidates()
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b", re.I)
    hits: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    inside: dict[str, int] = defaultdict(int)
    for article_id, text in articles.items():
        spans = gold.get(article_id, [])
        for m in pattern.finditer(text):
            w = m.group(1).lower()
            hits[w].append((article_id, m.start(), m.end()))
            inside[w] += any(s <= m.start() and m.end() <= e for s, e in spans)
    step1 = {w for w, occ in hits.items() if len(occ) >= MIN_COUNT and inside[w] / len(occ) >= MIN_INSIDE}
    print(f"{len(words)} candidates, {len(hits)} occur in PTC train, {len(step1)} pass step 1")
    model = TechniqueModel.load()
    agree: dict[str, list[bool]] = defaultdict(list)
    by_article: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for w in step1:
        for article_id, s, e in hits[w]:
            by_article[article_id].append((w, s, e))
    for article_id in sorted(by_article)[: args.articles]:
        enc = model.encode(articles[article_id])
        occ = by_article[article_id]
        probs = model.classify(enc, [(s, e) for _, s, e in occ])
        probs[:, model.head.techniques.index("Repetition")] = 0.0
        for (w, _, _), p in zip(occ, probs, strict=True):
            agree[w].append(model.head.techniques[int(np.argmax(p))] in AGREEING)
    chosen = sorted(w for w in step1 if agree[w] and sum(agree[w]) / len(agree[w]) >= MIN_AGREE)
    for w in chosen:
        print(f"{w}\t{len(hits[w])} occurrences\t{inside[w] / len(hits[w]):.2f} inside gold\t"
              f"{sum(agree[w]) / len(agree[w]):.2f} head agrees ({len(agree[w])} read)")
    print(f"{len(chosen)} chosen in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
