"""Make the SQLite host example importable as ``crmcore_sqlite``."""

import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sqlite_host"
if str(EXAMPLE) not in sys.path:
    sys.path.insert(0, str(EXAMPLE))
