"""The soft-cost indicators of the CB-CTT models, exact in both directions.

An indicator bounded from one side only is right at an optimum but may read high in a
solution found before it (the issue's plain model reported more than the true cost): the
solver's claimed cost must equal the scorer's for every solution, so each indicator here
is pinned from both sides. Used by the periods and rooms models alike.
"""

from __future__ import annotations

from scheduler.core.cpsat import cp_model


def any_of(m: cp_model.CpModel, values: list, name: str) -> cp_model.IntVar:
    """1 exactly when one of the 0/1 ``values`` is (a day used, a room used)."""
    b = m.new_bool_var(name)
    m.add_max_equality(b, values)
    return b


def shortfall(m: cp_model.CpModel, need: int, have, name: str) -> cp_model.IntVar:
    """max(0, need - have): the working days a course is short of."""
    s = m.new_int_var(0, need, name)
    m.add_max_equality(s, [need - have, 0])
    return s


def alone(m: cp_model.CpModel, here, near: list, name: str) -> cp_model.IntVar:
    """1 exactly when ``here`` is 1 and every one of ``near`` is 0 (each a 0/1 expression:
    a curriculum's lecture in a period, its neighbours that day)."""
    b = m.new_bool_var(name)
    m.add(b >= here - sum(near))
    m.add(b <= here)
    for n in near:
        m.add(b <= 1 - n)
    return b
