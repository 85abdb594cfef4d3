"""wrk, driven from Python: one process per server at once, and their figures combined.

bench/wrk_report.lua prints each wrk's summary as JSON with its latency at 330 percentiles.
Requests, errors and requests/s are added up exactly. Percentiles of all the requests are
worked out from every process's distribution weighted by its requests (the lowest latency at
which the combined share of requests reaches the percentile), never by averaging percentiles;
with one process they are wrk's own figures.
"""

import json
import subprocess
from bisect import bisect_right
from pathlib import Path

WRK = Path("/usr/bin/wrk")
REPORT = Path(__file__).parent / "wrk_report.lua"
ERROR_KINDS = ("connect_errors", "read_errors", "write_errors", "timeouts", "bad_status")
COUNTS = ("requests", "errors", *ERROR_KINDS)
TIMEOUT = "30s"


def command(url: str, cookie: str, connections: int, threads: int, seconds: int) -> list[str]:
    command = [str(WRK), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", TIMEOUT, "-s", str(REPORT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    return [*command, url]


def summary(url: str, stdout: str, stderr: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"wrk printed no JSON summary for {url}:\n{stdout}\n{stderr}")
    return json.loads(lines[-1])


def load(urls: list[str], cookie: str, connections: int, threads: int, seconds: int) -> dict:
    """The same page on each server at once, the connections and threads shared out evenly."""
    if connections % len(urls) or threads % len(urls):
        raise ValueError(f"{connections} connections and {threads} threads do not split over {len(urls)} servers")
    share = (connections // len(urls), threads // len(urls))
    running = [
        (url, subprocess.Popen(command(url, cookie, *share, seconds), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True))
        for url in urls
    ]  # fmt: skip
    parts = []
    for url, process in running:
        stdout, stderr = process.communicate()
        if process.returncode:
            raise RuntimeError(f"wrk exited with {process.returncode} for {url}:\n{stderr}")
        parts.append(summary(url, stdout, stderr))
    return combine(parts)


def combine(parts: list[dict]) -> dict:
    if len(parts) == 1:
        return {key: value for key, value in parts[0].items() if key != "quantiles"} | {"processes": 1}
    combined = {key: sum(part[key] for part in parts) for key in COUNTS}
    combined["rps"] = sum(part["rps"] for part in parts)
    combined["duration_s"] = max(part["duration_s"] for part in parts)
    combined["max_ms"] = max(part["max_ms"] for part in parts)
    for percent in (50, 95, 99):
        combined[f"p{percent}_ms"] = percentile(parts, percent) / 1000
    combined["processes"] = len(parts)
    return combined


def percentile(parts: list[dict], percent: float) -> float:
    """Microseconds: the lowest latency any process saw at which the share of all requests at
    or below it reaches `percent` (each process's share read off its own percentile grid)."""
    total = sum(part["requests"] for part in parts)
    if total == 0:
        return 0.0
    grids = []
    for part in parts:
        points = sorted((us, share) for share, us in part["quantiles"])
        grids.append((part["requests"], [us for us, _ in points], [share for _, share in points]))

    def share_at(us: float) -> float:
        below = 0.0
        for requests, latencies, shares in grids:
            index = bisect_right(latencies, us)
            below += requests * (shares[index - 1] if index else 0.0)  # shares rise with latency
        return below / total

    for us in sorted({us for _, latencies, _ in grids for us in latencies}):
        if share_at(us) >= percent - 1e-9:
            return us
    return max(part["max_ms"] for part in parts) * 1000
