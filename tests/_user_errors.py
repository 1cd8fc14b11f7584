"""The sentence a user error says (a test helper, not a test module).

Imported as ``from _user_errors import user_error`` (``tests/`` is on the path
through its ``conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nowrongdoor.errors import UserInputError


def user_error(call: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """Call ``call`` expecting a :class:`UserInputError`; return its message."""
    with pytest.raises(UserInputError) as caught:
        call(*args, **kwargs)
    return str(caught.value)
