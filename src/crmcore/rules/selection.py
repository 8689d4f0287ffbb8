"""The alpha network's question for each event, generated as Python code once per network.

Per event the network (:class:`~crmcore.rules.alpha.AlphaNetwork`) reads the fields it files
rules by, makes them plain, refuses values that may not compare safely, looks each filed test
up and merges what they let through in running order. :func:`selector` writes that out as one
function for the network's own fields and look-ups, so that an event costs no loop over
fields and tests and no call per read. It answers as the loops it replaces would:
``None`` for a record it does not read (not a mapping or an attrs model) or a value that may
not compare safely, else the rules let through with the values read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from crmcore.conditions.scope import Scope

__all__ = ["Selector", "selector"]

T = TypeVar("T")
Selector = Callable[[Scope], tuple[Sequence[T], dict[str, Any]] | None]
Normal = Callable[[object], object] | None
Hits = Callable[[Any], list[int] | None]


def selector(
    guards: Sequence[tuple[str, Normal]],
    nodes: Sequence[tuple[tuple[str, ...], Hits, bool]],
    *,
    always: list[int],
    entries: tuple[T, ...],
    ready: dict[int, tuple[T, ...]],
    plain: frozenset[type],
    safe: Callable[[object], bool],
) -> Selector[T]:
    """The selection of a network reading ``guards`` (each field with its plain-making) and
    asking ``nodes`` (the fields each looks up, its look-up, and whether it is hashed, looked
    up by the tuple of its fields' values), with the rules filed by none at ``always``.

    ``plain`` are the classes whose values are plain already; ``safe`` says whether another
    value compares safely; ``ready`` holds, by the id of a hashed look-up's answer, the rules
    of that answer in running order."""
    slot = {field: index for index, (field, _) in enumerate(guards)}
    bound: dict[str, Any] = {
        "has": attrs.has, "safe": safe, "PLAIN": plain, "Decimal": Decimal,
        "ALWAYS": always, "ENTRIES": entries, "READY": ready,
    }  # fmt: skip
    lines = [
        "def select(scope):",
        "    record = scope.record",
        "    if record.__class__ is not dict and not has(record.__class__):",
        "        return None",
        "    get = scope.field",
    ]
    for index, (field, normal) in enumerate(guards):
        bound[f"F{index}"] = field
        lines += _read(index, normal, bound)
    items = ", ".join(f"F{index}: v{index}" for index in range(len(guards)))
    lines += [f"    values = {{{items}}}", "    found = None", "    merged = False"]
    for number, (fields, hits, hashed) in enumerate(nodes):
        bound[f"H{number}"] = hits
        read = [f"v{slot[field]}" for field in fields]
        key = f"({', '.join(read)},)" if hashed else read[0]
        lines += [
            f"    got = H{number}({key})",
            "    if got:",
            "        if found is None:",
            "            found = got",
            "        elif merged:",
            "            found += got",
            "        else:",
            "            found = [*found, *got]",
            "            merged = True",
        ]
    lines += [
        "    if found is None:",
        "        return [ENTRIES[position] for position in ALWAYS], values",
        "    if not ALWAYS and not merged:",
        "        chosen = READY.get(id(found))",
        "        if chosen is not None:",
        "            return chosen, values",
        "    found = sorted([*ALWAYS, *found]) if ALWAYS else sorted(found)",
        "    return [ENTRIES[position] for position in found], values",
    ]
    exec(compile("\n".join(lines), "<crmcore alpha network>", "exec"), bound)
    made: Selector[T] = bound["select"]
    return made


def _read(index: int, normal: Normal, bound: dict[str, Any]) -> list[str]:
    """The lines reading guard ``index`` into ``v<index>``: plain values as they are, finite
    decimals as they are, other values that compare safely made plain, else no answer."""
    value = f"v{index}"
    lines = [
        f"    {value} = get(F{index})",
        f"    kind = {value}.__class__",
        "    if kind not in PLAIN:",
        "        if kind is Decimal:",
        f"            if not {value}.is_finite():",
        "                return None",
        f"        elif not safe({value}):",
        "            return None",
    ]
    if normal is not None:
        bound[f"N{index}"] = normal
        lines += ["        else:", f"            {value} = N{index}({value})"]
    return lines
