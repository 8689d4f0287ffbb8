"""The top level of crmcore: its names are imported when first asked for."""

from __future__ import annotations

import subprocess
import sys

import pytest

import crmcore


def test_import_crmcore_imports_nothing_else_of_crmcore_nor_the_metadata() -> None:
    code = (
        "import sys, crmcore;"
        "print(sorted(m for m in sys.modules if m.startswith('crmcore') or m =="
        " 'importlib.metadata'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['crmcore']"


def test_every_name_of_all_is_there() -> None:
    for name in crmcore.__all__:
        assert getattr(crmcore, name) is not None
    assert set(crmcore.__all__) <= set(dir(crmcore))
    assert crmcore.Money.__module__ == "crmcore.money"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="nowhere"):
        _ = crmcore.nowhere  # type: ignore[attr-defined]
