"""The registry of per-article layers, in pipeline order. Adding a layer: a folder here plus one line below."""

from newsprobe.core.registry import Registry
from newsprobe.layers import attribution, claims, dates, entities, sentences, techniques

LAYERS = Registry([
    sentences.LAYER,
    entities.LAYER,
    dates.LAYER,
    attribution.LAYER,  # before claims, which link to it
    claims.LAYER,
    techniques.LAYER,
])
