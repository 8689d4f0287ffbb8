"""The demo's automation chapter tells the four rules, their commands and a trace."""

from __future__ import annotations

from rule_samples import NOW

from crmcore.demo import World, demo_lines
from crmcore.demo.partners import build_world
from crmcore.demo.rules import chapter


def test_the_chapter_shows_the_commands_of_the_four_rules_and_a_trace() -> None:
    world = World()
    build_world(world, NOW)
    before = list(world.partners.find_by_name_prefix(""))
    lines = list(chapter(world, NOW))
    text = "\n".join(lines)
    assert "The rules handed 9 commands to the host:" in text
    assert "olga: head of sales, the department of anna" in text
    assert "Спасибо за покупку, ООО «Ромашка»!" in text
    assert "anna: no row matches; next in turn in team sales after nobody" in text
    assert "Закрыть сделку «Поставка d-2»" in text
    assert "Why big-deals did not fire for d-2 (conditions do not hold):" in text
    assert list(world.partners.find_by_name_prefix("")) == before


def test_the_story_tells_the_chapter_last() -> None:
    lines = list(demo_lines(NOW))
    assert any("Automation: If/Then rules" in line for line in lines)
