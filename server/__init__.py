"""spmd_lsp: the language server, a thin protocol layer over spmd_check."""

__version__ = "0.1.0"
