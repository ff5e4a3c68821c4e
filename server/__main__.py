"""``python -m spmd_lsp``: the same as the ``spmd-lsp`` command."""

from spmd_lsp.main import main

raise SystemExit(main())
