"""The kit's marketing strategies: every event of the area is drawn, with no list kept by hand
beside the events module."""

from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.events import DomainEvent
from crmcore.marketing import events
from crmcore.testing.strategies.marketing import MARKETING_EVENTS


def test_every_event_class_of_the_area_is_drawn() -> None:
    defined = {
        value
        for value in vars(events).values()
        if isinstance(value, type)
        and issubclass(value, DomainEvent)
        and value.__module__ == events.__name__
    }
    assert len(defined) == 9
    assert set(MARKETING_EVENTS) == defined


@settings(max_examples=30)
@given(data=st.data())
def test_each_event_class_has_a_strategy(data: st.DataObject) -> None:
    event_class = data.draw(st.sampled_from(MARKETING_EVENTS))
    assert isinstance(data.draw(st.from_type(event_class)), event_class)
