"""The package's shape, checked: a layer's internals are used only inside its folder, and cheap modules stay cheap.

Everything outside `layers/<name>/` reaches a layer through the registry (`newsprobe.layers.LAYERS`) or what the
layer's `__init__` exposes; that is what lets a layer be added, replaced or removed as one folder.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "newsprobe"


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("newsprobe."):
            names.append(node.value.split(":", 1)[0])  # "module:function" references in registries
    return names


def _layer_of(path: Path) -> str | None:
    parts = path.relative_to(SRC).parts
    return parts[1] if parts[0] == "layers" and len(parts) > 2 else None


def test_no_module_outside_a_layer_uses_its_internals() -> None:
    layers = {p.name for p in (SRC / "layers").iterdir() if (p / "__init__.py").is_file()}
    offences = []
    for path in SRC.rglob("*.py"):
        own = _layer_of(path)
        for name in _imports(path):
            parts = name.split(".")
            internal = len(parts) >= 4 and ((SRC / "layers" / parts[2] / f"{parts[3]}.py").is_file()
                                            or (SRC / "layers" / parts[2] / parts[3]).is_dir())
            if internal and parts[:2] == ["newsprobe", "layers"] and parts[2] in layers:
                # newsprobe.layers.<layer>.<module>: internal unless it is the layer's own folder, or the
                # registry entry in the layer's __init__ pointing at its own modules.
                if parts[2] != own and not (path.name == "__init__.py" and path.parent.name == parts[2]):
                    offences.append(f"{path.relative_to(SRC)} -> {name}")
    assert not offences, "\n".join(sorted(set(offences)))


def test_the_checker_sees_an_offence(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("from newsprobe.layers.attribution.sourcing import classify\n", encoding="utf-8")
    assert "newsprobe.layers.attribution.sourcing" in _imports(bad)


def test_cheap_steps_do_not_load_spacy() -> None:
    """Reading, cleaning, preparing and the registries must not import spaCy or a model: they run on every document
    before any analysis, and a store can skip an article it holds without paying for the parse."""
    code = ("import sys, newsprobe.io.read, newsprobe.io.clean, newsprobe.io.prepare, newsprobe.layers, "
            "newsprobe.corpus, newsprobe.core.settings; "
            "print(sorted(m for m in ('spacy', 'onnxruntime', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", out
