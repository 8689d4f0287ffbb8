"""Without the ``testing`` extra, the kit says which extra to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_IMPORT_WITHOUT = (
    "import sys; sys.modules[{missing!r}] = None\n"
    "try:\n"
    "    import {package}\n"
    "except ModuleNotFoundError as error:\n"
    "    print(error.name, '|', error)\n"
)


@pytest.mark.parametrize(
    ("package", "missing"),
    [
        ("crmcore.testing.contracts", "pytest"),
        ("crmcore.testing.strategies", "hypothesis"),
        ("crmcore.testing.stateful", "hypothesis"),
        ("crmcore.testing.stateful", "pytest"),
    ],
)
def test_a_missing_extra_is_named_with_the_command_to_install_it(
    package: str, missing: str
) -> None:
    code = _IMPORT_WITHOUT.format(package=package, missing=missing)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    name, message = result.stdout.strip().split(" | ")
    assert name == missing
    assert message == (
        f"{package} needs {missing}, which the 'testing' extra installs:"
        " pip install crmcore[testing]"
    )


def test_a_module_of_the_extra_missing_a_dependency_of_its_own_is_not_taken_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmcore.testing._extra import require_testing_extra  # noqa: PLC0415

    (tmp_path / "crmcore_broken_plugin.py").write_text("import crmcore_absent_dependency\n")
    monkeypatch.syspath_prepend(tmp_path)
    with pytest.raises(ModuleNotFoundError) as raised:
        require_testing_extra("crmcore.testing.contracts", "crmcore_broken_plugin")
    assert raised.value.name == "crmcore_absent_dependency"
    assert "testing" not in str(raised.value)
