"""Benchmarks of spmd-check and spmd-lsp next to ruff (see bench/README.md)."""
