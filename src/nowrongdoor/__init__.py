"""nowrongdoor: whichever door a person comes through should lead to safety and care.

The package is layered; data flows one way::

    knowledge -> text -> (screening | population | ads) -> care -> reports

Importing :mod:`nowrongdoor` needs only the core dependencies.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nowrongdoor")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
