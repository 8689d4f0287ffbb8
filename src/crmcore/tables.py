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

__all__ = ["text_table"]


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
