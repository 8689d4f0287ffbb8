"""The hypothesis entry point works whichever module imports hypothesis first."""

from __future__ import annotations

import subprocess
import sys
from importlib.abc import Loader
from importlib.machinery import ModuleSpec

import pytest
from hypothesis import find

DRAW = (
    "from hypothesis import strategies as st, find;"
    "from crmcore.partners import Partner;"
    "print(type(find(st.from_type(Partner), lambda p: True)).__name__)"
)


@pytest.mark.parametrize(
    "first", ["import crmcore.testing.strategies", "import hypothesis", "import crmcore"]
)
def test_from_type_works_after_any_first_import(first: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", f"{first}; {DRAW}"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Partner"


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_hypothesis_imports_no_model_and_no_strategy() -> None:
    loaded = _run(
        "import sys, hypothesis; print(' '.join(sorted(m for m in sys.modules if 'crmcore' in m)))"
    )
    assert loaded == "crmcore crmcore.testing crmcore.testing._hypothesis_hook"


def test_a_model_imported_before_hypothesis_is_registered_too() -> None:
    code = (
        "from crmcore.deals import Deal; import sys; from hypothesis import strategies as st, find;"
        "assert 'crmcore.testing.strategies' not in sys.modules;"
        "print(type(find(st.from_type(Deal), lambda d: True)).__name__)"
    )
    assert _run(code) == "Deal"


def test_the_table_of_models_names_every_registered_model() -> None:
    from crmcore.testing._hypothesis_hook import MODELS  # noqa: PLC0415
    from crmcore.testing.strategies.registration import model_strategies  # noqa: PLC0415

    by_module: dict[str, set[str]] = {}
    for model in model_strategies():
        by_module.setdefault(model.__module__, set()).add(model.__qualname__)
    assert {module: set(names) for module, names in MODELS.items()} == by_module


def test_a_watched_module_keeps_what_its_loader_offers() -> None:
    code = (
        "import hypothesis, inspect; from crmcore.claims import model;"
        "print(type(model.__loader__).__name__, 'class Claim' in inspect.getsource(model))"
    )
    assert _run(code) == "_RegisteringLoader True"


def test_the_lazy_strategy_of_a_model_is_the_kit_s() -> None:
    from crmcore.money import Money  # noqa: PLC0415
    from crmcore.testing import _hypothesis_hook  # noqa: PLC0415

    assert _hypothesis_hook._strategy_of(Money) is _hypothesis_hook._built[Money]
    assert isinstance(find(_hypothesis_hook._strategy_of(Money), lambda _: True), Money)


def test_setup_again_installs_no_second_finder_and_registers_imported_models() -> None:
    from crmcore.testing import _hypothesis_hook  # noqa: PLC0415

    _hypothesis_hook.setup()
    finders = [f for f in sys.meta_path if isinstance(f, _hypothesis_hook._ModelFinder)]
    assert len(finders) == 1
    assert finders[0].find_spec("crmcore.nowhere", None) is None
    assert finders[0].find_spec("crmcore.claims.model_that_is_not_there", None) is None


class _SourceLoader(Loader):
    def get_source(self, fullname: str) -> str:
        return f"# {fullname}"


def test_the_registering_loader_hands_on_what_the_wrapped_one_offers() -> None:
    from crmcore.testing._hypothesis_hook import _RegisteringLoader  # noqa: PLC0415

    loader = _RegisteringLoader(_SourceLoader())
    assert loader.get_source("crmcore.money") == "# crmcore.money"
    assert loader.create_module(ModuleSpec("crmcore.money", loader)) is None
    with pytest.raises(AttributeError):
        _RegisteringLoader.__new__(_RegisteringLoader).get_source  # noqa: B018
