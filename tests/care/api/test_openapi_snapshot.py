"""The ``/api/v1`` OpenAPI document is the API's contract: it changes only on
purpose. A change fails here until the snapshot is rewritten with
``python tests/care/api/test_openapi_snapshot.py`` (and the change reviewed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from nowrongdoor.care.app import create_app
from nowrongdoor.settings import build_settings

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "openapi.json"


def _document(tmp: Path) -> str:
    """The care app's OpenAPI document as the snapshot stores it."""
    settings = build_settings(
        env={},
        environment="test",
        data_dir=tmp,
        database_url=f"sqlite:///{(tmp / 'care.db').as_posix()}",
        secret_key="x" * 32,
        cookie_secure=False,
    )
    return json.dumps(create_app(settings).openapi(), indent=1)


def test_openapi_document_is_the_snapshot(tmp_path: Path) -> None:
    assert _document(tmp_path) == SNAPSHOT.read_text(encoding="utf-8"), (
        "the /api/v1 OpenAPI document changed; if on purpose, rewrite the "
        "snapshot: python tests/care/api/test_openapi_snapshot.py"
    )


if __name__ == "__main__":  # rewrite the snapshot
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        SNAPSHOT.write_text(_document(Path(tmp)), encoding="utf-8")
    sys.stdout.write(f"wrote {SNAPSHOT}\n")
