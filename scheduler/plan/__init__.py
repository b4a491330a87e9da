"""A solved plan: plan.json, the independent validator, re-planning and diffs, and the
engine that runs a scenario through compile, solve and validation."""
