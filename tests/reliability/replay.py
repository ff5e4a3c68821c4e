"""Replay a dumped failure of test_rel_incremental in-process, on the checker alone:
``python tests/reliability/replay.py tests/reliability/failures/incremental-*.json``.
Prints whether one Analyzer fed every version agrees with a fresh Analyzer on the final text."""

from __future__ import annotations

import json
import sys

from lsprotocol import types
from pygls.protocol import default_converter
from spmd_check.analysis import Analyzer
from spmd_lsp.documents import Document
from spmd_lsp.positions import Codec


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        details = json.load(handle)
    converter = default_converter()
    path = "/replay/" + details["path"]
    doc = Document("file://" + path, details["original"], version=1)
    texts = [doc.text]
    for version, batch in enumerate(details["changes"], start=2):
        for change in batch:
            doc.apply(
                Codec(),
                converter.structure(change, types.TextDocumentContentChangePartial),
                version,
            )
        texts.append(doc.text)
    assert texts[-1] == details["final"], "the server's document model disagrees with the test's"
    incremental = Analyzer()
    for text in texts:
        result = incremental.check(path, text)
    fresh = Analyzer().check(path, texts[-1])
    show = lambda r: [(d.span, d.code, d.message[:80]) for d in r.diagnostics]  # noqa: E731
    print("incremental:", show(result))
    print("fresh:      ", show(fresh))
    print("same" if show(result) == show(fresh) else "DIFFERENT")


if __name__ == "__main__":
    main()
