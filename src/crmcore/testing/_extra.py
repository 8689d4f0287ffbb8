"""The check each part of the testing kit makes first: that the ``testing`` extra is installed,
so that a missing one names the extra to install instead of a bare ``No module named``."""

from __future__ import annotations

import importlib
from typing import Final

__all__ = ["require_testing_extra"]

_INSTALL: Final = "pip install crmcore[testing]"


def require_testing_extra(package: str, *modules: str) -> None:
    """Import ``modules`` (``"pytest"``, ``"hypothesis"``), or raise ``ModuleNotFoundError``
    saying that ``package`` needs them and which extra brings them."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
            message = f"{package} needs {module}, which the 'testing' extra installs: {_INSTALL}"
            raise ModuleNotFoundError(message, name=module) from error
