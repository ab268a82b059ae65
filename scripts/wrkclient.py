"""wrk, a C load generator, as the clients of the benchmarks (not a test).

The Python clients of scripts/loadtest.py parse every answer in Python threads sharing one
interpreter: on a 2-core machine they take CPU from the server they measure, and their
own waits for the interpreter are counted as the server's latency. wrk (`apt-get install
wrk`) does not; issue 18's first figures were taken with it. wrk asks the paths of a list
in turn (a mix drawn in advance, so that varied searches stay varied), one thread,
``clients`` keep-alive connections, and writes its figures through a `done()` hook:
requests, seconds, errors, and the latency distribution as 1 000 quantiles, so that the
figures of several runs (before, during and after a rebuild) can be pooled.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"
STEPS = 1000  # quantiles written per run
SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
asked = tonumber(os.getenv("WRK_OFFSET") or "0")  -- global: read back by done()
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
request = function()
  asked = asked + 1
  return wrk.format("GET", paths[(asked % #paths) + 1])
end
done = function(summary, latency, requests)
  local reached = 0
  for _, thread in ipairs(threads) do reached = math.max(reached, thread:get("asked")) end
  local out = assert(io.open(os.getenv("WRK_OUT"), "w"))
  local e = summary.errors
  out:write(string.format("%d %d %d %d %d\\n", summary.requests, summary.duration,
                          e.connect + e.read + e.write + e.status + e.timeout, latency.max,
                          reached))
  for step = 1, STEPS do
    out:write(string.format("%d\\n", latency:percentile(step * 100.0 / STEPS)))
  end
  out:close()
end
""".replace("STEPS", str(STEPS))


def available() -> bool:
    return shutil.which("wrk") is not None


def run(port: int, paths: list[str], clients: int, workdir: Path,  # noqa: PLR0913
        duration: float | None = None, until: Callable[[], object] | None = None,
        cpus: str | None = None, offset: int = 0) -> dict:
    """wrk asking `paths` in turn on 127.0.0.1:port for `duration` seconds, or until
    `until()` returns (wrk is then interrupted and reports what it did so far). Returns
    requests, seconds, errors (no answer, or a status of 400 or more), the longest latency
    and the latency quantiles, in milliseconds. `cpus` pins wrk to those cores (taskset)."""
    workdir.mkdir(parents=True, exist_ok=True)
    listing, script, out = (workdir / "wrk-paths.txt", workdir / "wrk.lua",
                            workdir / "wrk-out.txt")
    listing.write_text("\n".join(paths) + "\n")
    script.write_text(SCRIPT)
    out.unlink(missing_ok=True)
    seconds = max(1, round(duration)) if until is None else 3600
    pin = ["taskset", "-c", cpus] if cpus else []
    wrk = subprocess.Popen(
        [*pin, "wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script),
         f"http://{HOST}:{port}/"],
        env={**os.environ, "WRK_PATHS": str(listing), "WRK_OUT": str(out),
             "WRK_OFFSET": str(offset)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if until is not None:
            until()
            wrk.send_signal(signal.SIGINT)
        wrk.wait(timeout=seconds + 60)
    finally:
        if wrk.poll() is None:
            wrk.kill()
            wrk.wait()
    if not out.exists():
        raise SystemExit(f"wrk n'a rien écrit : {wrk.stderr.read().decode()[-2000:]}")
    head, *values = out.read_text().split("\n")
    requests, micros, errors, longest, reached = (int(x) for x in head.split())
    return {"requetes": requests, "secondes": micros / 1e6, "erreurs": errors,
            "max": longest / 1000, "fin": reached,
            "quantiles": [int(v) / 1000 for v in values if v.strip()]}


def pooled(runs: list[dict], pct: float) -> float:
    """The `pct` percentile (ms) of the requests of every run, each run's distribution
    weighted by its number of requests."""
    points = sorted((q, r["requetes"] / max(len(r["quantiles"]), 1))
                    for r in runs for q in r["quantiles"])
    total = sum(weight for _, weight in points)
    seen = 0.0
    for value, weight in points:
        seen += weight
        if seen >= total * pct / 100 - 1e-9:
            return value
    return points[-1][0] if points else 0.0


def rate(runs: list[dict]) -> float:
    return sum(r["requetes"] for r in runs) / max(sum(r["secondes"] for r in runs), 1e-9)


def phased_run(port: int, paths: list[str], clients: int, workdir: Path,  # noqa: PLR0913
               duration: float, rebuild: Callable[[], object], warmup: float = 0) -> dict:
    """The load of scripts/loadtest.py with wrk: `paths` asked for `warmup` seconds (not
    counted: each server process's first requests open its index and fill its caches),
    then for 30 % of `duration`, then for as long as `rebuild()` runs (it starts with that
    run), then for the rest of `duration` (a fifth of it at least). Returns each counted
    phase's figures, the warm-up's, the rebuild's start, end (seconds from the start of the
    counted phases) and return value, and the wall time of the counted phases."""
    warmed = run(port, paths, clients, workdir, duration=warmup) if warmup > 0 else None
    begin = time.monotonic()
    phases = {"avant": run(port, paths, clients, workdir, duration=0.3 * duration,
                           offset=warmed["fin"] if warmed else 0)}
    build: dict[str, float] = {}

    def rebuilding() -> None:
        build["debut"] = time.monotonic() - begin
        build["code"] = rebuild()  # type: ignore[assignment]
        build["fin"] = time.monotonic() - begin

    phases["reconstruction"] = run(port, paths, clients, workdir, until=rebuilding,
                                   offset=phases["avant"]["fin"])
    rest = max(duration - (time.monotonic() - begin), 0.2 * duration)
    phases["apres"] = run(port, paths, clients, workdir, duration=rest,
                          offset=phases["reconstruction"]["fin"])
    return {"phases": phases, "build": build, "wall": time.monotonic() - begin,
            "echauffement": warmed}
