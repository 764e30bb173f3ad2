"""The batch path: corpus-level debris, errors kept in place, per-site statistics."""

from __future__ import annotations

from newsprobe.core.model import Article, Document, IngestError
from newsprobe.run import analyze_paths, prepared

FOOTER = "Levant Daily is published by the Levant Media Group in Beirut"


TOPICS = ["the water supply", "the bread price", "the school year", "the power cuts", "the bus routes",
          "the clinic", "the market hall"]
PLACES = ["the old town", "the port", "the northern district", "the university quarter", "the camp", "the suburbs"]


def _page(i: int) -> str:
    topic, place = TOPICS[i % len(TOPICS)], PLACES[i % len(PLACES)]
    return (
        f"The council met again on {topic} in {place}, officials said after a long session.\n\n"
        f"Residents of {place} told reporters that {topic} had been their first worry all winter.\n\n"
        f"{FOOTER}\n"
    )


def test_line_repeated_across_a_site_is_removed(tmp_path):
    for i in range(6):
        (tmp_path / f"page{i}.txt").write_text(_page(i), encoding="utf-8")
    arts = [a for a in analyze_paths([tmp_path]) if isinstance(a, Article)]
    assert len(arts) == 6
    for art in arts:
        assert FOOTER not in art.text
        assert any(r.text == FOOTER and "repeated" in r.reason for r in art.removed)


def test_repetition_is_counted_per_site():
    docs = [Document(source=f"feed#{i}", text=_page(i), outlet=f"site{i}.example") for i in range(6)]
    arts = list(prepared(docs))
    assert all(FOOTER in a.text for a in arts)  # one line on six different sites is not boilerplate


def test_errors_keep_their_place_in_the_stream(tmp_path):
    (tmp_path / "a.txt").write_text(_page(1), encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_text(_page(2), encoding="utf-8")
    items = list(analyze_paths([tmp_path]))
    assert [type(x) for x in items] == [Article, IngestError, Article]
    assert items[1].source.endswith("b.txt") and "empty" in items[1].reason
    assert items[0].spans and items[2].spans


def test_worker_processes_give_the_same_articles_in_input_order(tmp_path):
    """Two worker processes (core layers, which need no model) return what one process does, errors in place."""
    from newsprobe.core.settings import configure, reset

    for i in range(7):
        (tmp_path / f"p{i}.txt").write_text(_page(i), encoding="utf-8")
    (tmp_path / "p3_empty.txt").write_bytes(b"")
    configure(layers=("sentences", "entities", "dates"))
    try:
        one = list(analyze_paths([tmp_path], processes=1))
        two = list(analyze_paths([tmp_path], processes=2))
    finally:
        reset()
    assert [type(x) for x in two] == [type(x) for x in one]
    assert sum(isinstance(x, IngestError) for x in two) == 1
    for a, b in zip(one, two, strict=True):
        if isinstance(a, Article):
            assert (a.id, a.text, a.summary) == (b.id, b.text, b.summary)
            assert a.spans == b.spans
        else:
            assert a == b


def test_workers_use_the_callers_layers_and_stream_in_order():
    """Workers get the caller's settings (here: sentences only) and more chunks than workers come back in order."""
    from newsprobe.core.settings import configure, reset
    from newsprobe.workers import analyse_in_processes

    items: list = []
    for i in range(11):
        items.append(Article(id=f"a{i}", text=_page(i)))
        if i in (0, 5):
            items.append(IngestError(source=f"bad{i}", reason="unreadable"))
    configure(layers=("sentences",))
    try:
        out = list(analyse_in_processes(iter(items), processes=2, chunk=2))
    finally:
        reset()
    assert [getattr(x, "id", None) or x.source for x in out] == [getattr(x, "id", None) or x.source for x in items]
    arts = [x for x in out if isinstance(x, Article)]
    assert all({s.layer for s in a.spans} == {"sentence"} for a in arts)


def test_resolve_processes_defaults_to_every_core(tmp_path):
    from newsprobe.workers import available_cores, resolve_processes

    assert resolve_processes(None) == available_cores() >= 1
    assert resolve_processes(0) == available_cores()
    assert resolve_processes(3) == 3
    page = tmp_path / "one.txt"
    page.write_text(_page(1), encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text("{}\n", encoding="utf-8")
    assert resolve_processes(None, [page]) == 1  # one page: no pool
    assert resolve_processes(None, [feed]) == available_cores()  # a feed may hold any number of articles
    assert resolve_processes(None, [tmp_path]) == available_cores()
    assert resolve_processes(2, [page]) == 2  # asked for: given


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    """`kill -9` on an ingest leaves no worker behind: the workers notice their parent is gone and exit."""
    import os
    import signal
    import subprocess
    import sys
    import time

    code = (
        "import os, sys, time\n"
        "from newsprobe.core.model import Article\n"
        "from newsprobe.core.settings import configure\n"
        "from newsprobe.workers import analyse_in_processes\n"
        "configure(layers=('sentences',))\n"
        "items = (Article(id=str(i), text='Prices rose. ' * 50) for i in range(100000))\n"
        "for k, _ in enumerate(analyse_in_processes(items, processes=2, chunk=1)):\n"
        "    if k == 2:\n"
        "        import multiprocessing\n"
        "        print(' '.join(str(p.pid) for p in multiprocessing.active_children()), flush=True)\n"
        "    time.sleep(0.05)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    workers = [int(p) for p in line.split()]
    assert workers, "no worker processes seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 30
    alive = workers
    while alive and time.time() < deadline:
        time.sleep(0.5)
        alive = [p for p in workers if _running(p)]
    assert not alive, f"workers left running after their parent was killed: {alive}"


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
