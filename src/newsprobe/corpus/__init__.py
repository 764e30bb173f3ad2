"""The registry of corpus analyses (across the articles of a store). Adding one: a folder here plus one line below."""

from newsprobe.core.registry import CorpusAnalysis
from newsprobe.corpus import copies, outlets

ANALYSES: tuple[CorpusAnalysis, ...] = (
    outlets.ANALYSIS,
    copies.ANALYSIS,
)
