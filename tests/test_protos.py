"""The generated code in gen/ is what `make protos` makes from protos/ today."""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path
from types import ModuleType

from tests.harness import ROOT


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "protos" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _files(root: Path) -> dict[str, bytes]:
    # Bytecode caches appear beside the sources wherever Python may write them.
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.relative_to(root).parts
    }


def test_generated_code_is_fresh(tmp_path: Path) -> None:
    fresh = tmp_path / "gen"
    _generator().generate(fresh)
    committed = ROOT / "gen"
    stale = [
        name
        for name in set(_files(fresh)) | set(_files(committed))
        if not (committed / name).exists()
        or not (fresh / name).exists()
        or not filecmp.cmp(committed / name, fresh / name, shallow=False)
    ]
    assert stale == [], f"gen/ is stale, run `make protos`: {sorted(stale)}"
