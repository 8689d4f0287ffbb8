"""The demo's text table: aligned columns under a header, as every chapter prints them."""

from __future__ import annotations

from crmcore.tables import text_table as table

__all__ = ["table"]
