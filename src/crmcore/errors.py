"""The one error tree of crmcore, rooted at :class:`CRMError`.

Every error keeps its context as attributes and mixes in the builtin that callers of a
Python library expect (``ValueError`` for bad input, ``LookupError`` for a missing entity).
Several problems found at once are reported at once: :class:`DomainValidationError` carries
every :class:`Violation`, never only the first.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from typing import Any, Final

import attrs

__all__ = [
    "AccessDeniedError",
    "AgreementNotApplicableError",
    "AgreementTermsError",
    "BusinessRuleError",
    "CRMError",
    "ClaimNotDecidableError",
    "ConcurrencyConflictError",
    "CurrencyMismatchError",
    "DomainValidationError",
    "DuplicateEntityError",
    "EntityNotFoundError",
    "InvalidOperandError",
    "InvalidTransitionError",
    "NoAvailableManagerError",
    "OverlappingValidityError",
    "PluginError",
    "RepositoryError",
    "SpamError",
    "StageGateError",
    "Violation",
    "shown",
]

MAX_SHOWN: Final = 60
"""The longest form of a value that a message quotes: a prefix, then the value's size."""
MAX_REPORTED: Final = 50
"""The most violations a message spells out; the error keeps every one of them."""
_MAX_SHOWN_FIELD: Final = 120
_MAX_SHOWN_DIGITS: Final = 40


class _ShortRepr(reprlib.Repr):
    """``repr`` cut at every level: deep, huge and self-referring values stay short, and an
    integer too long for Python to print is described by its digit count."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = 20
        self.maxdict = 10
        self.maxstring = MAX_SHOWN
        self.maxother = MAX_SHOWN
        self.maxlong = MAX_SHOWN

    def repr_int(self, x: int, level: int) -> str:
        digits = _digits(x)
        if digits > _MAX_SHOWN_DIGITS:
            return f"<an integer of {digits} digits>"
        return repr(x)


def _digits(number: int) -> int:
    # bit_length is cheap where str() is quadratic (and refused past 4300 digits).
    bits = abs(number).bit_length()
    return max(1, int(bits * 0.30103) + 1) if bits > 200 else len(str(abs(number)))


_SHORT: Final = _ShortRepr()


def shown(value: object, *, limit: int = MAX_SHOWN) -> str:
    """``value`` as a message may quote it: at most ``limit`` characters of its ``repr``,
    followed by its full length when it was cut; never raises, whatever the value.

    >>> print(shown("ab" * 500_000))
    'ababababababababababababababababababababababababab'... (1000000 characters)
    >>> shown(10**5000)
    '<an integer of 5001 digits>'
    """
    try:
        text = _SHORT.repr(value)
    except Exception:  # a value whose own repr fails must still be reported
        return f"<{type(value).__name__}>"
    if isinstance(value, str) and len(value) > limit - 10:
        return f"{value[: limit - 10]!r}... ({len(value)} characters)"
    if len(text) > limit:
        return text[: limit - 3] + "..."
    return text


def _field_shown(field: Any) -> str:
    text = field if isinstance(field, str) else shown(field)
    if len(text) > _MAX_SHOWN_FIELD:
        return f"{text[: _MAX_SHOWN_FIELD - 30]}... ({len(text)} characters)"
    return text


@attrs.frozen(kw_only=True)
class Violation:
    """One problem with one field: the dotted ``field`` path, what is wrong, and the value.

    ``value`` is kept for programs (``None`` when there is none to show); the message of the
    error shows a shortened form of it so that a 100 kB input cannot flood a log.
    """

    field: str
    message: str
    value: object = None

    def __str__(self) -> str:
        field = _field_shown(self.field)
        if self.value is None:
            return f"{field}: {self.message}"
        return f"{field}: {self.message} (got {shown(self.value)})"

    def under(self, prefix: str) -> Violation:
        """The same violation with its field path placed under ``prefix``."""
        if not prefix:
            return self
        path = prefix if not self.field else f"{prefix}.{self.field}"
        if self.field.startswith("["):
            path = f"{prefix}{self.field}"
        return attrs.evolve(self, field=path)


class CRMError(Exception):
    """The root of every error crmcore raises on purpose."""


class DomainValidationError(CRMError, ValueError):
    """Input that the domain rejects, with every problem found, each naming its field.

    >>> error = DomainValidationError.single("short_name", "must not be blank", value="  ")
    >>> error.field, error.violations[0].message
    ('short_name', 'must not be blank')
    >>> print(error)
    short_name: must not be blank (got '  ')
    """

    violations: tuple[Violation, ...]

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations = tuple(violations)
        if not self.violations:
            raise ValueError("a DomainValidationError needs at least one violation")
        spelled = [str(v) for v in self.violations[:MAX_REPORTED]]
        if len(self.violations) > MAX_REPORTED:
            spelled.append(f"and {len(self.violations) - MAX_REPORTED} more problems")
        super().__init__("; ".join(spelled))

    @classmethod
    def single(cls, field: str, message: str, *, value: object = None) -> DomainValidationError:
        """An error with one violation."""
        return cls([Violation(field=field, message=message, value=value)])

    @property
    def field(self) -> str:
        """The field of the first violation; see :attr:`violations` for all of them."""
        return self.violations[0].field

    @property
    def value(self) -> object:
        """The offending value of the first violation."""
        return self.violations[0].value

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field named by a violation, in order, without repetition."""
        return tuple(dict.fromkeys(v.field for v in self.violations))

    def under(self, prefix: str) -> DomainValidationError:
        """The same violations with every field path placed under ``prefix``.

        The result is a plain :class:`DomainValidationError`: a subclass's own context
        (the currencies of a :class:`CurrencyMismatchError`, say) belongs to the original.
        """
        return DomainValidationError([v.under(prefix) for v in self.violations])

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.violations,))


class CurrencyMismatchError(DomainValidationError):
    """Money of two currencies met in one operation (adding RUB to EUR, say)."""

    def __init__(self, left: str, right: str, *, field: str = "currency") -> None:
        self.left = left
        self.right = right
        super().__init__(
            [
                Violation(
                    field=field,
                    message=f"cannot combine {left} with {right}; convert one of them first",
                    value=right,
                )
            ]
        )

    def __reduce__(self) -> tuple[object, ...]:
        field = self.violations[0].field
        return (_rebuild, (type(self), (self.left, self.right), {"field": field}))


class InvalidOperandError(CRMError, TypeError):
    """An operation given a value of a type it does not take (a float or a number added to
    :class:`~crmcore.money.Money`); a ``TypeError``, as Python's own operators raise, that a
    caller catching :class:`CRMError` catches too. ``right`` names the operand's type.

    >>> print(InvalidOperandError("*", left="Money", right="float"))
    cannot apply '*' to Money and float
    """

    def __init__(self, operation: str, *, left: str, right: str) -> None:
        self.operation = operation
        self.left = left
        self.right = right
        super().__init__(f"cannot apply {operation!r} to {left} and {right}")

    def __reduce__(self) -> tuple[object, ...]:
        context = {"left": self.left, "right": self.right}
        return (_rebuild, (type(self), (self.operation,), context))


class SpamError(DomainValidationError):
    """Untrusted input refused as obvious spam (a filled honeypot, too many links, a blocked
    domain); each violation names the field that gave it away.

    A host may answer a robot as if all went well instead of showing it the problems.
    """


class BusinessRuleError(CRMError):
    """Well-formed input that the rules of the business forbid now (a move on a closed deal)."""


class InvalidTransitionError(BusinessRuleError):
    """A lifecycle event that the entity's current state does not allow.

    ``allowed`` lists the events the state does allow, so a caller can offer them instead.
    """

    def __init__(
        self,
        entity_type: str,
        entity_id: str,
        *,
        state: str,
        event: str,
        allowed: tuple[str, ...] = (),
    ) -> None:
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.state = state
        self.event = event
        self.allowed = allowed
        options = ", ".join(allowed) if allowed else "none"
        super().__init__(
            f"{entity_type} {shown(entity_id)} cannot {shown(event)} while {shown(state)};"
            f" allowed: {options}"
        )

    def __reduce__(self) -> tuple[object, ...]:
        context = {"state": self.state, "event": self.event, "allowed": self.allowed}
        return (_rebuild, (type(self), (self.entity_type, self.entity_id), context))


class StageGateError(BusinessRuleError):
    """A deal may not enter ``stage`` (or a result such as ``"won"``) while gates are unmet.

    ``unmet`` holds every unmet gate, not only the first: each :class:`Violation` names the
    gate in ``field`` and says what is missing, so a manager sees all there is to do at once.
    """

    def __init__(self, entity_id: str, *, stage: str, unmet: Iterable[Violation]) -> None:
        self.entity_id = entity_id
        self.stage = stage
        self.unmet = tuple(unmet)
        reasons = "; ".join(str(gate) for gate in self.unmet) or "no reason given"
        super().__init__(f"deal {shown(entity_id)} cannot enter {shown(stage)}: {reasons}")

    def __reduce__(self) -> tuple[object, ...]:
        context = {"stage": self.stage, "unmet": self.unmet}
        return (_rebuild, (type(self), (self.entity_id,), context))


class AgreementNotApplicableError(BusinessRuleError):
    """An agreement cannot be used here: not active on the date, or not for this partner.

    ``reason`` says which, in words a manager can act on.
    """

    def __init__(self, agreement_id: str, *, reason: str) -> None:
        self.agreement_id = agreement_id
        self.reason = reason
        super().__init__(f"agreement {shown(agreement_id)} cannot be used: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), (self.agreement_id,), {"reason": self.reason}))


class AgreementTermsError(BusinessRuleError):
    """An individual agreement whose terms cannot be resolved against its typical base.

    The base is missing, is not the one named, is not an approved typical agreement, or the
    overrides go beyond the limits it allows; ``problems`` holds every one of them.
    """

    def __init__(self, agreement_id: str, *, problems: Iterable[Violation]) -> None:
        self.agreement_id = agreement_id
        self.problems = tuple(problems)
        reasons = "; ".join(str(problem) for problem in self.problems) or "no reason given"
        super().__init__(f"agreement {shown(agreement_id)} has terms that do not hold: {reasons}")

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), (self.agreement_id,), {"problems": self.problems}))


class OverlappingValidityError(BusinessRuleError):
    """Another active agreement of the same partner covers part of the same period."""

    def __init__(self, agreement_id: str, *, other_id: str, partner_id: str) -> None:
        self.agreement_id = agreement_id
        self.other_id = other_id
        self.partner_id = partner_id
        super().__init__(
            f"agreement {shown(agreement_id)} overlaps agreement {shown(other_id)} of partner"
            f" {shown(partner_id)}: close the other one or change the validity dates"
        )

    def __reduce__(self) -> tuple[object, ...]:
        context = {"other_id": self.other_id, "partner_id": self.partner_id}
        return (_rebuild, (type(self), (self.agreement_id,), context))


class ClaimNotDecidableError(BusinessRuleError):
    """A claim cannot be decided while mandatory investigation activities are open.

    ``open_activities`` holds every one of them as a :class:`Violation` whose ``field`` is the
    activity id and whose ``value`` is its name, so the quality manager sees all that is left.
    """

    def __init__(self, claim_id: str, *, open_activities: Iterable[Violation]) -> None:
        self.claim_id = claim_id
        self.open_activities = tuple(open_activities)
        names = ", ".join(shown(activity.value) for activity in self.open_activities)
        super().__init__(
            f"claim {shown(claim_id)} cannot be decided: mandatory activities are open: {names}"
        )

    def __reduce__(self) -> tuple[object, ...]:
        context = {"open_activities": self.open_activities}
        return (_rebuild, (type(self), (self.claim_id,), context))


class NoAvailableManagerError(BusinessRuleError):
    """An assignment strategy found nobody available (active, not on leave, within working
    hours when asked, under capacity); ``reason`` says who was considered and why not."""

    def __init__(self, strategy: str, *, reason: str) -> None:
        self.strategy = strategy
        self.reason = reason
        super().__init__(f"assignment by {shown(strategy)} found no available manager: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), (self.strategy,), {"reason": self.reason}))


class AccessDeniedError(CRMError, PermissionError):
    """The access policy does not let ``actor`` do ``action`` on a record (or its ``fields``).

    ``entity_type`` and ``entity_id`` name the record (``entity_id`` is ``None`` for a
    report or a new record without an id yet); nothing was read or changed.

    >>> error = AccessDeniedError("u-anna", "change", "deal", "d-1", fields=("amount",))
    >>> print(error)
    'u-anna' may not change deal 'd-1' (fields: amount)
    """

    def __init__(
        self,
        actor: str,
        action: str,
        entity_type: str,
        entity_id: str | None = None,
        *,
        fields: tuple[str, ...] = (),
    ) -> None:
        self.actor = actor
        self.action = action
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.fields = tuple(fields)
        record = entity_type if entity_id is None else f"{entity_type} {shown(entity_id)}"
        detail = f" (fields: {', '.join(self.fields)})" if self.fields else ""
        super().__init__(f"{shown(actor)} may not {action} {record}{detail}")

    def __reduce__(self) -> tuple[object, ...]:
        args = (self.actor, self.action, self.entity_type, self.entity_id)
        return (_rebuild, (type(self), args, {"fields": self.fields}))


class RepositoryError(CRMError):
    """A repository could not do what was asked. Adapters translate storage errors into it."""


class EntityNotFoundError(RepositoryError, LookupError):
    """No entity of ``entity_type`` has ``entity_id``."""

    def __init__(self, entity_type: str, entity_id: str) -> None:
        self.entity_type = entity_type
        self.entity_id = entity_id
        super().__init__(f"{entity_type} {shown(entity_id)} does not exist")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.entity_type, self.entity_id))


class DuplicateEntityError(RepositoryError):
    """An entity with this id (or another unique key) is stored already."""

    def __init__(self, entity_type: str, entity_id: str, *, key: str = "id") -> None:
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.key = key
        super().__init__(f"{entity_type} with {key} {shown(entity_id)} exists already; use save()")

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), (self.entity_type, self.entity_id), {"key": self.key}))


class ConcurrencyConflictError(RepositoryError):
    """Someone saved the entity since it was read: the stored version is not the expected one."""

    def __init__(
        self, entity_type: str, entity_id: str, *, expected_version: int, actual_version: int
    ) -> None:
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            f"{entity_type} {shown(entity_id)} is at version {actual_version}, not"
            f" {expected_version}: read it again and repeat the change"
        )

    def __reduce__(self) -> tuple[object, ...]:
        versions = {
            "expected_version": self.expected_version,
            "actual_version": self.actual_version,
        }
        return (_rebuild, (type(self), (self.entity_type, self.entity_id), versions))


class PluginError(CRMError, ImportError):
    """A plugin of an entry point group could not be loaded or is not what the group expects."""

    def __init__(self, group: str, name: str, distribution: str | None, reason: str) -> None:
        source = f" from distribution {shown(distribution)}" if distribution else ""
        # ImportError.__init__ resets ``name``, so the context is set after it.
        super().__init__(f"plugin {shown(name)} of group {shown(group)}{source}: {reason}")
        self.group = group
        self.name = name
        self.distribution = distribution
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.group, self.name, self.distribution, self.reason))


def _rebuild(cls: type[CRMError], args: tuple[object, ...], kwargs: dict[str, object]) -> CRMError:
    """Unpickle an error whose constructor takes keyword-only context."""
    return cls(*args, **kwargs)
