"""`make scale-test`: the scale-out topology (three instances of the `everything` example
server sharing one state key, behind nginx configured from deploy/nginx/) driven by the
official clients, then an instance killed and restarted under load.

    .venv/bin/python tests/scale/run.py [--full]

The short form runs in `make test` (well under two minutes); --full makes every scenario
larger and the instance-loss run longer. Prints one report per scenario (calls ok, failed
by kind, which instance served what). Exit status 1 when a scenario that must pass
failed; scenarios waiting for the shared session store are reported, never fatal, until
the instances run with one: --instance-env says where it is, --shared-store makes those
scenarios count.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import anyio  # noqa: E402
import anyio.to_thread  # noqa: E402

import legacy  # noqa: E402
import loss  # noqa: E402
import modern  # noqa: E402
import retries  # noqa: E402
from results import Result, report  # noqa: E402
from scenario import FULL, SHORT, Env, run_scenario  # noqa: E402
from support import target_dir  # noqa: E402
from topology import stop_on_sigterm, topology  # noqa: E402

INSTANCES = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="larger scenarios and a longer instance-loss run")
    parser.add_argument(
        "--instance-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="more environment for every instance (e.g. where a shared store listens); repeatable",
    )
    parser.add_argument(
        "--shared-store",
        action="store_true",
        help="the instances share a session store (given with --instance-env): its scenarios must pass too",
    )
    args = parser.parse_args()
    if any("=" not in pair for pair in args.instance_env):
        parser.error("--instance-env takes NAME=VALUE")
    instance_env = dict(pair.split("=", 1) for pair in args.instance_env)
    stop_on_sigterm()
    size = FULL if args.full else SHORT
    binary = target_dir() / "debug" / "everything"
    load = target_dir() / "debug" / "mcpforge-load"
    for needed in (binary, load):
        if not needed.exists():
            print(f"scale-test: {needed} is missing: run `make build`", file=sys.stderr)
            return 2
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="mcpforge-scale-") as scratch:
        with topology(binary, Path(scratch), INSTANCES, instance_env=instance_env) as topo:
            env = Env(topo, size)

            async def scenarios() -> None:
                for scenario in [*modern.SCENARIOS, *retries.SCENARIOS, *legacy.SCENARIOS]:
                    results.append(await run_scenario(scenario, env))
                results.append(await anyio.to_thread.run_sync(lambda: loss.instance_loss(topo, load, full=args.full)))
                for scenario in legacy.KILL_SCENARIOS:
                    results.append(await run_scenario(scenario, env))

            anyio.run(scenarios)
    print(f"scale-test ({'full' if args.full else 'short'} form): {INSTANCES} instances of `everything` behind nginx")
    print(report(results))
    failed = [r.name for r in results if r.fails_the_run(args.shared_store)]
    if failed:
        print(f"scale-test: FAILED: {', '.join(failed)}")
        return 1
    print("scale-test: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
