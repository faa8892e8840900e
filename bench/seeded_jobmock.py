"""`jobmock serve --api API` with N jobs already in the store, for the store-size benchmark.

    python bench/seeded_jobmock.py --jobs 100000 --port 8000 [--api matcher] [--speed 0.01]
                                   [--store URL | --state-dir DIR]

Builds the app with `create_app(Config(...))` as the CLI does, starts the engine (fixture jobs
first), then creates jobs through `Mock.create` (the engine's own path: id generation, field
merging, store put) until the store holds N jobs for that API, then serves with uvicorn as
`jobmock serve` does (one worker). The store: `--store URL`, or `--state-dir DIR` for the default
store of `jobmock serve` in that folder (its SQLite file), or Config's default. Prints one line
`seeded N jobs in S s` before serving.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from pathlib import Path

import uvicorn

from jobmock.config import Config
from jobmock.serving.app import create_app


async def seed(mock, api: str, total: int) -> int:  # type: ignore[no-untyped-def]
    await mock.start()
    have = len(await mock.store.list(api))  # the fixture's jobs: a few
    runtime = mock.runtime(api)
    scenarios = itertools.cycle(runtime.fixture.scenarios)
    tenants = itertools.cycle(runtime.fixture.tenants)
    created = 0
    for _ in range(max(0, total - have)):
        await mock.create(api, scenario=next(scenarios), tenant=next(tenants))
        created += 1
    # counted, not listed again: listing 100k jobs back decoded them all at once (~150 MB more
    # than serving them ever takes, the seeding peak the store benchmark measured)
    return have + created


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api", default="matcher")
    parser.add_argument("--speed", type=float, default=0.01)
    parser.add_argument("--store")
    parser.add_argument("--state-dir", type=Path)
    args = parser.parse_args()
    config = Config(port=args.port, apis=(args.api,), speed=args.speed)
    if args.store:
        config = config.replace(store=args.store)
    elif args.state_dir:
        from jobmock.store.sqlite import state_store_url

        config = config.replace(store=state_store_url(args.state_dir))
    print(f"store {config.store}", flush=True)
    app = create_app(config)
    started = time.perf_counter()
    count = asyncio.run(seed(app.mock, args.api, args.jobs))  # type: ignore[attr-defined]
    print(f"seeded {count} jobs in {time.perf_counter() - started:.2f} s", flush=True)
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning")


if __name__ == "__main__":
    main()
