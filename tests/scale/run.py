"""`make scale-test`: the scale-out topology (three instances of the `everything` example
server sharing one state key, behind nginx configured from deploy/nginx/) driven by the
official clients, in the two deployments docs/deploy.md describes: instances that keep
their legacy sessions, behind nginx with session affinity; and instances sharing a Redis,
behind plain round-robin nginx, where sessions, subscriptions and answers cross instances
and an instance is killed and restarted under load. Then the same with three `mcpforge
gateway` instances in front of `everything` run as each one's shared stdio child, sharing a
Redis behind round-robin nginx (tests/scale/gateway.py). Then the OAuth proxy on three
instances sharing a Redis (tests/scale/proxy.py).

    .venv/bin/python tests/scale/run.py [--full]

The short form runs in `make test` (well under two minutes); --full makes every scenario
larger and the instance-loss run longer. Prints one report per scenario (calls ok, failed
by kind, which instance served what). Exit status 1 when a scenario failed.
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
import proxy  # noqa: E402
import resume  # noqa: E402
import retries  # noqa: E402
import tasks  # noqa: E402
import gateway  # noqa: E402
from nginx import NGINX_FAIL_TIMEOUT  # noqa: E402
from results import Needs, Result, report  # noqa: E402
from scenario import FULL, SHORT, Env, Scenario, run_scenario  # noqa: E402
from support import target_dir  # noqa: E402
from topology import stop_on_sigterm, topology  # noqa: E402

INSTANCES = 3


def deployment(
    title: str,
    binary: Path,
    load: Path,
    full: bool,
    *,
    shared_store: bool,
    scenarios: list[Scenario],
    loss_run: bool,
    lead: list[str] | None = None,
    args: list[str] | None = None,
    kill_scenarios: list[Scenario] | None = None,
) -> tuple[str, list[Result]]:
    """Runs `scenarios` (then the instance-loss run when `loss_run`, then the scenarios that
    kill an instance: `kill_scenarios`, by default the engine's) on a fresh topology of
    `binary LEAD --http ADDRESS ARGS`; the report and the results."""
    if kill_scenarios is None:
        kill_scenarios = [*legacy.KILL_SCENARIOS, *resume.SCENARIOS]
    size = FULL if full else SHORT
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="mcpforge-scale-") as scratch:
        with topology(binary, Path(scratch), INSTANCES, shared_store=shared_store, lead=lead, args=args) as topo:
            env = Env(topo, size)

            async def run_all() -> None:
                for scenario in scenarios:
                    results.append(await run_scenario(scenario, env))
                if loss_run:
                    for wire in ["2026", "legacy"]:
                        lost = await anyio.to_thread.run_sync(lambda: loss.instance_loss(topo, load, full=full, wire=wire))
                        results.append(lost)
                if shared_store:
                    if loss_run:
                        # The loss runs killed instances: nginx leaves a failed instance out for
                        # fail_timeout, and one more kill within it would leave no instance.
                        await anyio.sleep(NGINX_FAIL_TIMEOUT)
                    for scenario in kill_scenarios:
                        results.append(await run_scenario(scenario, env))

            anyio.run(run_all)
    return report(title, results), results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="larger scenarios and a longer instance-loss run")
    args = parser.parse_args()
    stop_on_sigterm()
    binary = target_dir() / "debug" / "everything"
    load = target_dir() / "debug" / "mcpforge-load"
    quickstart = target_dir() / "debug" / "quickstart"
    gateway_binary = target_dir() / "debug" / "mcpforge"
    for needed in (binary, load, quickstart, gateway_binary):
        if not needed.exists():
            print(f"scale-test: {needed} is missing: run `make build`", file=sys.stderr)
            return 2
    everything = [*modern.SCENARIOS, *retries.SCENARIOS, *legacy.SCENARIOS, *tasks.SCENARIOS]
    on_their_own = [s for s in legacy.SCENARIOS if s.needs is Needs.AFFINITY]
    runs = [
        deployment(
            "instances that keep their sessions, behind nginx with session affinity (mcpforge.conf.template)",
            binary, load, args.full, shared_store=False, scenarios=on_their_own, loss_run=False,
        ),
        deployment(
            "instances sharing a Redis, behind round-robin nginx (mcpforge-shared.conf.template)",
            binary, load, args.full, shared_store=True, scenarios=everything, loss_run=True,
        ),
    ]
    with tempfile.TemporaryDirectory(prefix="mcpforge-scale-") as scratch:
        config = gateway.gateway_config(Path(scratch), binary)
        runs.append(
            deployment(
                "`mcpforge gateway` instances, each with `everything` as its shared stdio child, sharing a Redis,"
                " behind round-robin nginx (mcpforge-shared.conf.template)",
                gateway_binary, load, args.full, shared_store=True, scenarios=gateway.SCENARIOS, loss_run=True,
                lead=["gateway"], args=["--config", str(config)],
                kill_scenarios=[*gateway.KILL_SCENARIOS, *resume.SCENARIOS],
            )
        )
    with tempfile.TemporaryDirectory(prefix="mcpforge-scale-") as scratch:
        runs.append(proxy.deployment(quickstart, Path(scratch), INSTANCES))
    print(f"scale-test ({'full' if args.full else 'short'} form): {INSTANCES} instances of `everything` behind nginx")
    for text, _ in runs:
        print(text)
    failed = [r.name for _, results in runs for r in results if not r.succeeded]
    if failed:
        print(f"scale-test: FAILED: {', '.join(failed)}")
        return 1
    print("scale-test: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
