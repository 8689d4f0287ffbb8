"""Plain-text tables: how reports, quotes and the demo show rows to a person.

>>> print(*text_table(["name", "city"], [["Ромашка", "Москва"], ["Vostok", "Vladivostok"]]),
...       sep="\\n")
name     city
-------  -----------
Ромашка  Москва
Vostok   Vladivostok
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

__all__ = ["percent", "text_table"]

_TENTH: Final = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` in percent, one decimal, half up (0 when ``whole`` is 0), as a
    report's share column shows it.

    >>> percent(1, 3), percent(2, 3), percent(0, 0)
    (Decimal('33.3'), Decimal('66.7'), Decimal('0.0'))
    """
    if not whole:
        return Decimal(0).quantize(_TENTH)
    return (Decimal(100) * part / whole).quantize(_TENTH, rounding=ROUND_HALF_UP)


def text_table(
    headers: Sequence[object], rows: Sequence[Sequence[object]], *, rule: bool = True
) -> list[str]:
    """``rows`` under ``headers`` as aligned lines, with a rule under the headers unless
    ``rule`` is false. Cells are shown with ``str``."""
    cells = [[str(cell) for cell in row] for row in (headers, *rows)]
    widths = [max(len(cell) for cell in column) for column in zip(*cells, strict=True)]
    if rule:
        cells.insert(1, ["-" * width for width in widths])
    return ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in cells]  # fmt: skip
