"""Allow ``python -m nowrongdoor``."""

from nowrongdoor.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
