"""Load on the mediation rooms: many asyncio Socket.IO clients in several rooms.

    .venv/bin/python bench/rooms_load.py --clients 200 --rooms 20
    .venv/bin/python bench/rooms_load.py --clients 1000 --rooms 50

For the platform (`flask odr serve`, the make-run server, on a fresh SQLite database with cases in
mediation) and, in the same run, for a bare Socket.IO echo server (bench/echo_server.py), it reports
connect time, acknowledgement and fan-out latency (p50/p95/p99), the share of expected deliveries
that arrived, and the server's memory.
"""

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Bench-2026"


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_healthy(url, path):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + path, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


def build_platform(workdir: Path, rooms: int, env: dict):
    """A database with ROOMS cases in mediation, each with its joint room open."""
    os.environ.update(env)
    from decimal import Decimal

    import config
    from odr import create_app
    from odr.accounts.auth import hash_password
    from odr.accounts.models import Organisation, Role, User
    from odr.cases import operations as case_ops
    from odr.experts import operations as expert_ops
    from odr.experts.models import ExpertProfile, Seat
    from odr.extensions import db
    from odr.rooms import operations as room_ops

    app = create_app(config.load("development"))
    people = []
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        org = Organisation(name="压测调解委员会", kind="mediation_committee")
        db.session.add(org)
        secret = hash_password(PASSWORD)
        clerk = User(email="clerk@bench.com", name="书记员", password_hash=secret, organisation=org)
        clerk.add_role(Role.CLERK)
        db.session.add(clerk)
        for r in range(rooms):
            claimant = User(
                email=f"c{r}@bench.com",
                name=f"申请人{r}",
                password_hash=secret,
                party_kind="company",
                credit_code=f"C{r:017d}",
            )
            respondent = User(
                email=f"r{r}@bench.com",
                name=f"被申请人{r}",
                password_hash=secret,
                party_kind="company",
                credit_code=f"R{r:017d}",
            )
            mediator = User(
                email=f"m{r}@bench.com", name=f"调解员{r}", password_hash=secret, organisation=org
            )
            for u in (claimant, respondent):
                u.add_role(Role.PARTY)
            mediator.add_role(Role.MEDIATOR)
            db.session.add_all(
                [claimant, respondent, mediator, ExpertProfile(user=mediator, max_open_cases=5)]
            )
            db.session.flush()
            case = case_ops.file_case(
                claimant,
                organisation=org,
                title=f"压测案件{r}",
                ip_type="trademark",
                dispute_kind="infringement",
                industry="liubao_tea",
                place="market",
                claim_amount=Decimal("1000"),
                remedies="-",
                facts="-",
                channel="self_filed",
                online_consent=True,
                respondents=[
                    {"kind": "company", "name": respondent.name, "credit_code": respondent.credit_code}
                ],
            )
            case_ops.accept_case(case, clerk)
            case_ops.answer_invitation(case, respondent, consent=True)
            expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
            joint = room_ops.ensure_rooms(case)[0]
            room_ops.set_open(joint, mediator, True)
            people.append((joint.id, [claimant.email, respondent.email, mediator.email]))
        db.session.commit()
    return people


def login(base, email):
    http = requests.Session()
    page = http.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    http.post(
        base + "/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        timeout=30,
        allow_redirects=False,
    )
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


async def run_load(base, assignments, messages_per_client, spread):
    """ASSIGNMENTS: [(room_id, cookie or None)] one per client."""
    results = {"connect": [], "ack": [], "fanout": [], "received": 0, "sent": 0, "failed": 0, "retries": 0}
    clients = []
    members: dict[int, int] = {}
    sem = asyncio.Semaphore(50)

    async def connect(room_id, cookie):
        client = socketio.AsyncClient(reconnection=False)

        @client.on("msg")
        async def on_msg(message):
            try:
                sent_at = json.loads(message["body"])["t"]
            except (ValueError, KeyError, TypeError):
                return
            results["fanout"].append((time.time() - sent_at) * 1000)
            results["received"] += 1

        headers = {"Cookie": cookie} if cookie else {}
        async with sem:
            start = time.perf_counter()
            await client.connect(base, headers=headers, transports=["websocket"], wait_timeout=60)
            answer = await client.call("join", {"room_id": room_id}, timeout=60)
            results["connect"].append((time.perf_counter() - start) * 1000)
        assert answer["ok"], answer
        members[room_id] = members.get(room_id, 0) + 1
        clients.append((client, room_id))

    await asyncio.gather(*(connect(room_id, cookie) for room_id, cookie in assignments))

    async def talk(client, room_id, n):
        for i in range(messages_per_client):
            await asyncio.sleep(random.uniform(0, spread))
            body = json.dumps({"t": time.time(), "n": n, "i": i})
            start = time.perf_counter()
            answer = {"ok": False}
            for _attempt in range(5):
                if not client.connected:
                    answer = {"ok": False, "code": "disconnected"}
                    break
                try:
                    answer = await client.call(
                        "send", {"room_id": room_id, "client_id": f"{n}-{i}", "body": body}, timeout=60
                    )
                except socketio.exceptions.TimeoutError:
                    answer = {"ok": False, "code": "timeout"}
                except socketio.exceptions.SocketIOError:  # the server dropped this client
                    answer = {"ok": False, "code": "disconnected"}
                    break
                if answer.get("code") not in ("busy", "timeout"):
                    break
                results["retries"] += 1
                await asyncio.sleep(1 + random.random() * 2)  # as the browser client does
            if answer.get("ok"):
                results["ack"].append((time.perf_counter() - start) * 1000)
                results["sent"] += 1
            else:
                results["failed"] += 1

    await asyncio.gather(*(talk(c, r, n) for n, (c, r) in enumerate(clients)))
    sent_per_room = {}
    for _c, room_id in clients:
        sent_per_room[room_id] = sent_per_room.get(room_id, 0) + messages_per_client
    expected = sum(sent_per_room[r] * members[r] for r in members)
    deadline = time.monotonic() + 30
    while results["received"] < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    results["expected"] = expected
    results["dropped"] = sum(1 for c, _ in clients if not c.connected)
    await asyncio.gather(*(c.disconnect() for c, _ in clients if c.connected))
    return results


def report(name, results, rss_before, rss_after):
    def line(label, values):
        return (
            f"  {label:<22} p50 {percentile(values, 50):8.1f}  p95 {percentile(values, 95):8.1f}  "
            f"p99 {percentile(values, 99):8.1f} ms"
        )

    print(f"{name}")
    print(line("connect + join", results["connect"]))
    print(line("send acknowledged", results["ack"]))
    print(line("fan-out (send→member)", results["fanout"]))
    ratio = results["received"] / results["expected"] if results["expected"] else float("nan")
    print(
        f"  delivered/expected     {results['received']}/{results['expected']} = {ratio:.4f}; "
        f"sends failed {results['failed']}, retried {results['retries']}, clients dropped {results['dropped']}"
    )
    print(f"  server memory          {rss_before:.0f} MB idle → {rss_after:.0f} MB under load")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--messages", type=int, default=5, help="messages each client sends")
    parser.add_argument(
        "--spread", type=float, default=5.0, help="seconds over which each client's sends spread"
    )
    parser.add_argument(
        "--database-url", help="a PostgreSQL database to use (emptied first); default: SQLite"
    )
    args = parser.parse_args()
    random.seed(7)
    work = Path(tempfile.mkdtemp(prefix="odr-load-"))
    if args.database_url:
        import sqlalchemy as sa

        engine = sa.create_engine(args.database_url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    env = {
        "ODR_CONFIG": "development",
        "DATABASE_URL": args.database_url or f"sqlite:///{work / 'load.sqlite3'}",
        "FILE_STORAGE_DIR": str(work / "files"),
        "SECRET_KEY": "bench",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "8192",
        "ARGON2_PARALLELISM": "1",
        "ROOM_RATE_LIMIT": "100000 per second",
        "LOGIN_RATE_LIMIT": "100000 per minute",
    }
    t0 = time.perf_counter()
    rooms = build_platform(work, args.rooms, env)
    print(
        f"{args.clients} clients in {args.rooms} rooms, {args.messages} messages each "
        f"(set up in {time.perf_counter() - t0:.1f} s)"
    )

    port = 5600 + random.randint(0, 300)
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "odr", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=open(work / "server.log", "wb"),  # noqa: SIM115  (open for the server's whole life)
    )
    echo_port = port + 1
    echo = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "echo_server.py"), str(echo_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, "/healthz")
        cookies = {}
        for _room_id, emails in rooms:
            for email in emails:
                cookies[email] = login(base, email)
        assignments = []
        for n in range(args.clients):
            room_id, emails = rooms[n % len(rooms)]
            assignments.append((room_id, cookies[emails[(n // len(rooms)) % 3]]))
        before = rss_mb(server.pid)
        results = asyncio.run(run_load(base, assignments, args.messages, args.spread))
        database = "PostgreSQL" if args.database_url else "SQLite"
        report(
            f"ODR platform (flask odr serve, threading + simple-websocket, {database})",
            results,
            before,
            rss_mb(server.pid),
        )

        echo_base = f"http://127.0.0.1:{echo_port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(echo_base + "/socket.io/?EIO=4&transport=polling", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        before = rss_mb(echo.pid)
        results = asyncio.run(
            run_load(echo_base, [(room_id, None) for room_id, _ in assignments], args.messages, args.spread)
        )
        report(
            "bare Socket.IO echo server (same async mode, no login, no database)",
            results,
            before,
            rss_mb(echo.pid),
        )
    finally:
        for process in (server, echo):
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
