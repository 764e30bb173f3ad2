"""Corpus analysis `outlets`: how outlets differ in sourcing and technique use (the CLI's `sources`, the web's outlets
page and `/api/outlets`)."""

from newsprobe.core.registry import CorpusAnalysis

ANALYSIS = CorpusAnalysis(
    name="outlets",
    commands=(("sources", "newsprobe.corpus.outlets.cli:sources"),),
)
