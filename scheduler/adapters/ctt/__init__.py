"""ITC-2007 Track 3, curriculum-based course timetabling (CB-CTT), with the UD2 costs.

``instance`` reads a ``.ctt`` file, ``score`` is the independent scorer (plain Python,
the rules of the official validator), ``solve`` finds timetables with CP-SAT and
``solution`` reads and writes the competition's solution format. The rules are stated
in ``docs/itc2007.md``.
"""
