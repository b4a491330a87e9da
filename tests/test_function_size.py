"""No function or method under scheduler/ is longer than 60 lines (issue 11).

A function's length runs from its ``def`` line to its last line, docstring, comments and
blank lines included (decorators not), as ``ast`` reports them; nested functions count on
their own and inside the function around them. The alembic migrations are left out: they
are generated, and each is read once.
"""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import indent

PACKAGE = Path(__file__).resolve().parent.parent / "scheduler"
MAX_LINES = 60


def modules() -> list[Path]:
    """Every module of the package except the migrations."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts)


def long_functions(source: str, name: str) -> list[str]:
    """``name:line qualified.name (N lines)`` for each function in ``source`` over the limit."""
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = child.end_lineno - child.lineno + 1
                if size > MAX_LINES:
                    found.append(f"{name}:{child.lineno} {prefix}{child.name} ({size} lines)")
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def test_no_function_in_the_package_is_over_60_lines():
    found = []
    for path in modules():
        found += long_functions(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    assert not found, f"{len(found)} function(s) over {MAX_LINES} lines; split them into named steps:\n" + "\n".join(found)


def test_the_size_check_finds_long_methods_and_nested_functions_and_passes_short_ones():
    body = "".join(f"x{k} = {k}\n" for k in range(MAX_LINES - 1))  # with its def: exactly the limit
    fits = "def fits():\n" + indent(body, "    ")
    too_long = "class Plan:\n    def method(self):\n" + indent(body + "y = 1\n", "        ")
    nested = "def outer():\n    def inner():\n" + indent(body + "y = 1\n", "        ") + "    return 1\n"
    assert long_functions(fits, "a.py") == []
    assert long_functions(too_long, "b.py") == [f"b.py:2 Plan.method ({MAX_LINES + 1} lines)"]
    assert long_functions(nested, "c.py") == [
        f"c.py:1 outer ({MAX_LINES + 3} lines)",
        f"c.py:2 outer.inner ({MAX_LINES + 1} lines)",
    ]


def test_the_migrations_are_left_out_and_the_rest_of_the_package_is_read():
    paths = modules()
    assert not any("migrations" in p.parts for p in paths)
    assert PACKAGE / "core" / "solve.py" in paths
