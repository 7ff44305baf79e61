"""The documentation's pages at scale: 50,000 events, 200,000 acts and
100,000 people (with an involvement and a source's account for each act),
generated in bulk, then the server time and the queries of the event list
with filters, an event's page, the timeline (the event list newest first
where there is no timeline page yet, and a page deep into it), a fuzzy
search by name and the people page before any search (the newest people),
on SQLite and on PostgreSQL.

Targets on 2 cores: pages under 100 ms, the search under 300 ms (p95).

    .venv/bin/python bench/documentation_pages.py                 # both databases
    .venv/bin/python bench/documentation_pages.py --database sqlite --scale 0.1
    .venv/bin/python bench/documentation_pages.py --requests 50
    .venv/bin/python bench/documentation_pages.py --scale 0.2 --freeze   # and after gc.freeze()
    .venv/bin/python bench/documentation_pages.py --database sqlite --scale 0.2 \
        --profile "event list, filtered"   # where a page's CPU goes (cProfile),
                                           # its queries and the slowest ones' plans

PostgreSQL runs on a private server that scripts/with_postgres.py starts
and removes. Times are measured around Django's test client in the same
process: the view, the middleware, the template and the audit entry each
page writes, without the network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import statistics
import subprocess
import sys
import time
from typing import Any

from common import ROOT, machine, setup

GIVEN = [
    "Магомед", "Ислам", "Аслан", "Руслан", "Адам", "Зелимхан", "Ибрагим", "Тимур", "Мовсар",
    "Хамзат", "Ахмед", "Беслан", "Саид", "Умар", "Шамиль", "Хеда", "Зарема", "Амина", "Malika",
    "Leila", "Magomed", "Islam", "Ruslan", "Adam", "Zelimkhan", "Ibragim", "Timur", "Said",
]  # fmt: skip
SURNAMES = [
    "Демоев", "Вымыслов", "Примеров", "Выдумкин", "Небылицын", "Сказкин", "Фантазиев",
    "Образцов", "Шаблонов", "Макетов", "Тестоев", "Черновиков", "Пробаев", "Условнов",
    "Demoev", "Vymyslov", "Primerov", "Vydumkin", "Nebylitsyn", "Skazkin", "Fantaziev",
    "Obraztsov", "Shablonov", "Maketov", "Testoev", "Chernovikov", "Probaev", "Uslovnov",
]  # fmt: skip
PATRONYMICS = ["Ахмедович", "Русланович", "Исаевич", "Saidovich", "Umarovich", "Adamovich", ""]
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
BATCH = 5000


def code(prefix: str, number: int) -> str:
    """A unique code of the usual shape (random ones would collide at this scale)."""
    digits = []
    for _ in range(6):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return f"{prefix}-{''.join(reversed(digits))}"


def generate(scale: float, rng: random.Random, other_user: Any) -> dict[str, Any]:
    """Bulk rows as the actions would leave them (no audit entries)."""
    from django.db.models import Exists, OuterRef

    from safepassage.documentation.models import (
        Act,
        Event,
        Information,
        Involvement,
        Person,
        Term,
    )
    from safepassage.documentation.precision import FuzzyDate
    from safepassage.vault import search

    terms: dict[str, list[Term]] = {}
    for term in Term.objects.select_related("vocabulary"):
        terms.setdefault(term.vocabulary.key, []).append(term)
    act_types = [t for t in terms["act_type"] if t.depth >= 2]
    places = [t for t in terms["place"] if t.code.startswith("L-RU-CE-")]
    counts = {
        "people": int(100_000 * scale),
        "events": int(50_000 * scale),
        "acts": int(200_000 * scale),
    }
    started = time.perf_counter()
    names = []
    people = []
    for number in range(counts["people"]):
        name = " ".join(
            part
            for part in (rng.choice(SURNAMES), rng.choice(GIVEN), rng.choice(PATRONYMICS))
            if part
        )
        names.append(name)
        person = Person(code=code("P", number), kind="individual")
        person.name = name
        people.append(person)
    organisations = []
    for number in range(200):
        person = Person(code=code("P", counts["people"] + number), kind="organisation")
        person.name = f"Demo newspaper {number}"
        organisations.append(person)
    Person.objects.bulk_create(people + organisations, batch_size=BATCH)
    search.rebuild(Person, "name")
    events = []
    first = dt.date(2016, 1, 1)
    for number in range(counts["events"]):
        event = Event(
            code=code("E", number),
            confidentiality="restricted" if number % 20 == 7 else "compartment",
            created_by=other_user,
            place_area=rng.choice(places),
            place_precision="district",
        )
        event.title = f"Detentions {number}"
        event.start = FuzzyDate.exact(first + dt.timedelta(days=rng.randrange(3 * 365)))
        events.append(event)
    Event.objects.bulk_create(events, batch_size=BATCH)
    police = [t for t in terms["perpetrator_type"] if t.depth >= 2]
    degree = terms["involvement_degree"][1]
    connections = terms["source_connection"]
    reliability = terms["reliability"]
    for start in range(0, counts["acts"], BATCH):
        acts, involvements, information = [], [], []
        for number in range(start, min(start + BATCH, counts["acts"])):
            event = events[number % len(events)]
            act = Act(
                code=code("A", number),
                event=event,
                victim=people[rng.randrange(len(people))],
                act_type=rng.choice(act_types),
                place_area=event.place_area,
                place_precision="district",
                verification=rng.choice(["reported", "corroborated", "verified"]),
            )
            act.start = event.start
            acts.append(act)
            involvement = Involvement(act=act, degree=degree, perpetrator_type=rng.choice(police))
            if number % 10 == 0:
                involvement.unit = f"Unit {number % 40}"
            involvements.append(involvement)
            source = rng.choice(organisations) if number % 3 else rng.choice(people)
            item = Information(
                event=event,
                act=act,
                source=source,
                connection=rng.choice(connections),
                reliability=rng.choice(reliability),
            )
            if number % 10 == 0:
                item.account = "An account."
            information.append(item)
        Act.objects.bulk_create(acts)
        Involvement.objects.bulk_create(involvements)
        Information.objects.bulk_create(information)
    # As recording an act does (documentation.actions.create).
    Event.objects.filter(Exists(Act.objects.filter(event=OuterRef("pk")))).update(has_acts=True)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    counts["names"] = names
    counts["events_list"] = [e.code for e in events if e.confidentiality == "compartment"]
    return counts


def timed(client: Any, urls: list[str], requests: int) -> dict[str, list[Any]]:
    """Wall time, this process's CPU time (the database's too on SQLite),
    queries and answers of each request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found: dict[str, list[Any]] = {"wall": [], "cpu": [], "queries": [], "statuses": [], "db": []}
    for index in range(requests):
        url = urls[index % len(urls)]
        with CaptureQueriesContext(connection) as captured:
            start, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            found["wall"].append(time.perf_counter() - start)
            found["cpu"].append(time.process_time() - cpu)
        found["queries"].append(len(captured.captured_queries))
        found["db"].append(sum(float(query["time"]) for query in captured.captured_queries))
        found["statuses"].append(response.status_code)
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(
    database: str, scale: float, requests: int, freeze: bool = False, profile: str = ""
) -> None:
    env = setup("documenter", keep_database=database == "postgres", settings="safepassage.settings")
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.urls import NoReverseMatch, reverse

    from safepassage.documentation.models import Term
    from safepassage.vault.keyring import using_keyring

    rng = random.Random(14)
    other = get_user_model().objects.create(username="other")
    with using_keyring(env["keyring"]), transaction.atomic():
        made = generate(scale, rng, other)
    # The statistics the query planner reads: PostgreSQL's autovacuum and
    # SQLite's PRAGMA optimize (as connections close, safepassage.sqlite)
    # gather them on a running server; here, at once. Autovacuum would
    # also have vacuumed tables this size (its visibility map lets an index
    # answer alone).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    client = env["client"]
    # Python's full collections stop a request now and then: note them.
    gc.collect()
    pauses: list[float] = []
    started: list[float] = []

    def collection(phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started[:] = [time.process_time()]
            elif started:
                pauses.append(time.process_time() - started[0])

    gc.callbacks.append(collection)

    def term(key: str, code: str) -> int:
        return Term.objects.get(vocabulary__key=key, code=code).pk

    liberty = term("act_type", "030000000000")
    integrity = term("act_type", "020000000000")
    police = term("perpetrator_type", "010104000000")
    argun = term("place", "L-RU-CE-ARGUN")
    filters = [
        f"?act_type={liberty}&period_from=2017-03-01&period_to=2017-05-31",
        f"?act_type={integrity}&perpetrator_type={police}&verification=verified",
        f"?place={argun}&period_from=2016-06-01&period_to=2016-12-31",
        f"?act_type={liberty}&place={argun}&verification=corroborated&page=3",
    ]
    try:
        timeline = reverse("documentation:timeline")
    except NoReverseMatch:
        timeline = ""
    names: list[str] = made["names"]
    queries = [
        rng.choice(names).replace("Magomed", "Mahomed").replace("ov", "off")
        for _ in range(requests)
    ]
    pages: dict[str, list[str]] = {
        "event list, filtered": [f"/documentation/{f}" for f in filters],
        "event page": [
            f"/documentation/events/{c}/" for c in rng.sample(made["events_list"], requests)
        ],
        "timeline" if timeline else "event list, newest first": [timeline or "/documentation/"],
        "event list, page 200": ["/documentation/?page=200"],
        "fuzzy name search": [f"/documentation/people/?q={q}" for q in queries],
        "people, newest first": ["/documentation/people/"],
    }
    print(f"machine: {machine()}")
    print(
        f"database: {connection.vendor}; {made['events']:,} events, {made['acts']:,} acts "
        f"(an involvement and an account each), {made['people']:,} people; generated in "
        f"{made['seconds']} s"
    )
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    measure(client, pages, requests, pauses)
    if profile:
        profiled(client, pages[profile], requests)
    if freeze:
        # What `safepassage serve` does once the application is loaded:
        # what the process holds now leaves the collections' generations.
        from safepassage.site.management.commands.serve import freeze_startup_objects

        frozen = freeze_startup_objects()
        pauses.clear()
        print(f"after gc.freeze() ({frozen:,} objects frozen, as `safepassage serve` does):")
        measure(client, pages, requests, pauses)


def profiled(client: Any, urls: list[str], requests: int) -> None:
    """Where a page's CPU goes: cProfile over its requests, the functions
    that took most in all (with what they called) and in themselves."""
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    timed(client, urls, requests)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    print(f"profile of {requests} requests (cpu seconds):")
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    # And the queries of one request, slowest first, with their times.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(urls[0])
    print(f"queries of one request ({urls[0]}), slowest first (ms):")
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    for query in slowest:
        print(f"  {float(query['time']) * 1000:7.1f}  {query['sql'][:160]}")
    # The plans of the three slowest reads, as the database ran them.
    explain = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    for query in [q for q in slowest if q["sql"].lstrip("(").startswith("SELECT")][:3]:
        print(f"plan of: {query['sql']}")
        with connection.cursor() as cursor:
            cursor.execute(explain + query["sql"])
            for row in cursor.fetchall():
                print("  ", " ".join(str(part) for part in row))


def measure(client: Any, pages: dict[str, list[str]], requests: int, pauses: list[float]) -> None:
    print(
        f"  {'page':<26} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>8} {'cpu p95':>8} "
        f"{'queries':>8}  target (p95)"
    )
    for name, urls in pages.items():
        timed(client, urls[:2], 2)  # warm the caches
        found = timed(client, urls, requests)
        bad = sorted({s for s in found["statuses"] if s != 200})
        target = 300 if "search" in name else 100
        wall, cpu, counts = found["wall"], found["cpu"], found["queries"]
        p95 = percentile(wall, 0.95) * 1000
        print(
            f"  {name:<26} {statistics.median(wall) * 1000:7.1f} {p95:7.1f} "
            f"{statistics.median(cpu) * 1000:8.1f} {percentile(cpu, 0.95) * 1000:8.1f} "
            f"{min(counts):>3}-{max(counts):<4}  < {target} ms "
            f"{'met' if p95 < target else 'NOT MET'}{f'  (answers {bad})' if bad else ''}"
        )
        if 1 < len(set(urls)) <= 4 < len(found["wall"]):
            # A page asked several ways (the filters): each way apart, with
            # the time its queries took as the database driver saw it.
            for number, url in enumerate(urls[:4]):
                mine = range(number, len(found["wall"]), len(urls))
                wall_ms = [found["wall"][i] * 1000 for i in mine]
                db_ms = [found["db"][i] * 1000 for i in mine]
                print(
                    f"    {url[:60]:<60} p50 {statistics.median(wall_ms):6.1f}"
                    f"  max {max(wall_ms):6.1f}  queries p50 {statistics.median(db_ms):6.1f} ms"
                )
    if pauses:
        print(
            f"  full garbage collections during the requests: {len(pauses)}, "
            f"{statistics.median(pauses) * 1000:.0f} ms each (cpu, median)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 50,000 events")
    parser.add_argument("--requests", type=int, default=30, help="per page")
    parser.add_argument(
        "--freeze",
        action="store_true",
        help="measure again after gc.freeze(), as `safepassage serve` freezes after start-up",
    )
    parser.add_argument("--profile", default="", help="a page's name: profile its requests")
    args = parser.parse_args()
    if args.database == "both":
        for database in ("sqlite", "postgres"):
            command = [sys.executable, __file__, "--database", database]
            command += ["--scale", str(args.scale), "--requests", str(args.requests)]
            command += ["--freeze"] if args.freeze else []
            command += ["--profile", args.profile] if args.profile else []
            if database == "postgres":
                command = [sys.executable, str(ROOT / "scripts" / "with_postgres.py"), *command]
            subprocess.run(command, check=True)
        return
    if args.database == "postgres" and not os.environ.get("DATABASE_URL"):
        wrapper = [sys.executable, str(ROOT / "scripts" / "with_postgres.py")]
        sys.exit(subprocess.run([*wrapper, sys.executable, *sys.argv], check=False).returncode)
    run(args.database, args.scale, args.requests, args.freeze, args.profile)


if __name__ == "__main__":
    main()
