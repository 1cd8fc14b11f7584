"""Every audit action the code base records has words on the oversight page.

The actions are found in the source itself: every call of a function that
records an audit event (a function or class with a parameter or field named
``action``: ``Auditor.commit``, ``AuditEntry``, ``Read``, the helpers that pass
an action on), the action each call gives (a string, either branch of a
conditional, or an f-string, which one of the words' families must cover), and
what the request's denial records (``request.state.audit_action``, a
permission). A new action without words, or a new way of passing one that this
scan cannot read, fails here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from nowrongdoor.care.rbac import PERMISSIONS
from nowrongdoor.care.web._audit_words import ACTION_WORDS, action_words, has_words

SRC = Path(__file__).resolve().parents[3] / "src" / "nowrongdoor"

#: Functions and classes with an ``action`` that read the log, not write it.
READERS = frozenset({"list_events", "list_audit_events", "AuditEventPublic"})
#: What stands for each formatted value of an f-string action.
HOLE = "x"
#: Actions computed by a function the scan cannot read, and the test that
#: covers what it gives: a refused request's permission or route
#: (:func:`test_every_permission_a_denial_names_has_words`).
COMPUTED = frozenset({"_action_of(request)"})


def _modules() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in SRC.rglob("*.py")}


def _action_index(node: ast.AST) -> int | None:
    """Where ``action`` sits among the positional arguments of a def (``self``
    left out) or the fields of a dataclass; ``None`` without one."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        names = [a.arg for a in node.args.posonlyargs + node.args.args]
        names = [n for n in names if n not in ("self", "cls")]
        kwonly = [a.arg for a in node.args.kwonlyargs]
        if "action" in names:
            return names.index("action")
        return -1 if "action" in kwonly else None
    if isinstance(node, ast.ClassDef):
        fields = [
            t.target.id
            for t in node.body
            if isinstance(t, ast.AnnAssign) and isinstance(t.target, ast.Name)
        ]
        return fields.index("action") if "action" in fields else None
    return None


def _recorders(
    modules: dict[Path, ast.Module],
) -> dict[str, dict[Path, int | None]]:
    """name -> {module: index of ``action``} of every recording function; a
    module's own function of that name without an ``action`` maps to ``None``
    (``Read.commit(audit)`` is not ``Auditor.commit(action)``)."""
    found: dict[str, dict[Path, int | None]] = {}
    others: list[tuple[str, Path]] = []
    for path, tree in modules.items():
        for node in ast.walk(tree):
            if not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
            ):
                continue
            at = _action_index(node)
            if node.name in READERS:
                continue
            if at is None:
                others.append((node.name, path))
            else:
                found.setdefault(node.name, {})[path] = at
    for name, path in others:
        if name in found and path not in found[name]:
            found[name][path] = None
    return found


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _action_arg(
    call: ast.Call, places: dict[Path, int | None], path: Path
) -> ast.AST | None:
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    if path in places:
        at = places[path]
    else:
        at = next((i for i in places.values() if i is not None), None)
    if at is not None and 0 <= at < len(call.args):
        return call.args[at]
    return None


def _codes(expr: ast.AST) -> Iterator[str]:
    """The action codes an expression gives; an f-string's holes read ``x``;
    an expression that forwards an ``action`` it was given gives none (its
    callers are scanned); anything else is named so the test fails."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield expr.value
    elif isinstance(expr, ast.IfExp):
        yield from _codes(expr.body)
        yield from _codes(expr.orelse)
    elif isinstance(expr, ast.JoinedStr):
        yield "".join(
            str(v.value) if isinstance(v, ast.Constant) else HOLE for v in expr.values
        )
    elif "action" in {getattr(n, "id", getattr(n, "attr", "")) for n in ast.walk(expr)}:
        return
    elif ast.unparse(expr) in COMPUTED:
        return
    else:
        yield f"<unreadable: {ast.unparse(expr)}>"


def recorded_actions() -> dict[str, str]:
    """Every action code recorded in the source -> where (file:line)."""
    modules = _modules()
    recorders = _recorders(modules)
    out: dict[str, str] = {}
    for path, tree in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) in recorders:
                arg = _action_arg(node, recorders[_callee(node)], path)
                found = [] if arg is None else list(_codes(arg))
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "audit_action"
                for t in node.targets
            ):
                # a denial records the permission asked for (see below)
                found = [c for c in _codes(node.value) if not c.startswith("<")]
            else:
                continue
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            for code in found:
                out.setdefault(code, where)
    return out


def test_the_scan_finds_the_actions_of_every_kind() -> None:
    """The scan itself works: it reads the actions written every way."""
    codes = recorded_actions()
    for code in ("case.read", "referral.create", "auth.login", "job.x",
                 "referral.x", "fhir:x", "x.list", "read Task", "page x"):  # fmt: skip
        assert code in codes, code
    assert len(codes) > 60


def test_every_recorded_action_has_words() -> None:
    missing = {c: w for c, w in recorded_actions().items() if not has_words(c)}
    assert not missing, (
        "audit actions without words on the oversight page (add them to "
        f"care/web/_audit_words.py ACTION_WORDS): {missing}"
    )


def test_every_permission_a_denial_names_has_words() -> None:
    """A refused request records the permission it asked for (``case:read``,
    or ``page case:read`` for a page), else its method and route."""
    perms = {p for granted in PERMISSIONS.values() for p in granted}
    for perm in sorted(perms):
        assert has_words(perm) and has_words(f"page {perm}"), perm
    assert has_words("POST /api/v1/referrals/{referral_id}/status")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("case.read", "Opened a case"),
        ("referral.completed", "Moved a referral to “Completed”"),
        ("fhir:read Task", "Partner system (FHIR API): read a Task"),
        ("job.retention", "Ran the scheduled job “retention”"),
    ],
)
def test_words_read_as_a_sentence(code: str, words: str) -> None:
    assert action_words(code) == words


def test_an_unknown_code_is_shown_as_it_is_and_has_no_words() -> None:
    assert not has_words("made.up")
    assert action_words("made.up") == "made.up"
    assert all(words and words[0].isupper() for words in ACTION_WORDS.values())
