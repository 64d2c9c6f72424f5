"""Access to ../shared (schemas and real-world corpora nobody here wrote).

Tests that need it skip with a message when it is absent; they never fail for it.
Override the location with REFCONV_SHARED.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REFCONV_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared schemas/corpus are not beside this checkout")
    return path


def shared_files(folder: str, *patterns: str) -> list[Path]:
    """Files under ../shared/<folder> matching the glob patterns (empty when absent)."""
    base = SHARED / folder
    if not base.exists():
        return []
    found: set[Path] = set()
    for pattern in patterns:
        found.update(p for p in base.rglob(pattern) if p.is_file())
    return sorted(found)


def ids_for(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(SHARED)) for p in paths]
