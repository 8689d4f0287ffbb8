"""The base of an action: what the domain asks the host to do for one record.

A rule's "Then" part (:mod:`crmcore.rules`) and a campaign's mailing
(:mod:`crmcore.marketing`) both hand actions to the host; each kind of action is a frozen
subclass of :class:`Action` that names itself with ``kind``. Fields marked with
:func:`template` metadata are filled from the record before the action leaves.

>>> import attrs
>>> @attrs.frozen(kw_only=True)
... class Remind(Action):
...     kind = "remind"
...     text: str = attrs.field(metadata=template())
>>> Remind(text="Call {{ name }}").kind, attrs.fields(Remind).text.metadata[TEMPLATE]
('remind', 'text')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Final

import attrs

from crmcore.validation import Model

__all__ = ["TEMPLATE", "Action", "template"]

TEMPLATE: Final = "crmcore.rules.template"


def template(kind: str = "text") -> dict[str, str]:
    """Field metadata marking an action's field as a template of ``kind`` (text, url, json),
    whose ``{{ path }}`` placeholders the engine fills from the record."""
    return {TEMPLATE: kind}


@attrs.frozen(kw_only=True)
class Action(Model):
    """Base of the "Then" part of a rule; each subclass names itself with ``kind``.

    Fields marked with :func:`template` metadata are filled from the record when the rule
    fires; the filled action travels to the host inside a command (:class:`~crmcore.rules.Command`).
    Plugins of the ``crmcore.actions`` group subclass it.
    """

    kind: ClassVar[str] = "action"

    def paths(self) -> Iterator[tuple[str, str]]:
        """The record paths this action reads or writes, each with its own field name, so
        that validation can check them against the entity's schema."""
        return iter(())
