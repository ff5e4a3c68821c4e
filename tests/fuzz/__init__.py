"""Differential fuzzing: random programs run through the checker and the runtime (docs/fuzzing.md)."""
