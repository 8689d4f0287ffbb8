"""The command line: ``python -m crmcore demo``, ``--help``, ``--version``.

The only module besides ``__main__`` that prints; the demo runs on its own fixed clock.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from crmcore import __version__
from crmcore.demo import DEMO_MOMENT, demo_lines
from crmcore.errors import CRMError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m crmcore",
        description="crmcore: an embeddable, pure-domain CRM core for business applications.",
    )
    parser.add_argument("--version", action="version", version=f"crmcore {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo", help="tell a short CRM story, every step a command of an in-memory CRM"
    )
    demo.add_argument(
        "--at",
        metavar="ISO-DATETIME",
        type=_aware_datetime,
        help=f"tell the story at this moment (with an offset), not {DEMO_MOMENT.isoformat()}",
    )
    demo.add_argument(
        "--db",
        metavar="PATH",
        help="tell the story on an SQLite file (extra crmcore[sql]); a second run finds it",
    )
    db = commands.add_parser("db", help="upgrade the schema of an SQL store (extra crmcore[sql])")
    db.add_argument("action", choices=["upgrade"], help="run the migrations up to the latest")
    db.add_argument("url", help="the database: sqlite:///crm.db, postgresql+psycopg://host/crm")
    return parser


def _aware_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give an offset, e.g. 2026-03-02T09:00+03:00")
    return moment


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (the process's arguments by default)."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "db":
        return _db(parser, arguments.action, arguments.url)
    if arguments.command != "demo":
        parser.print_help()
        return 0
    now = arguments.at or DEMO_MOMENT
    store = _sqlite(parser, arguments.db) if arguments.db else None
    try:
        for line in demo_lines(now, store=store, where=arguments.db):
            print(line)
    except BrokenPipeError:  # the reader (``| head``) has seen enough
        sys.stderr.close()
    finally:
        if store is not None:
            store.close()
    return 0


def _sqlite(parser: argparse.ArgumentParser, path: str) -> Any:
    try:
        from crmcore.sql import SqlStore  # noqa: PLC0415 - needs the sql extra, only here
    except ImportError as error:
        parser.exit(2, f"--db needs crmcore[sql] (pip install 'crmcore[sql]'): {error}\n")
    try:
        return SqlStore.sqlite(path)
    except CRMError as error:
        parser.exit(1, f"{error}\n")


def _db(parser: argparse.ArgumentParser, action: str, url: str) -> int:
    try:
        from crmcore.sql.cli import db_lines  # noqa: PLC0415 - needs the sql extra, only here
    except ImportError as error:
        parser.exit(2, f"the db commands need crmcore[sql] (pip install 'crmcore[sql]'): {error}\n")
    try:
        lines = db_lines(action, url)
    except CRMError as error:
        parser.exit(1, f"{error}\n")
    print(*lines, sep="\n")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through __main__
    sys.exit(main())
