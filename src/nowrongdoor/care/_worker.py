"""The app factory handed to the worker processes of ``serve --workers N``.

uvicorn spawns each worker as a fresh interpreter and unpickles the factory there
before the worker answers its supervisor's health pings; so this module imports
nothing heavy, and the app (FastAPI, SQLAlchemy, ...) is built when the worker
calls the factory, after its ping thread runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["WorkerApp"]


@dataclass(frozen=True)
class WorkerApp:
    """A picklable app factory: the ``--config`` file and whether to serve pages.

    Attributes:
        config_file: The TOML settings file given to ``--config``, if any.
        include_web: Also serve the web pages.
    """

    config_file: Path | None
    include_web: bool = True

    def __call__(self) -> Any:
        """Build the worker's app from the file and ``NOWRONGDOOR_*`` variables."""
        from nowrongdoor.care.app import app_from_environment

        return app_from_environment(self.config_file, include_web=self.include_web)
