"""Background work that leaves the interpreter to the requests of its process.

A serving process answers requests in threads that share one interpreter lock; work done
beside them in another thread (warming a new build's index) takes turns with them and
stretches their latency. ``Pacer`` makes such a thread pause, between two steps, in
proportion to the time it worked, so that it takes at most `share` of the interpreter's
time while the requests go on. A build run in its own process does not pace itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable

STEP = 0.005  # seconds of work between two pauses, at least


class Pacer:
    """Call it after each step of background work."""

    def __init__(self, share: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.share = min(max(share, 0.01), 1.0)
        self._clock, self._sleep = clock, sleep
        self._since = clock()

    def __call__(self) -> None:
        if self.share >= 1.0:
            return
        busy = self._clock() - self._since
        if busy >= STEP:
            self._sleep(busy * (1 - self.share) / self.share)
            self._since = self._clock()
