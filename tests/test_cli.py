"""The command line and the demo story."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from crmcore import __version__
from crmcore.cli import main
from crmcore.demo import demo_lines

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_demo_tells_the_whole_story() -> None:
    text = "\n".join(demo_lines(NOW))
    assert "ООО «Ромашка»" in text
    assert "16:00 Asia/Vladivostok" in text
    assert "09:00 Europe/Moscow" in text
    assert "legal.tax_id: is not a valid INN" in text
    assert "partners stored before: 4, after: 4" in text
    assert "stopped: may be ООО «Ромашка»" in text
    assert "the event records the override: True" in text
    assert re.search(r"^\d+ events were published: .*partner\.registered", text, re.MULTILINE)


def test_demo_command_prints_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--at", "2026-03-02T09:00+03:00"]) == 0
    assert "Partners registered:" in capsys.readouterr().out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "demo" in capsys.readouterr().out


@pytest.mark.parametrize("moment", ["yesterday", "2026-03-02T09:00"])
def test_demo_refuses_a_bad_moment(moment: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--at", moment])
    assert exit_.value.code == 2
    assert "--at" in capsys.readouterr().err


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"crmcore {__version__}"


def test_module_entry_point_runs_the_demo() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crmcore", "demo"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "Who is connected" in result.stdout


def test_import_crmcore_imports_no_test_tool_and_no_plugin() -> None:
    code = (
        "import sys, crmcore, crmcore.partners, crmcore.serialization, crmcore.plugins, "
        "crmcore.memory;"
        "print(sorted(m for m in ('hypothesis', 'pytest', 'crmcore.testing') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
