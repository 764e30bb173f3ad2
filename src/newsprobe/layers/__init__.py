"""The registry of per-article layers, in pipeline order. Adding a layer: a folder here plus one line below."""

from newsprobe.core.registry import Registry
from newsprobe.layers import attribution, claims, dates, entities, labels, sentences, techniques

LAYERS = Registry([
    sentences.LAYER,
    entities.LAYER,
    labels.LAYER,  # what each named actor is called; needs only the entities
    dates.LAYER,
    attribution.LAYER,  # before claims, which link to it
    claims.LAYER,
    techniques.LAYER,
])
