"""The request path: what one authenticated request costs through HTTP, apart from its answer.

    .venv/bin/python bench/request_path.py [--requests 3000] [--rounds 3] [--keys 20]
                                           [--profile FILE] [--compare-key-cache] [--compare-code DIR]
                                           [--only TEXT]

A throw-away managed Neo4j (temporary home, free ports) gets the seed cluster (``seed/cluster.json``,
300 members). The API runs in its own uvicorn process (one worker, as ``bench/load.py`` starts it:
development mode, rate limits lifted so that they do not shape the figures). ``--keys`` member keys
are made through ``POST /api/v1/keys``. Then one client with one keep-alive connection (httpx)
sends, in ``--rounds`` rounds, ``--requests`` requests of each kind, one after the other:

* ``GET /health``: no authentication, no audit line, the floor of the HTTP stack;
* ``GET /api/v1/subsectors`` without a key: refused with 401 (an audit line, no key lookup);
* ``GET /api/v1/subsectors`` with a member key and with the manager key;
* ``GET /api/v1/members/{id}/recommendations`` by members for themselves (the keys in turn).

Rounds interleave the kinds, so that a burst of load from other processes on the machine spreads
over all of them. Prints, per kind, p50, p99 and max over every request, the median of each round's
p50 and p99, the CPU time per request of the API process and of Neo4j (the figure that holds on a
busy machine, where wall times are stretched by waiting for a core), and the load average (1 min)
before and after; markdown for docs/benchmarks.md.

``--compare-key-cache`` runs two API processes side by side on the same database, one trusting a
key for 1 s after its lookup (the default) and one looking every key up in Neo4j
(``GRAPH_SERVICE_KEY_CACHE=0``, as before the cache), the rounds in turn, so that both see the
same load.

``--compare-code DIR`` does the same with a second API process running the code in ``DIR`` (e.g.
the commit before a change: ``git archive <commit> | tar -x -C DIR``), to measure a change side by
side under the same load.

``--profile FILE`` samples the server with py-spy (every thread, wall clock, idle frames dropped)
during the recommendation requests of the first round and writes the collapsed stacks to FILE; the
summary printed after it names the functions with the most samples (own and cumulative).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
import load  # noqa: E402  # after sys.path is set
from common import percentile, temporary_database  # noqa: E402  # after sys.path is set
from load import SEED_FILE, api_process  # noqa: E402  # after sys.path is set

from graph_service.interchange import Document  # noqa: E402  # after sys.path is set
from graph_service.neo4j_server.managed import ManagedServer  # noqa: E402  # after sys.path is set
from graph_service.store import documents  # noqa: E402  # after sys.path is set

Request = Callable[[httpx.Client, int], httpx.Response]


def kinds(manager: str, keys: list[tuple[str, str]]) -> dict[str, Request]:
    """The requests measured: name -> send(client, i)."""
    as_manager = {"Authorization": f"Bearer {manager}"}
    member_headers = [({"Authorization": f"Bearer {k}"}, m) for k, m in keys]

    def recommend(c: httpx.Client, i: int) -> httpx.Response:
        headers, member = member_headers[i % len(member_headers)]
        return c.get(f"/api/v1/members/{member}/recommendations", headers=headers)

    return {
        "GET /health (no authentication, no audit line)": lambda c, i: c.get("/health"),
        "GET /api/v1/subsectors without a key (401)": lambda c, i: c.get("/api/v1/subsectors"),
        "GET /api/v1/subsectors, member key": lambda c, i: c.get(
            "/api/v1/subsectors", headers=member_headers[i % len(member_headers)][0]),
        "GET /api/v1/subsectors, manager key": lambda c, i: c.get("/api/v1/subsectors", headers=as_manager),
        "GET /api/v1/members/{id}/recommendations, the member's own key": recommend,
    }


EXPECTED = {"GET /api/v1/subsectors without a key (401)": 401}


def run(client: httpx.Client, send: Request, n: int, expected: int) -> list[float]:
    out = []
    for i in range(n):
        began = time.perf_counter()
        r = send(client, i)
        out.append((time.perf_counter() - began) * 1000)
        if r.status_code != expected:
            raise RuntimeError(f"{r.request.url} answered {r.status_code}: {r.text[:300]}")
    return out


def cpu_of(pid: int | None) -> float:
    """CPU seconds (user + system, every thread) the process ``pid`` has used so far."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def code_from(directory: Path | None) -> Iterator[None]:
    """Start API processes (:func:`load.api_process`, which runs uvicorn in ``load.ROOT``) from the
    code in ``directory`` (None: this checkout)."""
    root = load.ROOT
    if directory is not None:
        if not (directory / "graph_service" / "api" / "app.py").is_file():
            raise SystemExit(f"{directory} holds no graph_service checkout")
        load.ROOT = directory
    try:
        yield
    finally:
        load.ROOT = root


def profile_summary(path: Path, top: int = 25) -> str:
    """The functions with the most samples in py-spy's collapsed stacks (own, and anywhere on the stack)."""
    own: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1] + ")"
                  for f in stack.split(";")[1:]]  # the first frame names the thread
        total += n
        if frames:
            own[frames[-1]] += n
        for f in set(frames):
            anywhere[f] += n
    lines = [f"{total} samples", "cumulative:"]
    lines += [f"  {100 * c / total:5.1f}%  {f}" for f, c in anywhere.most_common(top)]
    lines += ["own:"] + [f"  {100 * c / total:5.1f}%  {f}" for f, c in own.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="requests of each kind per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keys", type=int, default=20, help="member keys, used in turn")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy's collapsed stacks go here")
    parser.add_argument("--compare-key-cache", action="store_true",
                        help="two servers side by side, rounds in turn: the key cache on (1 s) and off")
    parser.add_argument("--only", default=None, metavar="TEXT",
                        help="only the kinds of request whose name holds TEXT (e.g. recommendations)")
    parser.add_argument("--compare-code", type=Path, default=None, metavar="DIR",
                        help="two servers side by side, rounds in turn: this checkout and the code in DIR")
    args = parser.parse_args()
    if args.compare_key_cache and args.compare_code:
        parser.error("--compare-key-cache and --compare-code are one comparison each; pick one")

    doc = Document.model_validate_json(SEED_FILE.read_text(encoding="utf-8"))
    visible = sorted(m.id for m in doc.members if m.visibility != "private")
    with tempfile.TemporaryDirectory(prefix="gs-request-path-") as tmp, \
            temporary_database(Path(tmp) / "db", heap="1g", pagecache="512m") as db:
        documents.import_document(db, doc, replace=True, batch_size=db.settings.import_batch_size)
        home = Path(tmp) / "api"
        home.mkdir()
        manager = "bench-manager-key-" + os.urandom(12).hex()
        # (label, environment, code directory); the first one is profiled.
        variants: list[tuple[str, dict[str, str], Path | None]] = [("", {}, None)]
        if args.compare_key_cache:  # the same requests against a server that looks every key up
            variants = [("key cache 1 s: ", {"GRAPH_SERVICE_KEY_CACHE": "1"}, None),
                        ("key cache off: ", {"GRAPH_SERVICE_KEY_CACHE": "0"}, None)]
        elif args.compare_code:
            variants = [("this checkout: ", {}, None), (f"{args.compare_code.name}: ", {}, args.compare_code.resolve())]
        neo4j_pid = ManagedServer(db.settings).pid()
        with ExitStack() as stack:
            servers = []
            for n, (label, env, code) in enumerate(variants):
                os.environ.update(env)
                server_home = home / f"server-{n}"  # its own audit log
                server_home.mkdir()
                with code_from(code):
                    base, pid = stack.enter_context(api_process(db, server_home, manager))
                servers.append((label, pid, stack.enter_context(httpx.Client(base_url=base, timeout=180))))
            keys = []
            for i, member in enumerate(visible[: args.keys]):
                r = servers[0][2].post("/api/v1/keys", headers={"Authorization": f"Bearer {manager}"},
                                       json={"role": "member", "member": member, "name": f"request path {i}"})
                r.raise_for_status()
                keys.append((r.json()["key"], member))
            plan = {name: send for name, send in kinds(manager, keys).items()
                    if args.only is None or args.only.lower() in name.lower()}
            if not plan:
                raise SystemExit(f"no kind of request is named like {args.only!r}")
            for _label, _pid, client in servers:  # warm-up: the projection, the recommender's index, the pool
                for name, send in plan.items():
                    run(client, send, 200, EXPECTED.get(name, 200))
            load_before = os.getloadavg()
            samples: dict[str, list[float]] = {}
            per_round: dict[str, list[tuple[float, float]]] = {}
            cpu: dict[str, list[float]] = {}  # name -> [API process s, Neo4j s]
            for round_ in range(args.rounds):
                for n, (label, pid, client) in enumerate(servers):
                    for name, send in plan.items():
                        spy = None
                        if args.profile and round_ == 0 and "recommendations" in name and n == 0:
                            spy_exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
                            spy = subprocess.Popen([spy_exe, "record", "-p", str(pid), "-o", str(args.profile),
                                                    "-f", "raw", "-r", "250", "--nonblocking"],
                                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                            time.sleep(1.0)
                        before = cpu_of(pid), cpu_of(neo4j_pid)
                        ms = run(client, send, args.requests, EXPECTED.get(name, 200))
                        if spy is None:
                            used = cpu.setdefault(label + name, [0.0, 0.0])
                            used[0] += cpu_of(pid) - before[0]
                            used[1] += cpu_of(neo4j_pid) - before[1]
                        else:
                            spy.send_signal(2)
                            spy.wait(timeout=60)
                        samples.setdefault(label + name, []).extend(ms)
                        per_round.setdefault(label + name, []).append((statistics.median(ms), percentile(ms, 99)))
            load_after = os.getloadavg()

    print(f"One uvicorn worker per server, one keep-alive client, {args.rounds} rounds of {args.requests:,} "
          f"requests of each kind; load average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after "
          f"({os.cpu_count()} cores).\n")
    print("| request | p50 | p99 | max | round p50s | round p99s | CPU per request: API / Neo4j |\n"
          "|---|---|---|---|---|---|---|")
    for name, ms in samples.items():
        rounds = per_round[name]
        measured = args.requests * (args.rounds - (1 if args.profile and "recommendations" in name
                                                   and name.startswith(servers[0][0]) else 0))
        api_cpu, neo_cpu = cpu.get(name, [0.0, 0.0])
        per_request = (f"{1000 * api_cpu / measured:.2f} / {1000 * neo_cpu / measured:.2f} ms"
                       if measured else "(profiled)")
        print(f"| {name} | {statistics.median(ms):.2f} ms | {percentile(ms, 99):.2f} ms | {max(ms):.1f} ms | "
              + ", ".join(f"{a:.2f}" for a, _ in rounds) + " | " + ", ".join(f"{b:.2f}" for _, b in rounds)
              + f" | {per_request} |")
    if args.profile:
        print("\n" + profile_summary(args.profile))


if __name__ == "__main__":
    main()
