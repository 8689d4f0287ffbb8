"""crmcore's ``hypothesis`` entry point: registers the kit's strategies for ``st.from_type``.

Hypothesis runs its entry points when it is first imported. If that first import comes from
:mod:`crmcore.testing.strategies` itself, the module is only half built at that moment; the
hook then leaves the registration to the module's last line instead of failing on it.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["setup"]

_STRATEGIES = "crmcore.testing.strategies"


def setup() -> None:
    """Register crmcore's models with hypothesis, unless the strategies are still loading."""
    loading = sys.modules.get(_STRATEGIES)
    if loading is not None and not hasattr(loading, "_hypothesis_setup_hook"):
        return
    strategies = importlib.import_module(_STRATEGIES)
    strategies._hypothesis_setup_hook()
