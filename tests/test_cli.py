"""The command line and the demo story."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crmcore import __version__
from crmcore.cli import main
from crmcore.demo import DEMO_MOMENT, demo_lines

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_demo_tells_the_whole_story_through_the_crm() -> None:
    text = "\n".join(demo_lines(NOW))
    assert "ООО «Ромашка»" in text
    assert "16:00 Asia/Vladivostok" in text
    assert "legal.tax_id: is not a valid INN" in text
    assert "Request web-1: rule new-requests made anna responsible" in text
    assert "bound to ООО «Ромашка» / Анна Смирнова" in text
    assert "PossibleDuplicates: may be ООО «Ромашка»" in text
    assert "draft -> on_approval -> draft -> on_approval -> approved" in text
    assert "Трубы для «Ромашки»: won at stage 'contract', 1250000 RUB." in text
    assert "then lost (competitor) to lilie" in text
    assert "Decided partially_satisfied, closed" in text
    assert "5 messages wait in the outbox" in text
    assert "The desktop of anna for 02.03.2026:" in text
    assert "won 1, lost 1, open 3; win rate 50.0%" in text
    assert "team     13 / 11 (+18%)" in text
    assert re.search(r"^\d+ commands ran through CRM.execute; \d+ events:$", text, re.MULTILINE)
    assert re.search(r"^  .*partner\.registered.*request\.converted", text, re.MULTILINE)


def test_demo_command_prints_the_story_at_the_fixed_moment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"crmcore demo: a temporary in-memory CRM at {DEMO_MOMENT:%Y-%m-%d %H:%M}"
    )
    assert out == "\n".join(demo_lines(DEMO_MOMENT)) + "\n"


def test_demo_command_tells_the_story_at_a_given_moment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--at", "2027-05-04T09:00+03:00"]) == 0
    assert "The desktop of anna for 04.05.2027:" in capsys.readouterr().out


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


def test_demo_on_an_sqlite_file_tells_the_story_once_and_then_finds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.db"
    assert main(["demo", "--db", str(path)]) == 0
    told = capsys.readouterr().out
    memory = "\n".join(demo_lines(DEMO_MOMENT)) + "\n"
    assert (
        told.splitlines()[0]
        == f"crmcore demo: the SQLite store {path} at 2026-03-02 09:00 UTC+03:00"
    )
    assert told.splitlines()[1:] == memory.splitlines()[1:], "the same story as in memory"
    assert main(["demo", "--db", str(path)]) == 0
    again = capsys.readouterr().out.splitlines()
    assert again[0] == f"crmcore demo: {path} holds the data of an earlier run:"
    assert again[1].startswith("  7 partners: ")
    assert again[-1] == "Nothing was changed; give another file to tell the story again."
