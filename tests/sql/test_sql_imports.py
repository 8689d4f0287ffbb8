"""The SQL store stays out of the way of hosts that do not use it."""

from __future__ import annotations

import subprocess
import sys


def test_import_crmcore_imports_no_sqlalchemy_and_no_alembic() -> None:
    code = (
        "import sys, crmcore, crmcore.app, crmcore.memory, crmcore.cli, crmcore.serialization;"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg', 'crmcore.sql')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
