"""What a layer is to the rest of newsprobe: one `Layer` entry naming its component, summary, report section, web
panel and evaluation command.

The pipeline, the summary, the text report, the web article page and the `eval` commands all read the registry
(`newsprobe.layers.LAYERS`) instead of naming layers, so adding a layer is one new folder under `layers/` plus one
entry there. Parts are given as ``"module:attribute"`` strings and imported on first use: reading the registry costs
nothing, and a cheap step (cleaning, metadata) never pulls in spaCy or a model because some layer exists.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newsprobe.core.errors import NewsprobeError


@dataclass(frozen=True)
class Layer:
    """One per-article analysis.

    `name` is what users type (`--layers attribution,claims`) and the span layer it writes is `span_layer`
    ("entity" for the `entities` layer). `requires` are layers it reads and that must run before it; `uses` are
    layers it reads when they ran (claims link to attribution). `model` marks layers that run one of our ONNX
    models; `english_only` layers are skipped, and said to be, for articles in other languages.

    The hooks, each optional and each ``"module:attribute"``:
    - `summary(spans, article) -> dict`: the layer's entry in `article.summary`, and `summary_line(summary) -> str`
      its part of the report's one-line gist;
    - `report(article, spans) -> rich renderable`: its section of the text report;
    - `panel(article, spans) -> dict | None`: context for the template `panel_template` (a file beside the
      module, found by the web app's template loader) on the article page; None shows nothing;
    - `evaluate`: a function that becomes `newsprobe eval <evaluate_name>` (a Typer command); `evaluations` adds
      more, as (name, "module:function") pairs, for a layer measured on several kinds of gold data (attribution:
      spans on PolNeAR, source types on our sourcing gold set).
    """

    name: str
    span_layer: str
    component: str  # module that registers the spaCy factory `factory`
    factory: str
    requires: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    model: bool = False
    english_only: bool = False
    config: tuple[tuple[str, str], ...] = ()  # (component config key, settings field) pairs passed to the factory
    in_text: bool = True  # highlighted in the report's text (sentences would colour everything)
    highlight: str = "reverse"  # rich style of its spans in the report's text, or "module:function(span) -> style"
    summary: str | None = None
    summary_line: str | None = None
    report: str | None = None
    panel: str | None = None
    panel_template: str | None = None
    evaluate: str | None = None
    evaluate_name: str | None = None
    evaluations: tuple[tuple[str, str], ...] = ()

    def eval_commands(self) -> list[tuple[str, Callable[..., Any]]]:
        """Every `newsprobe eval` command this layer brings: (name, function), `evaluate` first."""
        refs = ([(self.evaluate_name or self.name, self.evaluate)] if self.evaluate else []) + list(self.evaluations)
        return [(name, resolve(ref)) for name, ref in refs]

    def hook(self, part: str) -> Callable[..., Any] | None:
        """The function behind one of the hooks (`summary`, `summary_line`, `report`, `panel`, `evaluate`), imported
        on first use."""
        ref = getattr(self, part)
        return None if ref is None else resolve(ref)

    def load_component(self) -> None:
        """Import the module that registers this layer's spaCy factory."""
        importlib.import_module(self.component)


def resolve(ref: str) -> Callable[..., Any]:
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


class Registry:
    """The layers in pipeline order, looked up by name or by the span layer they write."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        self.layers: tuple[Layer, ...] = tuple(layers)
        self._by_name = {layer.name: layer for layer in self.layers}
        self._by_span = {layer.span_layer: layer for layer in self.layers}
        for layer in self.layers:
            unknown = [n for n in (*layer.requires, *layer.uses) if n not in self._by_name]
            if unknown:
                raise ValueError(f"layer {layer.name!r} depends on unknown layers {unknown}")

    def __iter__(self):
        return iter(self.layers)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self.layers)

    def get(self, name: str) -> Layer:
        name = name.removeprefix("newsprobe/")  # the spaCy factory's name works too
        layer = self._by_name.get(name) or self._by_span.get(name)
        if layer is None:
            raise NewsprobeError(f"unknown layer {name!r}; choose from {', '.join(self.names)}")
        return layer

    def for_span_layer(self, span_layer: str) -> Layer | None:
        return self._by_span.get(span_layer)

    def select(self, names: Iterable[str] | None) -> tuple[Layer, ...]:
        """The layers to run for a request, in pipeline order: those named (by layer or span-layer name), the layers
        they require, and nothing else; all of them for None."""
        if names is None:
            return self.layers
        wanted: set[str] = set()
        stack = [self.get(n.strip()).name for n in names if n.strip()]
        while stack:
            name = stack.pop()
            if name not in wanted:
                wanted.add(name)
                stack.extend(self._by_name[name].requires)
        return tuple(layer for layer in self.layers if layer.name in wanted)


def parse_layers(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """`--layers entities,attribution` (or a list) as names; None or "all" for every layer."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    names = tuple(i.strip() for i in items if i.strip())
    if not names or names == ("all",):
        return None
    return names


@dataclass(frozen=True)
class CorpusAnalysis:
    """One analysis across the articles of a store (outlet figures, copies, actors).

    `commands` are (name, "module:function") pairs that become `newsprobe <name>`; `panel`/`panel_template` work as a
    layer's do, on the article page; `router` ("module:attribute") is a FastAPI router the web app includes.
    """

    name: str
    commands: tuple[tuple[str, str], ...] = ()
    panel: str | None = None
    panel_template: str | None = None
    router: str | None = None

    def hook(self, part: str) -> Callable[..., Any] | None:
        ref = getattr(self, part)
        return None if ref is None else resolve(ref)
