"""The neutral problem and its solvers: events, resources, time units, demands, count
rules; greedy, the CP-SAT models, the relaxations and the order of the solves. No word
of the street office's domain, and no import of any other layer of ``scheduler``."""
