"""Rules written once: named shares are written only by the gate (`access/records.py`) and
markings are ranked only in `access/markings.py` (STYLE.md: one rule, one module).

Static checks over the source tree; each also sees its one home, so it cannot pass vacuously.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import wayhome

SOURCE = Path(wayhome.__file__).parent
RANKED_ENUMS = frozenset({"Marking", "Scope"})


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SOURCE.rglob("*.py")):
        name = path.relative_to(SOURCE).as_posix()
        if name.startswith("db/migrations/"):
            continue  # migrations write out what they need as it was at their revision
        yield name, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _named(node: ast.AST, names: frozenset[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in names


def _member_of(node: ast.AST, names: frozenset[str]) -> bool:
    """`Marking.RED`, `Scope.ALL`: a member of one of the named enums."""
    return isinstance(node, ast.Attribute) and _named(node.value, names)


SHARE_ROW = frozenset({"RecordShare"})


def _writes_share(node: ast.AST) -> bool:
    """Constructs a RecordShare, inserts into its table, or names `record_shares` in SQL."""
    if isinstance(node, ast.Call):
        # RecordShare(…), insert(RecordShare), session.execute(insert(RecordShare), …)
        return _named(node.func, SHARE_ROW) or any(_named(a, SHARE_ROW) for a in node.args)
    if isinstance(node, ast.Attribute):
        return node.attr == "__table__" and _named(node.value, SHARE_ROW)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "record_shares" in node.value and node.value != "record_shares"  # raw SQL
    return False


def _writes_shares(tree: ast.Module) -> bool:
    return any(_writes_share(node) for node in ast.walk(tree))


def _ranks(node: ast.AST) -> bool:
    """Orders markings (or scopes) itself: `.index` on the enum's members in order, a literal
    sequence of several members, a members → numbers table, or `enumerate` over the enum."""
    enums = RANKED_ENUMS
    if isinstance(node, ast.Attribute) and node.attr == "index":
        target = node.value
        if isinstance(target, ast.Call):
            return any(_named(a, enums) for a in target.args)  # list(Marking).index
        return isinstance(target, ast.Name) and target.id.upper().endswith("ORDER")
    if isinstance(node, ast.Tuple | ast.List):
        return sum(_member_of(e, enums) for e in node.elts) >= 3  # (Marking.CLEAR, …)
    if isinstance(node, ast.Dict) and node.keys:
        # {Scope.ALL: 0, Scope.NAMED: 1, …}
        return all(k is not None and _member_of(k, enums) for k in node.keys) and all(
            isinstance(v, ast.Constant) and isinstance(v.value, int) for v in node.values
        )
    if isinstance(node, ast.Call) and _named(node.func, frozenset({"enumerate"})):
        return any(_named(a, enums) for a in node.args)  # enumerate(Marking)
    return False


def _ranks_markings(tree: ast.Module) -> bool:
    return any(_ranks(node) for node in ast.walk(tree))


def test_only_the_gate_writes_named_shares() -> None:
    writers = {name for name, tree in _modules() if _writes_shares(tree)}
    assert "access/records.py" in writers  # the gate's `share`
    assert {name for name in writers if not name.startswith("access/")} == set()


def test_markings_are_ranked_in_one_place() -> None:
    rankers = {name for name, tree in _modules() if _ranks_markings(tree)}
    assert rankers == {"access/markings.py"}


def test_the_checks_see_the_copies_they_forbid() -> None:
    copies = {
        "session.add(RecordShare(record_kind='event', record_id=1, agency_id=a))": "shares",
        "session.execute(insert(RecordShare), rows)": "shares",
        "sql = 'INSERT INTO record_shares VALUES (:k, :i, :a)'": "shares",
        "max(a, b, key=list(Marking).index)": "ranks",
        "ORDER = (Marking.CLEAR, Marking.GREEN, Marking.RED)\nmax(x, key=ORDER.index)": "ranks",
        "NARROW = {Scope.ALL: 0, Scope.NAMED: 1, Scope.OWNER: 2}": "ranks",
    }
    for source, kind in copies.items():
        tree = ast.parse(source)
        assert (_writes_shares if kind == "shares" else _ranks_markings)(tree), source
    assert not _ranks_markings(ast.parse("options = {'markings': list(Marking)}"))
    assert not _writes_shares(ast.parse("tables = ['record_shares']"))
