"""Start the bundled spmd-lsp with this interpreter (the VS Code extension runs it).

``python launch.py [spmd-lsp arguments]`` puts the extension's ``bundled/libs`` (spmd_lsp,
spmd_check and their pure-Python dependencies) first on ``sys.path`` and runs the server,
so that it needs nothing installed in the user's environment. ``python launch.py --probe``
prints what the extension needs to know (this Python's version, the bundled server's
version) and exits: exit status 3 means this Python is too old.
"""

import os
import sys

MINIMUM = (3, 11)

if sys.version_info < MINIMUM:  # no f-strings above this line: an old Python must get here
    sys.stderr.write(
        "spmd-lsp needs Python %d.%d or newer; %s is Python %s\n"
        % (MINIMUM[0], MINIMUM[1], sys.executable, sys.version.split()[0])
    )
    sys.exit(3)

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
sys.path.insert(0, LIBS)


def probe() -> int:
    import json

    import lsprotocol.types  # noqa: F401  (the server's dependencies import)
    import pygls.lsp.server  # noqa: F401
    import spmd_check.analysis  # noqa: F401
    import spmd_lsp.main

    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "executable": sys.executable,
                "spmd_lsp": spmd_lsp.main.__version__,
                "libs": LIBS,
            }
        )
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--probe"]:
        sys.exit(probe())
    from spmd_lsp.main import main

    sys.exit(main())
