"""What one run of a server measures: a module alone, or a file of a workspace being scanned.

Every run starts a fresh server process. Latencies are in milliseconds, from the
moment the client wrote its message to the moment it read the answer:

- cold: ``didOpen`` -> the file's first diagnostics;
- keystroke: ``didChange`` -> diagnostics of that version (push: the
  ``publishDiagnostics`` carrying that version or a newer one; pull: the answer to
  the ``textDocument/diagnostic`` request sent right after the change);
- hover: ``textDocument/hover`` -> its answer.

Server CPU (user + system time of the server's process tree) per keystroke covers
the idle gaps between keystrokes too: work a server defers is still counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.lsp import procstat
from bench.lsp.client import Client, ServerDied
from bench.lsp.workload import Typist, edit_site, hover_sites


@dataclass
class Settings:
    edits: int = 30  # keystrokes per phase
    hovers: int = 30
    gap: float = 0.3  # idle seconds after each answer (a person typing, then pausing)
    scan_gap: float = 0.1  # shorter while the scan runs: more keystrokes inside it
    soak: int = 0  # keystrokes of the long soak (workspace runs), 0 for none
    soak_gap: float = 0.05
    init_timeout: float = 60.0
    cold_timeout: float = 300.0
    edit_timeout: float = 60.0
    request_timeout: float = 30.0
    scan_timeout: float = 1800.0
    progress_grace: float = 3.0  # no progress by then after initialized: the server has no scan


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


@contextlib.asynccontextmanager
async def server(command: list[str], cwd: Path, log: Path) -> AsyncIterator[Client]:
    client = Client(command, cwd, log)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def open_document(
    client: Client, uri: str, text: str, pull: bool, timeout: float
) -> float | None:
    """didOpen -> first diagnostics, in seconds (None on timeout)."""
    start = len(client.published)
    sent = await client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    if pull:
        try:
            _, _, received = await client.request(
                "textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout
            )
        except TimeoutError:
            return None
        return received - sent
    event = await client.wait_published(uri, start, None, timeout)
    return None if event is None else event.at - sent


async def keystroke(
    client: Client, uri: str, typist: Typist, pull: bool, timeout: float
) -> tuple[float, float | None]:
    """Types one character: (when it was sent, seconds to its diagnostics or None)."""
    change = typist.keystroke()
    if not client.incremental():
        change = {"text": typist.text}
    start = len(client.published)
    sent = await client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": typist.version}, "contentChanges": [change]},
    )
    if pull:
        try:
            _, _, received = await client.request(
                "textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout
            )
        except TimeoutError:
            return sent, None
        return sent, received - sent
    event = await client.wait_published(uri, start, typist.version, timeout)
    return sent, None if event is None else event.at - sent


async def typing(
    client: Client, uri: str, typist: Typist, pull: bool, count: int, gap: float, timeout: float
) -> list[tuple[float, float | None]]:
    samples = []
    for _ in range(count):
        if client.dead:
            break
        samples.append(await keystroke(client, uri, typist, pull, timeout))
        await asyncio.sleep(gap)
    return samples


async def hovering(
    client: Client, uri: str, sites: list[tuple[int, int]], timeout: float
) -> tuple[list[float | None], int]:
    """Hover latencies in seconds, and how many answers were not empty."""
    latencies: list[float | None] = []
    answered = 0
    for line, column in sites:
        if client.dead:
            break
        try:
            result, sent, received = await client.request(
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}},
                timeout,
            )
        except TimeoutError:
            latencies.append(None)
            continue
        latencies.append(received - sent)
        answered += result is not None
        await asyncio.sleep(0.02)
    return latencies, answered


def describe(client: Client) -> dict[str, Any]:
    return {
        "incremental_sync": client.incremental(),
        "offers_pull": client.offers_pull(),
        "server_requests": dict(client.server_requests),
        "server_info": client.server_info,
    }


# in the keystrokes that follow the hovers, one in this many is an Enter
ENTER_EVERY = 4


async def module_run(
    command: list[str], path: Path, pull: bool, settings: Settings, log: Path
) -> dict[str, Any]:
    """A file alone in its folder: cold open, keystrokes, hovers, keystrokes with Enters,
    memory, CPU."""
    text = path.read_text(encoding="utf-8")
    site = edit_site(text)
    uri = path.resolve().as_uri()
    result: dict[str, Any] = {"file": str(path), "lines": text.count("\n"), "pull": pull}
    result["edit_site"] = vars(site)
    async with server(command, path.parent, log) as client:
        try:
            await client.initialize(path.parent, pull, settings.init_timeout)
            result.update(describe(client))
            cold = await open_document(client, uri, text, pull, settings.cold_timeout)
            result["cold_ms"] = ms(cold)
            result["rss_after_open_mib"] = procstat.rss_mib(client.pid)
            typist = Typist(text, site)
            cpu = procstat.cpu_seconds(client.pid)
            samples = await typing(
                client, uri, typist, pull, settings.edits, settings.gap, settings.edit_timeout
            )
            cpu = procstat.cpu_seconds(client.pid) - cpu
            result["keystroke_ms"] = [ms(latency) for _, latency in samples]
            result["cpu_ms_per_keystroke"] = round(1000 * cpu / max(1, len(samples)), 1)
            sites = hover_sites(text, settings.hovers, site.line)
            hovers, answered = await hovering(client, uri, sites, settings.request_timeout)
            result["hover_ms"] = [ms(h) for h in hovers]
            result["hover_answered"] = answered
            # typing on, now with an Enter every few keys: each one moves every line below
            typist.enter_every = ENTER_EVERY
            samples = await typing(
                client, uri, typist, pull, settings.edits, settings.gap, settings.edit_timeout
            )
            result["keystroke_enter_ms"] = [ms(latency) for _, latency in samples]
            result["rss_end_mib"] = procstat.rss_mib(client.pid)
            result["peak_rss_mib"] = procstat.peak_rss_mib(client.pid)
        except (TimeoutError, ServerDied, RuntimeError) as error:
            result["error"] = f"{type(error).__name__}: {error}"
    return result


async def workspace_run(
    command: list[str], root: Path, path: Path, pull: bool, settings: Settings, log: Path
) -> dict[str, Any]:
    """A file of a workspace, opened as soon as the server is initialized (as an editor
    restoring its tabs does): cold open and keystrokes while the workspace scan runs, then
    keystrokes, hovers, memory and a long soak once it is over."""
    text = path.read_text(encoding="utf-8")
    site = edit_site(text)
    uri = path.resolve().as_uri()
    result: dict[str, Any] = {"file": str(path), "lines": text.count("\n"), "pull": pull}
    result["edit_site"] = vars(site)
    async with server(command, root, log) as client:
        try:
            initialized = await client.initialize(root, pull, settings.init_timeout)
            result.update(describe(client))
            cold = await open_document(client, uri, text, pull, settings.cold_timeout)
            result["cold_during_scan_ms"] = ms(cold)
            typist = Typist(text, site)
            early = await typing(
                client,
                uri,
                typist,
                pull,
                settings.edits,
                settings.scan_gap,
                settings.edit_timeout,
            )
            # the scan is over once every progress the server began has ended; a server
            # that began none within the grace period has no scan to wait for
            await client.wait_for(
                lambda: (
                    bool(client.progress)
                    or time.perf_counter() - initialized > settings.progress_grace
                ),
                settings.progress_grace,
            )
            if client.progress:
                await client.wait_for(lambda: not client.busy(), settings.scan_timeout)
            ends = [p.end for p in client.progress.values() if p.end is not None]
            scan_end = max(ends) if ends else None
            result["progress"] = [
                {
                    "title": p.title,
                    "begin_s": round(p.begin - initialized, 3),
                    "end_s": None if p.end is None else round(p.end - initialized, 3),
                }
                for p in client.progress.values()
            ]
            result["scan_s"] = None if scan_end is None else round(scan_end - initialized, 3)
            # during the scan: keystrokes sent before it ended (all of them, without a scan)
            result["keystroke_during_scan_ms"] = [
                ms(latency) for sent, latency in early if scan_end is None or sent < scan_end
            ]
            result["keystrokes_after_scan_end"] = sum(
                1 for sent, _ in early if scan_end is not None and sent >= scan_end
            )
            await asyncio.sleep(1.0)  # let the server settle (idle collection) before measuring
            result["rss_after_scan_mib"] = procstat.rss_mib(client.pid)
            cpu = procstat.cpu_seconds(client.pid)
            after = await typing(
                client, uri, typist, pull, settings.edits, settings.gap, settings.edit_timeout
            )
            cpu = procstat.cpu_seconds(client.pid) - cpu
            result["keystroke_after_scan_ms"] = [ms(latency) for _, latency in after]
            result["cpu_ms_per_keystroke"] = round(1000 * cpu / max(1, len(after)), 1)
            sites = hover_sites(text, settings.hovers, site.line)
            hovers, answered = await hovering(client, uri, sites, settings.request_timeout)
            result["hover_ms"] = [ms(h) for h in hovers]
            result["hover_answered"] = answered
            if settings.soak:
                result["soak"] = await soak(client, uri, typist, pull, settings)
            result["rss_end_mib"] = procstat.rss_mib(client.pid)
            result["peak_rss_mib"] = procstat.peak_rss_mib(client.pid)
        except (TimeoutError, ServerDied, RuntimeError) as error:
            result["error"] = f"{type(error).__name__}: {error}"
    return result


async def soak(
    client: Client, uri: str, typist: Typist, pull: bool, settings: Settings
) -> dict[str, Any]:
    """Many keystrokes in a row: resident memory every tenth of the way (does it grow?)."""
    every = max(1, settings.soak // 10)
    rss = [procstat.rss_mib(client.pid)]
    latencies: list[float | None] = []
    for k in range(settings.soak):
        if client.dead:
            break
        _, latency = await keystroke(client, uri, typist, pull, settings.edit_timeout)
        latencies.append(ms(latency))
        await asyncio.sleep(settings.soak_gap)
        if (k + 1) % every == 0:
            rss.append(procstat.rss_mib(client.pid))
    await asyncio.sleep(1.0)
    rss.append(procstat.rss_mib(client.pid))
    return {"keystrokes": len(latencies), "keystroke_ms": latencies, "rss_mib": rss}
