"""The project's LSP latency harness (stdlib only) and the floor server (see bench/README.md)."""
