"""The shipped migrations build exactly the tables of crmcore.sql.metadata, from an empty
database, on SQLite and PostgreSQL; ``python -m crmcore db upgrade URL`` runs them."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sql_backends import postgres_url
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from crmcore.cli import main
from crmcore.sql import SqlStore, StorageError, migrations_config
from crmcore.sql.cli import db_lines
from crmcore.sql.metadata import metadata

SCHEMA = "crmcore_migrations"


@pytest.fixture
def empty_postgres() -> Iterator[SqlStore]:
    """A store on an empty schema of its own on the PostgreSQL test server."""
    url = postgres_url()
    admin = SqlStore.from_url(url)
    with admin.database.begin("make a schema", write=True) as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    store = SqlStore.from_url(url, connect_args={"options": f"-csearch_path={SCHEMA}"})
    yield store
    store.close()
    with admin.database.begin("drop the schema", write=True) as connection:
        connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    admin.close()


@pytest.fixture
def empty_sqlite(tmp_path: Path) -> Iterator[SqlStore]:
    """A store on a new SQLite file, not migrated."""
    store = SqlStore.sqlite(tmp_path / "empty.db", upgrade=False)
    yield store
    store.close()


def _drift(store: SqlStore) -> list[object]:
    with store.database.begin("compare the schema") as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def _tables(store: SqlStore) -> set[str]:
    with store.database.begin("list the tables") as connection:
        return set(inspect(connection).get_table_names())


@pytest.mark.parametrize("database", ["empty_sqlite", "empty_postgres"])
def test_the_migrations_build_exactly_the_metadata_and_take_it_back(
    database: str, request: pytest.FixtureRequest
) -> None:
    store: SqlStore = request.getfixturevalue(database)
    assert _tables(store) == set()
    store.upgrade()
    assert _tables(store) == {*metadata.tables, "alembic_version"}
    assert _drift(store) == []
    store.upgrade()
    assert _drift(store) == []
    store.downgrade("base")
    assert _tables(store) == {"alembic_version"}


def test_a_host_s_alembic_finds_the_migrations_by_url(tmp_path: Path) -> None:
    path = tmp_path / "host.db"
    command.upgrade(migrations_config(f"sqlite:///{path}"), "head")
    with sqlite3.connect(path) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == "0007"


def test_db_upgrade_on_the_command_line_migrates_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["db", "upgrade", url]) == 0
    assert capsys.readouterr().out == f"{url}: schema at revision 0007 (the latest)\n"
    store = SqlStore.sqlite(tmp_path / "cli.db", upgrade=False)
    try:
        assert _drift(store) == []
    finally:
        store.close()


def test_db_upgrade_names_the_postgresql_database_without_its_password() -> None:
    url = make_url(postgres_url()).set(password="secret")
    (line,) = db_lines("upgrade", url.render_as_string(hide_password=False))
    assert "secret" not in line
    assert line.endswith("schema at revision 0007 (the latest)")


def test_db_upgrade_reports_a_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(StorageError) as raised:
        db_lines("upgrade", "postgresql+psycopg://crm:secret@127.0.0.1:1/nowhere")
    assert raised.value.operation == "upgrade the schema"
    with pytest.raises(SystemExit) as exited:
        main(["db", "upgrade", "not a url"])
    assert exited.value.code == 1
    assert "could not read the database URL" in capsys.readouterr().err


def test_db_lines_refuses_an_unknown_action() -> None:
    with pytest.raises(ValueError, match="unknown db action"):
        db_lines("downgrade", "sqlite://")


def test_db_without_the_sql_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "crmcore.sql.cli", None)
    with pytest.raises(SystemExit) as exited:
        main(["db", "upgrade", "sqlite://"])
    assert exited.value.code == 2
    assert "pip install 'crmcore[sql]'" in capsys.readouterr().err
