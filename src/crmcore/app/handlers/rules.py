"""Handler of the rules' command: a rule checked against the schemas and stored at its next
version.

The rule is read back from its JSON form by :func:`crmcore.rules.parse_rule`, the one way in
for rules: a rule built in code meets the same limits and checks as one an admin screen sends,
every problem reported at once under its path.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import attrs

from crmcore.app.commands import SaveRule
from crmcore.app.handlers.base import Handler, Runtime, handles
from crmcore.app.work import Work
from crmcore.errors import EntityNotFoundError
from crmcore.rules import Rule, parse_rule
from crmcore.serialization import Converter, make_converter
from crmcore.validation import identifier

__all__ = ["HANDLERS", "same_rule"]

HANDLERS: Final[dict[type, Handler]] = {}


@cache
def _converter() -> Converter:
    return make_converter()


def _stamped(given: Rule, work: Work, version: int) -> Rule:
    """``given`` as its ``version``, saying who saved it and when (its comment says why); an
    actor that is no id leaves the rule's own author."""
    author = given.author if any(identifier("author", work.actor)) else work.actor
    return attrs.evolve(given, version=version, author=author, changed_at=work.now)


def same_rule(stored: Rule, given: Rule) -> bool:
    """Whether ``given`` is ``stored`` but for its version, author and time of change: saving
    it again changes nothing."""
    return (
        attrs.evolve(
            given, version=stored.version, author=stored.author, changed_at=stored.changed_at
        )
        == stored
    )


@handles(HANDLERS, SaveRule)
def _save(runtime: Runtime, work: Work, command: SaveRule) -> Rule:
    converter = _converter()
    given = parse_rule(
        converter.unstructure(command.rule), schemas=runtime.settings.schemas,
        lifecycle_moves=True, webhooks=runtime.settings.webhooks, converter=converter,
    )  # fmt: skip
    rules = work.repositories.rules
    try:
        current = rules.get(given.id)
    except EntityNotFoundError:
        runtime.rules_changed()
        rule = _stamped(given, work, 1)
        work.check_write("rules", None, rule)
        rules.add(rule)
        work.record_change("rules", None, rule)
        return rule
    rule = _stamped(given, work, current.version + 1)
    work.check_write("rules", current, rule)
    if same_rule(current, given):
        return current  # the rule as stored: no new version to conflict with, nothing to reload
    runtime.rules_changed()
    rules.save(rule, expected_version=current.version)
    work.record_change("rules", current, rule)
    return rule
