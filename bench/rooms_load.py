"""Load on the mediation rooms: many asyncio Socket.IO clients in many rooms, at a steady rate.

    nice -n 10 .venv/bin/python bench/rooms_load.py --clients 1000 --rooms 200 --rate 200 \
        --database-url postgresql://postgres@127.0.0.1:5432/bench --mode gevent --processes 2 \
        --redis-url redis://127.0.0.1:6379/6 --flood all

For the platform (`flask odr serve`, one or several processes, on a fresh database with cases in
mediation) and, in the same run, for a bare Socket.IO echo server in the same async mode
(bench/echo_server.py), it reports acknowledgement and fan-out latency (p50/p99), sends answered
within 2 s, the share of expected deliveries that arrived, and the servers' memory. With --flood,
the platform is measured again while one member floods the server with one event type, as fast
as it can send, and the other members' latencies are reported beside the run without the flood.
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
import uuid
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


def cpu_seconds(pids):
    """User + system CPU seconds the processes PIDS have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def wait_healthy(url, path):
    deadline = time.monotonic() + 180  # a loaded machine takes its time to import the platform
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
    from odr.core.db import utcnow
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
                u.verified_number, u.verified_at = u.credit_code, utcnow()  # identity checked
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


FLOODS = ("send", "typing", "sync", "history", "read", "join", "leave")


class Load:
    """Clients connected to one or several servers, each member of one room."""

    def __init__(self, bases, assignments, senders=0):
        self.bases, self.assignments = bases, assignments
        self.senders = senders  # send from the first SENDERS clients only (0: from any)
        self.clients = []  # (client, room_id)
        self.phase = None
        self.fanout, self.received = [], 0
        self.busy_joins = self.refused_connects = 0

    async def connect(self):
        sem = asyncio.Semaphore(20)  # people arriving together, as after a restart

        async def one(n, room_id, cookie):
            client = socketio.AsyncClient(reconnection=False)

            @client.on("msg")
            async def on_msg(message):
                try:
                    body = json.loads(message["body"])
                except (ValueError, KeyError, TypeError):
                    return
                if body.get("p") == self.phase:
                    self.fanout.append((time.time() - body["t"]) * 1000)
                    self.received += 1

            headers = {"Cookie": cookie} if cookie else {}
            async with sem:
                for attempt in range(10):  # refused (busy): try again, as the page does
                    try:
                        await client.connect(
                            self.bases[n % len(self.bases)],
                            headers=headers,
                            transports=["websocket"],
                            wait_timeout=60,
                        )
                        break
                    except socketio.exceptions.ConnectionError:
                        if attempt == 9:
                            raise
                        self.refused_connects += 1
                        await asyncio.sleep(2 + random.random() * 3)
                for _attempt in range(10):
                    answer = await client.call("join", {"room_id": room_id}, timeout=60)
                    if answer.get("code") != "busy":
                        break
                    self.busy_joins += 1  # as the page does: try again in a moment
                    await asyncio.sleep(1 + random.random())
            assert answer["ok"], answer
            return client, room_id

        started = time.perf_counter()
        self.clients = await asyncio.gather(*(one(n, r, c) for n, (r, c) in enumerate(self.assignments)))
        return time.perf_counter() - started

    async def phase_run(self, name, rate, duration, flood=None, flooder=None, pids=()):
        """Send RATE messages a second for DURATION seconds from random members; with FLOOD, the
        FLOODER client sends that event as fast as the server lets it meanwhile."""
        self.phase, self.fanout, self.received = name, [], 0
        members = {}
        for _c, room_id in self.clients:
            members[room_id] = members.get(room_id, 0) + 1
        result = {"ack": [], "failed": 0, "retries": 0, "late": 0, "expected": 0}
        rng = random.Random(hash(name) & 0xFFFF)

        async def send(client, room_id):
            body = json.dumps({"t": time.time(), "p": name})
            client_id = uuid.uuid4().hex
            start = time.perf_counter()
            answer = {}
            for _attempt in range(4):
                try:
                    answer = await client.call(
                        "send", {"room_id": room_id, "client_id": client_id, "body": body}, timeout=5
                    )
                except socketio.exceptions.TimeoutError:
                    answer = {"code": "timeout"}
                except socketio.exceptions.SocketIOError:
                    answer = {"code": "disconnected"}
                    break
                if answer.get("code") not in ("busy", "timeout"):
                    break
                result["retries"] += 1
                await asyncio.sleep(1 + rng.random())  # as the page does
            took = (time.perf_counter() - start) * 1000
            if answer.get("ok"):
                result["ack"].append(took)
                result["expected"] += members[room_id]
                result["late"] += took > 2000
            else:
                result["failed"] += 1

        flood_task, flood_counts = None, {}
        if flood:
            flood_task = asyncio.create_task(self._flood(flooder, flood, duration, flood_counts))
        tasks, start = [], time.monotonic()
        cpu_before = cpu_seconds(pids)
        total = int(rate * duration)
        for k in range(total):
            delay = start + k / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            client, room_id = self.clients[rng.randrange(self.senders or len(self.clients))]
            tasks.append(asyncio.create_task(send(client, room_id)))
        await asyncio.gather(*tasks)
        deadline = time.monotonic() + 15
        while self.received < result["expected"] and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if flood_task:
            await flood_task
        acked = len(result["ack"])
        result.update(
            cpu_ms=(cpu_seconds(pids) - cpu_before) * 1000 / acked if acked else float("nan"),
            load=os.getloadavg()[0],
            fanout=self.fanout,
            received=self.received,
            offered=total / duration,
            achieved=len(result["ack"]) / (time.monotonic() - start),
            flood=flood_counts,
        )
        self.phase = None
        return result

    async def _flood(self, flooder, event, duration, counts):
        client, room_id = flooder
        end = time.monotonic() + duration
        n = 0

        def answered(answer=None, *_):
            code = "ok" if isinstance(answer, dict) and answer.get("ok") else (answer or {}).get("code", "?")
            counts[code] = counts.get(code, 0) + 1

        payloads = {
            "send": lambda i: {"room_id": room_id, "client_id": f"flood-{uuid.uuid4().hex}", "body": "flood"},
            "typing": lambda i: {"room_id": room_id, "typing": bool(i % 2)},
            "sync": lambda i: {"room_id": room_id, "after_seq": 0},
            "history": lambda i: {"room_id": room_id, "before_seq": 1000},
            "read": lambda i: {"room_id": room_id, "seq": 1},
            "join": lambda i: {"room_id": room_id},
            "leave": lambda i: {"room_id": room_id},
        }
        while time.monotonic() < end:
            try:
                for _ in range(20):  # as fast as the connection takes them, answers or not
                    await client.emit(event, payloads[event](n), callback=answered)
                    n += 1
            except socketio.exceptions.SocketIOError:
                counts["flooder disconnected"] = True  # the server dropped the flooder
                break
            await asyncio.sleep(0.01)
        counts["sent"] = n

    async def close(self):
        await asyncio.gather(*(c.disconnect() for c, _ in self.clients if c.connected))


def line(name, r, baseline=None):
    def p(values, q):
        return percentile(values, q)

    delivered = r["received"] / r["expected"] if r["expected"] else float("nan")
    text = (
        f"| {name} | {r['offered']:.0f} / {r['achieved']:.0f} | {p(r['ack'], 50):.1f} / {p(r['ack'], 99):.1f} | "
        f"{p(r['fanout'], 50):.1f} / {p(r['fanout'], 99):.1f} | "
        f"{r['received']}/{r['expected']} = {delivered:.4f} | {r['failed']} failed, {r['late']} > 2 s, "
        f"{r['retries']} retried | {r['cpu_ms']:.1f} | {r['load']:.1f} |"
    )
    if baseline:
        text += (
            f" ×{p(r['fanout'], 50) / p(baseline['fanout'], 50):.2f} / "
            f"×{p(r['fanout'], 99) / p(baseline['fanout'], 99):.2f} |"
        )
    else:
        text += " |"
    if r.get("flood"):
        text += f" {r['flood']}"
    return text


HEADER = (
    "| run | msg/s offered / achieved | ack p50 / p99 ms | fan-out p50 / p99 ms | delivered | sends |"
    " server CPU ms / msg | load avg | fan-out vs baseline p50 / p99 | flood answers |"
    "\n|---|---|---|---|---|---|---|---|---|---|"
)


def start(command, env, log):
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--rate", type=float, default=200, help="messages a second, all rooms together")
    parser.add_argument("--duration", type=float, default=15, help="seconds each measured run lasts")
    parser.add_argument(
        "--database-url", help="a PostgreSQL database to use (emptied first); default: SQLite"
    )
    parser.add_argument("--mode", choices=("threading", "gevent"), default="gevent")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument(
        "--server", choices=("flask", "gunicorn"), default="flask", help="flask odr serve or gunicorn"
    )
    parser.add_argument(
        "--threads", type=int, default=1000, help="gunicorn's threads per process (threading)"
    )
    parser.add_argument(
        "--senders", type=int, default=0, help="send from the first N clients only (default: any client)"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6", help="for several processes")
    parser.add_argument("--flood", default="", help="comma-separated events to flood, or 'all'")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare server")
    args = parser.parse_args()
    floods = FLOODS if args.flood == "all" else [f for f in args.flood.split(",") if f]
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
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "SOCKETIO_ASYNC_MODE": args.mode,
        "SERVER_PROCESSES": str(args.processes),
        "SCHEDULER_IN_WEB_PROCESS": "0",
    }
    if args.senders:  # a few members send the whole rate: their own limit must not refuse it
        env["ROOM_RATE_LIMIT"] = "100000 per minute"
    if args.processes > 1:
        env.update(
            SOCKETIO_MESSAGE_QUEUE=args.redis_url,
            SOCKETIO_CHANNEL=f"odr-bench-{os.getpid()}",
            RATELIMIT_STORAGE_URI=args.redis_url,
        )
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    t0 = time.perf_counter()
    rooms = build_platform(work, args.rooms, env)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{args.clients} clients in {args.rooms} rooms, {args.rate:.0f} msg/s for {args.duration:.0f} s; "
        f"{database}, {args.mode}, {args.processes} process(es) (set up in {time.perf_counter() - t0:.0f} s)"
    )
    port = 5600 + random.SystemRandom().randint(0, 500) * 4  # not the seeded one: a fresh port each run
    log = open(work / "servers.log", "wb")  # noqa: SIM115  (open for the servers' whole life)

    def command(i):
        if args.server == "gunicorn" and args.mode == "gevent":
            return [
                sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gevent", "--worker-connections", "5000",
                "-b", f"127.0.0.1:{port + i}", "wsgi:app",
            ]  # fmt: skip
        if args.server == "gunicorn":
            return [
                sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", str(args.threads),
                "-b", f"127.0.0.1:{port + i}", "wsgi:app",
            ]  # fmt: skip
        return [sys.executable, "-m", "flask", "--app", "wsgi", "odr", "serve", "--port", str(port + i)]

    servers = [start(command(i), {**os.environ, **env}, log) for i in range(args.processes)]
    echo_port = port + args.processes
    echo = None
    try:
        bases = [f"http://127.0.0.1:{port + i}" for i in range(args.processes)]
        for base in bases:
            wait_healthy(base, "/healthz")
        cookies = {}
        for _room_id, emails in rooms:
            for email in emails:
                cookies[email] = login(bases[0], email)
        assignments = []
        for n in range(args.clients):
            room_id, emails = rooms[n % len(rooms)]
            assignments.append((room_id, cookies[emails[(n // len(rooms)) % 3]]))
        flooder_room, flooder_emails = rooms[0]

        async def platform():
            load = Load(bases, assignments, args.senders)
            pids = [s.pid for s in servers]
            took = await load.connect()
            print(
                f"platform: {args.clients} clients connected and joined in {took:.1f} s "
                f"({load.refused_connects} connections refused and {load.busy_joins} joins answered busy, "
                "then tried again)"
            )
            results = {"base": await load.phase_run("base", args.rate, args.duration, pids=pids)}
            print(line("platform, no flood", results["base"]), flush=True)
            for event in floods:
                flooder = socketio.AsyncClient(reconnection=False)
                for attempt in range(5):
                    try:
                        await flooder.connect(
                            bases[0], headers={"Cookie": cookies[flooder_emails[0]]}, transports=["websocket"]
                        )
                        break
                    except socketio.exceptions.ConnectionError:
                        if attempt == 4:
                            raise
                        await asyncio.sleep(3)
                results[event] = await load.phase_run(
                    f"flood-{event}",
                    args.rate,
                    args.duration,
                    flood=event,
                    flooder=(flooder, flooder_room),
                    pids=pids,
                )
                print(line(f"flooding {event}", results[event], results["base"]), flush=True)
                if flooder.connected:
                    await flooder.disconnect()
            await load.close()
            return results

        idle = [rss_mb(s.pid) for s in servers]
        platform_results = asyncio.run(platform())
        busy = [rss_mb(s.pid) for s in servers]

        bare = None
        if not args.no_bare:
            echo = start(
                [sys.executable, str(ROOT / "bench" / "echo_server.py"), str(echo_port), args.mode],
                os.environ,
                log,
            )
            echo_base = f"http://127.0.0.1:{echo_port}"
            wait_healthy(echo_base, "/socket.io/?EIO=4&transport=polling")

            async def bare_run():
                load = Load([echo_base], [(room_id, None) for room_id, _ in assignments], args.senders)
                await load.connect()
                result = await load.phase_run("bare", args.rate, args.duration, pids=[echo.pid])
                await load.close()
                return result

            bare = asyncio.run(bare_run())
        print(HEADER)
        if bare:
            print(line(f"bare Socket.IO server ({args.mode}, 1 process)", bare))
        name = f"platform ({args.server}, {args.mode}, {args.processes} process(es), {database})"
        print(line(name, platform_results["base"], bare))
        for event in floods:
            print(
                line(
                    f"{name}, one member flooding `{event}`",
                    platform_results[event],
                    platform_results["base"],
                )
            )
        print(
            f"server memory: {' + '.join(f'{a:.0f}' for a in idle)} MB idle → {' + '.join(f'{b:.0f}' for b in busy)} MB"
        )
        print("(flood rows: ratios against the platform's run without the flood)")
    finally:
        for process in [*servers, echo]:
            if process is not None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        log.close()


if __name__ == "__main__":
    main()
