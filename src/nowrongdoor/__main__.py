"""The ``nowrongdoor`` command's entry point, and ``python -m nowrongdoor``.

The console script (``[project.scripts]`` in ``pyproject.toml``) calls
:func:`main` here, not :mod:`nowrongdoor.cli`: this module imports nothing, so
the ``try`` below is the first thing that runs. A Ctrl-C at any moment after,
while the command's modules are still loading or once it is working, ends it
with exit 130 and no traceback.
"""

__all__ = ["main"]

#: The exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells use
#: (the same as ``nowrongdoor.cli.INTERRUPTED``; not imported from there, since
#: importing it is what a Ctrl-C may interrupt).
INTERRUPTED = 130


def main() -> None:
    """Run the command line; Ctrl-C while it loads exits 130, quietly."""
    try:
        from nowrongdoor.cli import main as run

        run()
    except KeyboardInterrupt:
        raise SystemExit(INTERRUPTED) from None


if __name__ == "__main__":  # pragma: no cover
    main()
