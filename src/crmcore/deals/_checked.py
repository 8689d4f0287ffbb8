"""Building models on the hot path of stage and status commands without checking twice.

A move runs for every click in a busy CRM and in bulk imports of millions of deals. Checking
every field of the moved deal, its log entry and its event again would prove nothing: they
are made of a deal that is valid already and of inputs the command checked itself. So these
functions check only what is new; everything else goes through the normal constructors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any, Final, TypeVar, cast

import attrs

from crmcore.errors import Violation
from crmcore.validation import CHECKS, Model, raise_violations

__all__ = ["evolved", "maker", "replaced", "trusted"]

M = TypeVar("M", bound=Model)
_LAYOUTS: dict[type[Any], _Layout] = {}
_KEEP: Final = object()


@attrs.frozen
class _Layout:
    """How to read and write the fields of one attrs class, found once per class."""

    names: tuple[str, ...]
    positions: dict[str, int]
    read: Callable[[Any], tuple[Any, ...]]
    build: Callable[[list[Any]], Any]
    make: Callable[..., Any]
    replace: Callable[..., Any]
    converters: dict[str, Callable[[Any], Any]]
    checks: dict[str, tuple[Callable[[str, Any], Iterable[Violation]], ...]]


def _setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """The ``__set__`` of the slot ``name`` (the frozen class's own ``__setattr__`` refuses)."""
    for klass in cls.__mro__:
        slot = klass.__dict__.get(name)
        if slot is not None and hasattr(slot, "__set__"):
            setter: Callable[[Any, Any], None] = slot.__set__
            return setter
    raise TypeError(f"{cls.__name__} has no slot {name!r}")


def _generated(cls: type, names: tuple[str, ...], head: str, values: list[str]) -> Any:
    """A function ``head`` that makes an instance of ``cls`` with each field set to the
    expression of ``values`` at its place.

    Generated once per class, as attrs generates ``__init__``: one slot write per line is
    several times faster than a loop over the slots, and keyword arguments bound by the call
    itself save building a list or a dict of them.
    """
    namespace: dict[str, Any] = {"_crm_new": object.__new__, "_crm_cls": cls, "_crm_keep": _KEEP}
    lines = [head, "    _crm_instance = _crm_new(_crm_cls)"]
    for index, (name, value) in enumerate(zip(names, values, strict=True)):
        namespace[f"_crm_set_{index}"] = _setter(cls, name)
        lines.append(f"    _crm_set_{index}(_crm_instance, {value})")
    lines.append("    return _crm_instance")
    exec("\n".join(lines), namespace)
    return namespace["make"]


def _makers(cls: type, names: tuple[str, ...]) -> tuple[Any, Any, Any]:
    """The three makers of ``cls``: from a list of values in order, from keyword arguments
    for every field, and from a model and keyword arguments for the fields that change."""
    kept = ", ".join(f"{name}=_crm_keep" for name in names)
    return (
        _generated(
            cls, names, "def make(_crm_values):", [f"_crm_values[{i}]" for i in range(len(names))]
        ),
        _generated(cls, names, f"def make(*, {', '.join(names)}):", list(names)),
        _generated(
            cls,
            names,
            f"def make(_crm_model, *, {kept}):",
            [f"_crm_model.{name} if {name} is _crm_keep else {name}" for name in names],
        ),
    )


def _layout(cls: type[Any]) -> _Layout:
    """The layout of ``cls``, made on first use (a plain dict: a look-up per command)."""
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = _make_layout(cls)
    return layout


def _make_layout(cls: type[Any]) -> _Layout:
    fields = attrs.fields(cast("type[attrs.AttrsInstance]", cls))
    names = tuple(field.name for field in fields)
    build, make, replace = _makers(cls, names)
    return _Layout(
        names=names,
        positions={name: index for index, name in enumerate(names)},
        read=attrgetter(*names),
        build=build,
        make=make,
        replace=replace,
        converters={f.name: f.converter for f in fields if callable(f.converter)},
        checks={field.name: field.metadata.get(CHECKS, ()) for field in fields},
    )


def evolved(model: M, **changes: Any) -> M:
    """``attrs.evolve(model, **changes)`` that checks the changed fields and the invariants
    only: the other fields come from a valid model and stay valid."""
    cls = type(model)
    layout = _layout(cls)
    values = list(layout.read(model))
    violations: list[Violation] = []
    for name, value in changes.items():
        converter = layout.converters.get(name)
        converted = value if converter is None else converter(value)
        for check in layout.checks[name]:
            violations.extend(check(name, converted))
        values[layout.positions[name]] = converted
    raise_violations(violations)
    instance: M = layout.build(values)
    raise_violations(instance._invariants())
    return instance


def trusted(cls: type[M], **values: Any) -> M:
    """An instance of ``cls`` from ``values`` that are known valid (taken from valid models
    and checked inputs), built without checking them again. Every field must be given."""
    instance: M = _layout(cls).make(**values)
    return instance


def maker(cls: type[M]) -> Callable[..., M]:
    """What :func:`trusted` calls for ``cls``, for a hot path to call directly with every
    field as a keyword argument."""
    make: Callable[..., M] = _layout(cls).make
    return make


def replaced(model: M, **changes: Any) -> M:
    """``attrs.evolve(model, **changes)`` for changes known valid that keep the model's
    invariants by construction (a stage of the deal's own pipeline, a checked ``now``, the
    next version), built without checking anything again."""
    instance: M = _layout(type(model)).replace(model, **changes)
    return instance
