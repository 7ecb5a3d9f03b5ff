"""The tested topology: N instances of an example server on loopback ports, sharing one
state key and, when asked, a Redis, behind one nginx doing what deploy/nginx/ says
(mcpforge.conf.template without the store, mcpforge-shared.conf.template with it). A
context manager: whatever happens inside (a failed scenario, Ctrl-C, SIGTERM), every
process it started is stopped on the way out.
"""

from __future__ import annotations

import secrets
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from instances import Instance
from metrics import Snapshot
from nginx import AFFINITY, SHARED, Nginx
from redis_server import RedisServer
from support import free_port


class Topology:
    """Running instances, the nginx in front of them and the Redis they share, if any."""

    def __init__(self, instances: list[Instance], front: Nginx | None, redis: RedisServer | None) -> None:
        self.instances = instances
        self.front = front
        self.redis = redis

    @property
    def url(self) -> str:
        """Where clients connect: nginx, or the only instance when there is no nginx."""
        if self.front is not None:
            return self.front.url
        return f"http://{self.instances[0].address}/mcp"

    def ports(self) -> dict[str, int]:
        """Instance name -> port."""
        return {i.name: i.port for i in self.instances}

    def snapshot(self) -> Snapshot:
        """Every instance's request counters now."""
        return Snapshot(self.ports())

    def instance(self, name: str) -> Instance:
        """The instance called `name`."""
        return next(i for i in self.instances if i.name == name)


def stop_on_sigterm() -> None:
    """SIGTERM (make's, or a CI runner's) unwinds like Ctrl-C, so the topology's exit stops
    every process it started."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@contextmanager
def topology(
    binary: Path,
    scratch: Path,
    count: int,
    *,
    nginx: bool = True,
    nginx_workers: int | str = 1,
    variant: Callable[[str], str] | None = None,
    shared_store: bool = False,
    args: list[str] | None = None,
    lead: list[str] | None = None,
    front_port: int | None = None,
) -> Iterator[Topology]:
    """Starts `count` instances of `binary` (sharing a Redis started here when
    `shared_store`), and nginx in front unless `nginx` is false (the template for the
    deployment, with `nginx_workers` worker processes and its configuration changed by
    `variant` if given), yields them, and stops them all however the block ends. `args`: more
    arguments of every instance (after `--http ADDRESS`), `lead` the ones before it; `front_port`: nginx's port (a free one by default)."""
    key = secrets.token_hex(32)
    redis = RedisServer(scratch / "redis", free_port()) if shared_store else None
    env = {"MCPFORGE_SHARED_STORE": redis.url} if redis is not None else {}
    instances = [Instance(f"i{n + 1}", binary, free_port(), key, scratch, env, args, lead) for n in range(count)]
    servers = [i.address for i in instances]
    template = SHARED if shared_store else AFFINITY
    front = Nginx(scratch / "nginx", front_port or free_port(), servers, nginx_workers, variant, template) if nginx else None
    try:
        if redis is not None:
            redis.start()
        for instance in instances:
            instance.start()
        if front is not None:
            front.start()
        yield Topology(instances, front, redis)
    finally:
        if front is not None:
            front.stop()
        for instance in instances:
            instance.stop()
        if redis is not None:
            redis.stop()
