"""The hypothesis entry point works whichever module imports hypothesis first."""

from __future__ import annotations

import subprocess
import sys

import pytest

DRAW = (
    "from hypothesis import strategies as st, find;"
    "from crmcore.partners import Partner;"
    "print(type(find(st.from_type(Partner), lambda p: True)).__name__)"
)


@pytest.mark.parametrize(
    "first", ["import crmcore.testing.strategies", "import hypothesis", "import crmcore"]
)
def test_from_type_works_after_any_first_import(first: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", f"{first}; {DRAW}"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Partner"
