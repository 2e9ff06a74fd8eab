"""Regenerates the Python code of every proto under protos/ into a target folder (default gen/).

`make protos` runs it; tests/test_protos.py runs it into a temporary folder to prove gen/ is fresh.
"""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

PROTO_ROOT = Path(__file__).resolve().parent


def generate(target: Path) -> None:
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.rglob("*.proto"))
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    well_known = str(resources.files("grpc_tools") / "_proto")
    # The mypy plugins are console scripts installed beside this interpreter.
    scripts = Path(sys.executable).parent
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--plugin=protoc-gen-mypy={scripts / 'protoc-gen-mypy'}",
        f"--plugin=protoc-gen-mypy_grpc={scripts / 'protoc-gen-mypy_grpc'}",
        f"--python_out={target}",
        f"--mypy_out={target}",
        f"--grpc_python_out={target}",
        f"--mypy_grpc_out={target}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    # gen/ itself is an import root, not a package: only the folders below it get __init__.py.
    for folder in (p for p in target.rglob("*") if p.is_dir()):
        (folder / "__init__.py").touch()
    (target / "client360" / "py.typed").touch()


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else PROTO_ROOT.parent / "gen")
