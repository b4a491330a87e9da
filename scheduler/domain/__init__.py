"""What a planner writes: the scenario file read and checked, China's working days,
the words planners read, and the translation of the scenario into the neutral problem
(``compile``). Imports ``scheduler.core`` and ``scheduler.models``, nothing above."""
