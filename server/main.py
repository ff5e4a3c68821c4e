"""``spmd-lsp``: start the language server (stdio by default, or TCP)."""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Sequence

from . import __version__

LEVELS = ("error", "warning", "info", "debug")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="spmd-lsp",
        description="Language server for static SPMD type checking of spmd_types code.",
    )
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument(
        "--stdio", action="store_true", help="speak LSP over stdin/stdout (the default)"
    )
    transport.add_argument("--tcp", metavar="HOST:PORT", help="listen for one client on HOST:PORT")
    parser.add_argument("--version", action="version", version=f"spmd-lsp {__version__}")
    parser.add_argument("--log-file", metavar="PATH", help="write the log here instead of stderr")
    parser.add_argument("--log-level", choices=LEVELS, default="warning", help="default: warning")
    parser.add_argument(
        "--debounce-ms",
        type=float,
        default=40.0,
        metavar="MS",
        help="a keystroke within MS of the previous one waits MS before its check (a burst is checked "
        "once); one after a pause is checked at once (default 40)",
    )
    parser.add_argument(
        "--progress-delay-ms",
        type=float,
        default=500.0,
        metavar="MS",
        help="show progress for the workspace scan once it takes longer than this (default 500)",
    )
    parser.add_argument(
        "--keep-scanned-ms",
        type=float,
        default=200.0,
        metavar="MS",
        help="a scanned file nobody has open keeps what its next check reuses when its check "
        "took at least MS (memory for a quicker first check when it is opened; default 200)",
    )
    parser.add_argument(
        "--disk-trust-ms",
        type=float,
        default=1000.0,
        metavar="MS",
        help="one look at which files exist and when they changed serves the checks of MS "
        "(opening, saving or closing a file, or a watched file's change, looks again; 0: look "
        "at every check; default 1000)",
    )
    parser.add_argument(
        "--no-workspace-scan", action="store_true", help="check open documents only"
    )
    return parser.parse_args(argv)


# How long a thread runs before another that waits for the interpreter gets it (Python's
# default: 5 ms). The event loop reads each keystroke and writes its diagnostics while the
# worker thread checks the workspace scan's files: at 5 ms a slice, a keystroke's answer
# came 25-30 ms after its check during the scan (bench/lsp/harness.py, the workspace model
# file: p50 77-83 ms during the scan, 50 after); at 1 ms, 59-62, the scan as long as before.
SWITCH_INTERVAL = 0.001


def _tcp_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise SystemExit(f"spmd-lsp: --tcp expects HOST:PORT, found {text!r}")
    return host, int(port)


def configure_logging(level: str, log_file: str | None) -> None:
    """The log goes to ``log_file``; without one, to the client (``window/logMessage``, each
    record at its level) once it has connected, to stderr before (``logs.py``)."""
    from . import logs

    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8")
        if log_file
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if log_file:
        handler.addFilter(logs.Demote())
        root.handlers[:] = [handler]
        logging.getLogger(logs.STARTUP).setLevel(logging.INFO)
    else:
        logs.install(handler)
    root.setLevel(level.upper())
    # pygls logs every message it sends at INFO: only let that through when debugging
    logging.getLogger("pygls").setLevel("DEBUG" if level == "debug" else "WARNING")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # ast.parse warns about the user's code (``1if x``, invalid escapes) on stderr: not ours to say
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    address = _tcp_address(args.tcp) if args.tcp else None
    configure_logging(args.log_level, args.log_file)

    from spmd_check.api import tune_garbage_collector

    from . import transport
    from .server import Options, SpmdServer

    transport.install()
    tune_garbage_collector()
    sys.setswitchinterval(SWITCH_INTERVAL)

    server = SpmdServer(
        Options(
            debounce=max(args.debounce_ms, 0.0) / 1000,
            progress_delay=max(args.progress_delay_ms, 0.0) / 1000,
            keep_scanned_over=max(args.keep_scanned_ms, 0.0) / 1000,
            disk_trust=max(args.disk_trust_ms, 0.0) / 1000,
            scan_workspace=not args.no_workspace_scan,
        )
    )
    if address:
        server.start_tcp(*address)
    else:
        server.start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
