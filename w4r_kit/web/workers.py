"""PDF rendering off the server's event loop: a pool of processes, each holding the kit.

reportlab is CPU-bound and the kit's drawing contexts cache laid-out text, so each
worker process has its own kit and renders one pack at a time; the server process
only parses forms, records packs and sends bytes. With `processes=0` (in-process
route tests) the same functions run in a thread, one at a time.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from .. import batch, packs
from ..load import Kit, load_project
from ..model import Group
from ..project import Project
from ..tracking import SheetIds

_kit: Kit | None = None


def start(root: str) -> None:
    """Worker start-up: load the kit once and render one pack so the first visitor waits less."""
    global _kit
    _kit = load_project(Project.at(root), allow_incomplete=True)
    lang = _kit.config.campaign.languages[0]
    cases = _kit.cases_for(lang)
    if cases:
        packs.pack_pdf(_kit, Group("warm-up", "Warm-up", lang, 1, (cases[0].id,)))


def visitor_pack(group: Group, case_material: bool, ids: SheetIds):
    return packs.pack_pdf(_kit, group, case_material, ids)


def groups_zip(groups: list[Group], ids: SheetIds):
    return packs.packs_zip(_kit, batch.plan(_kit, groups, None, ids))


def case_document(case_id: str, lang: str, kind: str) -> bytes:
    case = next(c for c in _kit.cases_for(lang) if c.id == case_id)     # its name in `lang`
    return packs.case_document(_kit, case, lang, kind)


def ready() -> bool:
    return _kit is not None


class RendererGone(Exception):
    """A worker process died (killed, out of memory): the request failed, nothing was recorded."""


class Renderer:
    def __init__(self, root: Path, processes: int) -> None:
        self.root, self.processes = str(root), processes
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        if processes == 0:
            start(self.root)
        else:
            self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server process has threads (the thread pool, the database).
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=start, initargs=(self.root,))

    async def run(self, func, *args):
        if self._pool is None:
            return await run_in_threadpool(self._inline, func, *args)
        pool = self._pool
        try:
            return await asyncio.wrap_future(pool.submit(func, *args))
        except BrokenProcessPool:
            if self._pool is pool:            # the first request to notice replaces the pool
                self._pool = self._new_pool()
                pool.shutdown(wait=False, cancel_futures=True)
            raise RendererGone() from None

    def call(self, func, *args):
        """`run` for a thread that may block (the registry's issue loop runs in one)."""
        if self._pool is None:
            return self._inline(func, *args)
        pool = self._pool
        try:
            return pool.submit(func, *args).result()
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = self._new_pool()
                pool.shutdown(wait=False, cancel_futures=True)
            raise RendererGone() from None

    def warm_up(self) -> None:
        """Start every render process now (a pool starts them on first use) and wait until
        each has loaded the kit, so the first visitors do not wait for it."""
        if self._pool is not None:
            for future in [self._pool.submit(ready) for _ in range(self.processes)]:
                future.result()

    def _inline(self, func, *args):
        with self._lock:
            return func(*args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
