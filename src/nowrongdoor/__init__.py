"""nowrongdoor: whichever door a person comes through should lead to safety and care.

The package is layered; data flows one way::

    knowledge -> text -> (screening | population | ads) -> care -> reports

Importing :mod:`nowrongdoor` needs only the core dependencies, and costs nothing:
``__version__`` is looked up when first read, so the command's entry point
(:func:`nowrongdoor.__main__.main`) starts at once and a Ctrl-C from its first
instant is its own to answer.
"""

__all__ = ["__version__"]

__version__: str  # set by __getattr__ when first read


def __getattr__(name: str) -> str:
    """``__version__``, from the installed distribution's metadata, read once."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("nowrongdoor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        found = "0.0.0"
    globals()["__version__"] = found
    return found
