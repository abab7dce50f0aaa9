"""Announcing owed photo arrivals after the upload that brought them has been answered.

A photo upload does not wait for the sync lock (``blobs.service.record``): when a push holds it, the arrival
is committed as owed and ``Announcer.kick`` hands it to one background thread per server process. That thread
waits for the lock once and announces every owed arrival in one transaction; kicks that come in meanwhile
make it go round once more instead of queueing a transaction each, so 400 photos arriving during a push cost
a few announcements between its batches, not 400.

Nothing is lost when the thread fails or the process dies: the owed rows stay in ``blob_arrival`` and are
announced by the next push (``sync.service.push``), the next kick, or the next start of the server.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from sync_server.blobs import service
from sync_server.sync import changes

log = logging.getLogger(__name__)


class Announcer:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._mutex = threading.Lock()
        self._running = False
        self._again = False
        self._idle = threading.Event()
        self._idle.set()

    def announce_owed(self) -> int:
        """Wait for the sync lock and announce every owed arrival in one transaction; returns how many."""
        with self._factory() as session, session.begin():
            changes.lock(session=session)
            return service.announce_arrivals(session=session)

    def kick(self) -> None:
        """Have the background thread announce what is owed (started if it is not running); returns at once."""
        with self._mutex:
            if self._running:
                self._again = True
                return
            self._running = True
            self._idle.clear()
        threading.Thread(target=self._run, name="blob-arrivals", daemon=True).start()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the thread has nothing left to do (tests, shutdown); False on timeout."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            try:
                self.announce_owed()
            except Exception:  # the rows stay owed: the next push, kick or start announces them
                log.exception("announcing photo arrivals failed; they stay owed")
            with self._mutex:
                if not self._again:
                    self._running = False
                    self._idle.set()
                    return
                self._again = False
