"""Load and fault runs against a running server (issue 12): many clients, a mix of pages.

    .venv/bin/python -m bench.load_bench --base-url http://127.0.0.1:8000 \\
        --clients 100 --seconds 60 [--out bench/results/load.json]

    # and with a database restart during the load:
    .venv/bin/python -m bench.load_bench --base-url http://127.0.0.1:8000 --seconds 60 \\
        --fault-at 20 --fault-down 10 \\
        --fault-stop "pg_ctl -D /tmp/pg stop -m fast" --fault-start "pg_ctl -D /tmp/pg start"

Each client is a thread with its own keep-alive connection (http.client), asking for
pages at random from a fixed mix (meetings, lists, a ministry, topics, decisions,
search, the original text, a feed, the health check), meetings picked from the
sitemap. Reported: requests per second, latency p50/p95/p99, answers by status and
errors by kind; with a fault, the answers per second around it and how long after the
database was back the pages answered 200 again. Never point it at a server others use.
No Django here: the server is measured from outside, as a browser sees it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

SEARCH_WORDS = ["sgo", "besproken", "medewerkers", "rijksdienst", "huisvesting", "brexit"]
PAGES = [  # (weight, kind); a kind becomes a path in `path_for`
    (30, "meeting"),
    (10, "meeting_list"),
    (8, "meeting_year"),
    (8, "home"),
    (8, "search"),
    (6, "ministry"),
    (6, "decisions"),
    (6, "topics"),
    (6, "text"),
    (4, "feed"),
    (2, "healthz"),
]


@dataclass
class Answer:
    start: float  # seconds since the run began
    seconds: float
    kind: str
    status: int | None  # None: no HTTP answer (refused, reset, timeout)
    error: str = ""


def meeting_slugs(base_url: str) -> list[str]:
    with urllib.request.urlopen(base_url + "/sitemap.xml", timeout=60) as response:
        text = response.read().decode()
    sitemaps = re.findall(r"<loc>([^<]+sitemap[^<]*)</loc>", text)
    for url in sitemaps[:3]:  # an index of sitemap pages: the first pages are enough
        with urllib.request.urlopen(url, timeout=60) as response:
            text += response.read().decode()
    return sorted(set(re.findall(r"/vergaderingen/(\d{4}-\d{2}-\d{2}(?:-\d+)?)/<", text)))


def path_for(kind: str, slugs: list[str], rng: random.Random) -> str:
    slug = rng.choice(slugs)
    return {
        "meeting": f"/vergaderingen/{slug}/",
        "meeting_list": f"/vergaderingen/?page={rng.randint(1, 20)}",
        "meeting_year": f"/vergaderingen/?jaar={slug[:4]}",
        "home": "/",
        "search": f"/zoeken/?q={rng.choice(SEARCH_WORDS)}",
        "ministry": f"/ministeries/{rng.choice(['ezk', 'bzk', 'fin', 'jenv', 'vws'])}/",
        "decisions": f"/besluiten/?page={rng.randint(1, 20)}",
        "topics": "/onderwerpen/",
        "text": f"/vergaderingen/{slug}/tekst/",
        "feed": "/vergaderingen/feed/",
        "healthz": "/healthz",
    }[kind]


def client(
    base_url: str, slugs: list[str], began: float, until: float, seed: int, timeout: float
) -> list[Answer]:
    parts = urlsplit(base_url)
    rng = random.Random(seed)
    kinds = [kind for weight, kind in PAGES for _ in range(weight)]
    answers: list[Answer] = []
    connection: http.client.HTTPConnection | None = None
    while time.monotonic() < until:
        kind = rng.choice(kinds)
        path = path_for(kind, slugs, rng)
        start = time.monotonic()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
            connection.request("GET", path, headers={"User-Agent": "sgo-load-bench"})
            response = connection.getresponse()
            response.read()
            answers.append(Answer(start - began, time.monotonic() - start, kind, response.status))
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as exc:
            answers.append(
                Answer(start - began, time.monotonic() - start, kind, None, type(exc).__name__)
            )
            if connection is not None:
                connection.close()
            connection = None
            time.sleep(0.05)  # a refused connection answers at once: do not spin
    if connection is not None:
        connection.close()
    return answers


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_fault(args, began: float, events: dict[str, float]) -> None:
    time.sleep(args.fault_at)
    events["stop_issued"] = time.monotonic() - began
    subprocess.run(args.fault_stop, shell=True, check=True, capture_output=True)
    events["stopped"] = time.monotonic() - began
    time.sleep(args.fault_down)
    events["start_issued"] = time.monotonic() - began
    subprocess.run(args.fault_start, shell=True, check=True, capture_output=True)
    events["started"] = time.monotonic() - began


def summarise(answers: list[Answer], seconds: float, events: dict[str, float]) -> dict:
    ok = [a.seconds * 1000 for a in answers if a.status == 200]
    every = [a.seconds * 1000 for a in answers]
    summary = {
        "requests": len(answers),
        "requests_per_second": round(len(answers) / seconds, 1),
        "latency_ms": {
            "p50": round(percentile(every, 0.50), 1),
            "p95": round(percentile(every, 0.95), 1),
            "p99": round(percentile(every, 0.99), 1),
            "max": round(max(every), 1) if every else None,
        },
        "latency_ms_200": {
            "p50": round(percentile(ok, 0.50), 1),
            "p95": round(percentile(ok, 0.95), 1),
        },
        "by_status": dict(sorted(Counter(label(a) for a in answers).items())),
        "by_kind_p95_ms": {
            kind: round(percentile([a.seconds * 1000 for a in answers if a.kind == kind], 0.95), 1)
            for _weight, kind in PAGES
        },
    }
    if events:
        summary["fault"] = fault_summary(answers, events)
    return summary


def label(answer: Answer) -> str:
    return str(answer.status or answer.error)


def fault_summary(answers: list[Answer], events: dict[str, float]) -> dict:
    """Answers per second around the fault, and when the pages were whole again."""
    stopped, started = events["stop_issued"], events["started"]
    during = [a for a in answers if stopped <= a.start + a.seconds and a.start <= started]
    after = sorted((a for a in answers if a.start >= started), key=lambda a: a.start)
    # Back: the first second after which every answer (apart from none) was a 200.
    failures_after = [a.start for a in after if a.status != 200]
    recovered = max(failures_after, default=started)
    per_second: dict[int, Counter] = {}
    for a in answers:
        second = int(a.start + a.seconds)
        if stopped - 3 <= second <= started + 10:
            per_second.setdefault(second, Counter())[label(a)] += 1
    return {
        "events_s": {k: round(v, 2) for k, v in events.items()},
        "while_down_by_status": dict(Counter(map(label, during))),
        "after_restart_not_200": dict(Counter(label(a) for a in after if a.status != 200)),
        "all_200_again_s_after_database_up": round(max(0.0, recovered - started), 2),
        "per_second": {s: dict(c) for s, c in sorted(per_second.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=30, help="per request")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--fault-at", type=float, help="seconds into the run to stop the database")
    parser.add_argument("--fault-down", type=float, default=10, help="seconds it stays down")
    parser.add_argument("--fault-stop", help="shell command that stops the database")
    parser.add_argument("--fault-start", help="shell command that starts it again")
    parser.add_argument("--out", help="write the summary as JSON here too")
    args = parser.parse_args(argv)
    if args.fault_at is not None and not (args.fault_stop and args.fault_start):
        parser.error("--fault-at needs --fault-stop and --fault-start")
    base = args.base_url.rstrip("/")
    slugs = meeting_slugs(base)
    if not slugs:
        parser.error(f"no meetings in {base}/sitemap.xml")
    began = time.monotonic()
    until = began + args.seconds
    events: dict[str, float] = {}
    fault = None
    if args.fault_at is not None:
        fault = threading.Thread(target=run_fault, args=(args, began, events), daemon=True)
        fault.start()
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        futures = [
            pool.submit(client, base, slugs, began, until, args.seed + n, args.timeout)
            for n in range(args.clients)
        ]
        answers = [a for f in futures for a in f.result()]
    elapsed = time.monotonic() - began
    if fault is not None:
        fault.join()
    summary = {
        "base_url": base,
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "meetings_in_sitemap": len(slugs),
        **summarise(answers, elapsed, events),
    }
    text = json.dumps(summary, indent=1)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
