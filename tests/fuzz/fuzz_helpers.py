"""The fuzzing campaign's shared pieces (imported by the fuzz tests).

``NWD_FUZZ_EXAMPLES`` sets the examples per target (small in ``make test``;
``make fuzz`` raises it). Every generated case is counted, and the count is
printed at the end of the run, so ``make fuzz`` shows how many it ran.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from nowrongdoor.errors import UserInputError

EXAMPLES = int(os.environ.get("NWD_FUZZ_EXAMPLES", "25"))
CASES: dict[str, int] = {}

#: Hypothesis settings of every fuzz target.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("NWD_FUZZ_RANDOM") is None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)


#: Targets that cost a process start, a CLI run or an ad extraction per case.
SLOW = settings(FUZZ, max_examples=max(5, EXAMPLES // 10))
#: Targets that run a whole DuckDB pipeline per case.
SLOWEST = settings(FUZZ, max_examples=max(3, EXAMPLES // 100))


def count(target: str) -> None:
    """Count one generated case of ``target``."""
    CASES[target] = CASES.get(target, 0) + 1


def one_line_or_ok(target: str, call: Callable[[], Any]) -> Any:
    """Run a parser: valid output, or a :class:`UserInputError` of one line.

    Any other exception fails the test with its traceback (a crash found).
    """
    count(target)
    try:
        return call()
    except UserInputError as exc:
        message = str(exc)
        assert message.strip(), "empty error message"
        assert "\n" not in message.strip(), f"error of several lines: {message!r}"
        return None
    except Exception as exc:  # the bug this campaign looks for
        pytest.fail(
            f"{target}: {type(exc).__name__} instead of a one-line error\n"
            + "".join(traceback.format_exception(exc))
        )


def cli_one_line_or_ok(target: str, result: Any) -> None:
    """A CLI run ended in success or a one-line error, never a traceback."""
    count(target)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail(
            f"{target}: {type(result.exception).__name__} escaped the CLI\n"
            + "".join(traceback.format_exception(result.exception))
        )
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        errors = [line for line in result.output.splitlines() if line.strip()]
        assert errors, "a failure with no message"


def mutated(seed: bytes) -> st.SearchStrategy[bytes]:
    """Bytes near a valid file (a slice replaced, cut or repeated), the file
    nested deep inside brackets or tags, or noise."""

    @st.composite
    def _mutate(draw: st.DrawFn) -> bytes:
        data = seed
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(data)))
            j = draw(st.integers(i, min(len(data), i + 40)))
            kind = draw(st.sampled_from(["replace", "cut", "repeat", "insert"]))
            if kind == "replace":
                data = data[:i] + draw(st.binary(max_size=20)) + data[j:]
            elif kind == "cut":
                data = data[:i] + data[j:]
            elif kind == "repeat":
                data = data[:j] + data[i:j] * draw(st.integers(2, 50)) + data[j:]
            else:
                token = draw(
                    st.sampled_from(
                        [b'"', b",", b"\n", b"\r", b"\x00", b"{", b"[", b"]", b"}",
                         b"\xff\xfe", b"\xef\xbb\xbf", b"=", b"'''", b"\\", b"-1",
                         b"1e999", b"NaN", b"null", b"true", b"9" * 30]
                    )
                )  # fmt: skip
                data = data[:i] + token + data[i:]
        return data

    nested = st.builds(
        lambda n, pair: pair[0] * n + seed + pair[1] * n,
        st.integers(100, 60_000),
        st.sampled_from(
            [(b"[", b"]"), (b'{"a":', b"}"), (b"<div>", b"</div>"), (b"a=[", b"]")]
        ),
    )
    return st.one_of(_mutate(), _mutate(), _mutate(), nested, st.binary(max_size=300))
