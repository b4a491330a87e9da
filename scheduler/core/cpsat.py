"""CP-SAT's Python layer, imported without pandas.

``ortools.sat.python.cp_model`` imports pandas at its top for its ``*_series`` helpers
(variables and intervals indexed by a pandas index, ``solver.values`` of a series) and
names ``pd.Index`` and ``pd.Series`` in annotations evaluated at import. The engine uses
none of those helpers, and pandas is most of the import: measured in OR-Tools 9.15 on
this 2-core machine, 0.22-0.32 s of cp_model's 0.34-0.48 s, in every process that solves
(docs/solver-notes.md, "Time limits and large models").

So the import runs with a stand-in ``pandas`` in ``sys.modules`` that has only the two
names, and the stand-in is removed right after: cp_model keeps it as its ``pd``, and a
later ``import pandas`` anywhere gets the real one. Whenever the stand-in cannot serve
(pandas already imported, so nothing to save; or an OR-Tools release that uses more of
pandas at import), cp_model is imported the ordinary way, with pandas.
Every module of the engine imports CP-SAT from here.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable


class _NotPandas:
    """``pd.Index`` and ``pd.Series`` in cp_model: nothing is ever one of them."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError("CP-SAT's pandas helpers are not available: scheduler.core.cpsat imported it without pandas")


def _stand_in() -> types.ModuleType:
    module = types.ModuleType("pandas", "A stand-in for pandas while CP-SAT is imported (scheduler.core.cpsat).")
    module.Index = type("Index", (_NotPandas,), {})
    module.Series = type("Series", (_NotPandas,), {})
    return module


def _import_cp_model(stand_in: Callable[[], types.ModuleType] = _stand_in) -> types.ModuleType:
    """cp_model, with the stand-in ``stand_in()`` for pandas while it is imported, if it serves."""
    name = "ortools.sat.python.cp_model"
    if name in sys.modules or "pandas" in sys.modules:
        return importlib.import_module(name)
    pandas = sys.modules["pandas"] = stand_in()
    try:
        return importlib.import_module(name)
    except (AttributeError, ImportError):  # it wants more of pandas than the two names
        sys.modules.pop(name, None)  # the half-imported module
    finally:
        if sys.modules.get("pandas") is pandas:
            del sys.modules["pandas"]
    return importlib.import_module(name)


cp_model = _import_cp_model()
cp_model_helper = importlib.import_module("ortools.sat.python.cp_model_helper")  # loaded with cp_model
