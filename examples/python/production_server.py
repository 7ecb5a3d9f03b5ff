"""A production-shaped MCP server over Streamable HTTP, built on the engine's hooks instead
of hand-made wrappers.

- Bearer-token authorization: tokens come from the configuration (``tokens``) or the
  ``MCP_TOKENS`` environment variable (``subject:token,subject:token``, e.g. from a Kubernetes
  Secret); a missing or unknown token gets 401 with a ``WWW-Authenticate`` challenge.
- Per-client catalogues (``@server.catalogue``): a token entry may name the ``tools`` its
  subject sees; other tools are neither listed nor callable for it (answered as unknown).
- DNS-rebinding protection: only loopback ``Host`` names are accepted unless ``allowed_hosts``
  lists others (``MCP_ALLOWED_HOSTS=*`` accepts any, e.g. behind a Kubernetes Service, where
  probes and clients use the pod IP or the Service name; the bearer token still guards /mcp).
- Configuration: a JSON file (``--config FILE``), overridden by ``MCP_*`` environment
  variables (see ``ENVIRONMENT`` below), overridden by ``--http HOST:PORT``.
- Structured logs: one JSON object per line, to stderr or to ``log_file``. An audit
  middleware logs every tool call with its subject, duration and outcome; the error hook logs
  every unexpected exception with its traceback, while clients read only that the tool
  failed (``mask_error_details``).
- Rate limits (``rate_limits`` in the configuration): token buckets per client and per tool;
  a client over its limit gets ``RATE_LIMITED`` with a retry hint.
- Graceful shutdown on SIGTERM (and Ctrl-C): the server stops accepting, ``/readyz`` answers
  503, and calls in flight finish (up to ``shutdown_grace_seconds``) before the process exits.
- ``/healthz`` (liveness) and ``/readyz`` (readiness) are served by the engine without
  authorization, ``/metrics`` (Prometheus: requests per method, tool and outcome, durations,
  in flight) with a bearer token as MCP requests; the ``tool_metrics`` tool reads the same
  figures (``server.metrics()``).
- A circuit breaker around the dependency ``call_dependency`` reaches (``dependency.url``):
  after ``failure_threshold`` failures in a row it opens and calls fail fast; after
  ``cooldown_seconds`` one trial call goes through (half-open), and its success closes it.
- ``MCPServerConfig`` (production_config.py) reads the file, checking every key and type;
  ``get_config`` and the resource ``config://app`` show the configuration in force (never a
  token), ``set_config`` changes a live setting and can save it (an atomic write).
- ``health_check`` reports the resident memory and turns ``degraded`` when the error rate of
  the tool calls in the last ``health.window_seconds`` passes ``health.error_rate_threshold``
  (production_health.py, which also answers ``system_info``).
- Log files rotate (``log_max_bytes``, ``log_backups``).
- ``batch_process`` fetches many items from the service at ``batch.base_url`` through a pool
  of keep-alive connections (batch_client.py): bounded concurrency, a deadline per item,
  other hosts refused.
- HTTPS served by the server itself when ``tls.cert`` and ``tls.key`` (PEM files; or
  ``MCP_TLS_CERT`` and ``MCP_TLS_KEY``) are set: the seed's ``ENABLE_HTTPS``. Behind a
  TLS-terminating load balancer, leave them out.

    python examples/python/production_server.py --config deploy/config.example.json
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import logging
import logging.handlers
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Dict, Iterable, List, Optional, Tuple

import mcpforge
from mcpforge import AuthError, AuthInfo, AuthSettings, Context, ErrorInfo, Field, Server, ToolError
from mcpforge.middleware import CallNext, MiddlewareContext

from batch_client import HttpPool, run_batch
from production_config import SETTINGS, MCPServerConfig
from production_health import HealthMonitor, rss_bytes, system_info

log = logging.getLogger("production_server")
STARTED = time.monotonic()

# ----- configuration -------------------------------------------------------------------------

ENVIRONMENT: Dict[str, Tuple[str, Callable[[str], Any]]] = {
    "MCP_HOST": ("host", str),
    "MCP_PORT": ("port", int),
    "MCP_PUBLIC_URL": ("public_url", str),
    "MCP_ALLOWED_HOSTS": ("allowed_hosts", lambda v: [] if v.strip() == "*" else [h.strip() for h in v.split(",") if h.strip()]),
    "MCP_LOG_FILE": ("log_file", str),
    "MCP_LOG_LEVEL": ("log_level", str),
    "MCP_SHUTDOWN_GRACE_SECONDS": ("shutdown_grace_seconds", float),
    "MCP_DEPENDENCY_URL": ("dependency.url", str),
    "MCP_DEPENDENCY_FAILURE_THRESHOLD": ("dependency.failure_threshold", int),
    "MCP_DEPENDENCY_COOLDOWN_SECONDS": ("dependency.cooldown_seconds", float),
    "MCP_BATCH_BASE_URL": ("batch.base_url", str),
    "MCP_TLS_CERT": ("tls.cert", str),
    "MCP_TLS_KEY": ("tls.key", str),
}


@dataclass
class Config:
    """The server's settings as it runs with them; see ``load_config``."""

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: Optional[str] = None
    allowed_hosts: Optional[List[str]] = None  # Host names accepted (DNS-rebinding protection); None: loopback only, []: any
    tokens: Dict[str, str] = field(default_factory=dict)  # token -> subject
    visible_tools: Dict[str, List[str]] = field(default_factory=dict)  # subject -> the only tools it sees
    rate_limits: Optional[Dict[str, Any]] = None  # as Server(rate_limits=...): per_client, tools
    log_file: Optional[str] = None
    log_level: str = "INFO"
    log_max_bytes: int = 10 * 1024 * 1024
    log_backups: int = 5
    shutdown_grace_seconds: float = 30.0
    dependency: Dict[str, Any] = field(default_factory=dict)
    health: Dict[str, Any] = field(default_factory=dict)
    batch: Dict[str, Any] = field(default_factory=dict)
    tls: Dict[str, Any] = field(default_factory=dict)  # cert, key: PEM files; both set: HTTPS


def load_config(path: Optional[Path], environ: Dict[str, str]) -> Tuple[Config, MCPServerConfig]:
    """The file's settings, then the environment's (both checked by ``MCPServerConfig``): the
    configuration to run with, and the file's own settings (what ``set_config`` saves)."""
    stored = MCPServerConfig.load(path)
    effective = stored.copy()
    for variable, (key, kind) in ENVIRONMENT.items():
        if variable in environ:
            effective.set(key, kind(environ[variable]))
    plain = {name: effective.get(name) for name in Config.__dataclass_fields__ if name in SETTINGS}
    config = Config(**{k: v for k, v in plain.items() if v is not None and k != "tokens"})
    config.public_url, config.allowed_hosts = effective.get("public_url"), effective.get("allowed_hosts")
    config.dependency, config.health, config.batch, config.tls = (
        effective.section(name) for name in ("dependency", "health", "batch", "tls")
    )
    if bool(config.tls.get("cert")) != bool(config.tls.get("key")):
        raise ValueError("tls.cert and tls.key go together (MCP_TLS_CERT, MCP_TLS_KEY): give both or neither")
    if config.allowed_hosts is not None and not all(isinstance(h, str) for h in config.allowed_hosts):
        raise ValueError("allowed_hosts must be a list of host names")
    entries = [{"subject": s, "token": t} for s, _, t in (e.partition(":") for e in environ.get("MCP_TOKENS", "").split(",") if e)]
    for entry in [*effective.get("tokens"), *entries]:
        if not isinstance(entry, dict) or not entry.get("token") or not entry.get("subject"):
            raise ValueError("every token needs a subject and a token (MCP_TOKENS: subject:token,...)")
        config.tokens[entry["token"]] = entry["subject"]
        if "tools" in entry:
            if not (isinstance(entry["tools"], list) and all(isinstance(t, str) for t in entry["tools"])):
                raise ValueError("a token's tools must be a list of tool names")
            config.visible_tools[entry["subject"]] = entry["tools"]
    if not config.tokens:
        raise ValueError("no tokens configured (tokens in the file, or MCP_TOKENS=subject:token)")
    return config, stored


# ----- structured logs -----------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def setup_logging(config: Config) -> None:
    # A file rotates at log_max_bytes, keeping log_backups old ones; without one, stderr
    # (never stdout, which a stdio server's protocol owns).
    handler: logging.Handler = (
        logging.handlers.RotatingFileHandler(config.log_file, maxBytes=config.log_max_bytes, backupCount=config.log_backups,
                                             encoding="utf-8")
        if config.log_file else logging.StreamHandler(sys.stderr))
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(config.log_level.upper())


def event(message: str, level: int = logging.INFO, **fields: Any) -> None:
    log.log(level, message, extra={"fields": fields})


# ----- circuit breaker -----------------------------------------------------------------------


class CircuitOpen(Exception):
    """The breaker refused the call without trying it."""


class CircuitBreaker:
    """Closed: calls go through, consecutive failures are counted. Open (after
    ``failure_threshold`` of them): calls fail fast. Half-open (``cooldown`` seconds after
    opening): one trial call goes through; success closes the breaker, failure opens it again."""

    def __init__(self, name: str, failure_threshold: int, cooldown: float) -> None:
        if failure_threshold < 1 or cooldown <= 0:
            raise ValueError("the circuit breaker needs failure_threshold >= 1 and cooldown_seconds > 0")
        self.name, self.failure_threshold, self.cooldown = name, failure_threshold, cooldown
        self.failures = 0
        self.opened_at: Optional[float] = None
        self.trial_running = False
        self.lock = threading.Lock()

    @property
    def state(self) -> str:
        with self.lock:
            return self._state()

    def _state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half_open" if time.monotonic() - self.opened_at >= self.cooldown else "open"

    def snapshot(self) -> Dict[str, Any]:
        with self.lock:
            return {"state": self._state(), "consecutive_failures": self.failures,
                    "failure_threshold": self.failure_threshold, "cooldown_seconds": self.cooldown}

    def call(self, fn: Callable[[], Any]) -> Any:
        with self.lock:
            state = self._state()
            if state == "open" or (state == "half_open" and self.trial_running):
                assert self.opened_at is not None
                wait = max(0.0, self.opened_at + self.cooldown - time.monotonic())
                raise CircuitOpen(f"the circuit breaker for {self.name} is open; retry in {wait:.1f} s")
            self.trial_running = state == "half_open"
        try:
            result = fn()
        except Exception:
            with self.lock:
                self.trial_running = False
                self.failures += 1
                if state == "half_open" or self.failures >= self.failure_threshold:
                    self.opened_at = time.monotonic()
                    event("circuit opened", logging.WARNING, breaker=self.name, failures=self.failures)
            raise
        with self.lock:
            if self.opened_at is not None:
                event("circuit closed", breaker=self.name)
            self.trial_running, self.failures, self.opened_at = False, 0, None
        return result


# ----- the server ----------------------------------------------------------------------------

BREAKER = CircuitBreaker("dependency", 3, 30.0)
DEPENDENCY: Dict[str, Any] = {}
SERVER: Optional[Server] = None
MONITOR = HealthMonitor()
RUNNING = Config()  # the configuration in force, changed live by set_config
STORED = MCPServerConfig()  # the file's settings, which set_config saves
POOL: Optional[HttpPool] = None


def tool_figures() -> Dict[str, Any]:
    """Per tool: calls finished, errors among them, total seconds; and the tool calls in
    flight. Read from the engine's request metrics (the same figures as ``/metrics``)."""
    snapshot = (SERVER.metrics() if SERVER is not None else None) or {"series": []}
    calls = [s for s in snapshot["series"] if s["method"] == "tools/call"]
    tools = {
        s["name"]: {"calls": s["count"], "errors": s["count"] - s["outcomes"]["ok"], "total_seconds": round(s["sumSeconds"], 6)}
        for s in calls
        if s["count"]
    }
    return {"in_flight": sum(s["inFlight"] for s in calls), "tools": tools}


def health_check() -> Dict[str, Any]:
    """The server's health: status (``degraded`` while the dependency's breaker is not closed
    or the recent error rate is above its threshold, with the reasons), uptime, version,
    resident memory, calls in flight, the error rate and the dependency's circuit breaker."""
    breaker, errors = BREAKER.snapshot(), MONITOR.snapshot()
    reasons = ([f"the dependency's circuit breaker is {breaker['state']}"] if breaker["state"] != "closed" else []) + (
        [f"error rate {errors['error_rate']:.0%} over the last {errors['window_seconds']:g} s is above "
         f"{errors['threshold']:.0%}"] if errors["degraded"] else [])
    return {
        "status": "degraded" if reasons else "ok",
        "reasons": reasons,
        "version": mcpforge.__version__,
        "uptime_seconds": round(time.monotonic() - STARTED, 3),
        "memory": {"rss_bytes": rss_bytes()},
        "in_flight": tool_figures()["in_flight"],
        "errors": errors,
        "dependency": {"configured": bool(DEPENDENCY.get("url")), **breaker},
    }


def fetch_dependency() -> Any:
    request = urllib.request.Request(DEPENDENCY["url"], headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=float(DEPENDENCY.get("timeout_seconds", 5))) as response:  # noqa: S310
            text = response.read(1024 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"the dependency answered HTTP {e.code}") from None
    except (urllib.error.URLError, OSError) as e:
        raise RuntimeError(f"the dependency is unreachable: {getattr(e, 'reason', e)}") from None
    try:
        return json.loads(text)
    except ValueError:
        return text


def call_dependency() -> Dict[str, Any]:
    """Fetch the configured dependency, guarded by a circuit breaker (fails fast while it is open)."""
    if not DEPENDENCY.get("url"):
        raise ToolError("no dependency is configured (dependency.url or MCP_DEPENDENCY_URL)")
    try:
        return {"data": BREAKER.call(fetch_dependency), "breaker": BREAKER.state}
    except CircuitOpen as e:
        raise ToolError(str(e)) from None
    except RuntimeError as e:
        raise ToolError(f"{e} (breaker: {BREAKER.state})") from None


async def run_job(
    seconds: Annotated[float, Field(gt=0, le=300, description="How long the job works.")],
    ctx: Context,
) -> Dict[str, Any]:
    """A long-running job (it works for the given time, reporting progress each second).
    Shows graceful shutdown: a job in flight when SIGTERM arrives still finishes."""
    subject = ctx.auth.subject if ctx.auth else None
    event("job started", seconds=seconds, subject=subject, request_id=str(ctx.request_id))
    steps = max(1, int(seconds))
    for step in range(steps):
        await asyncio.sleep(seconds / steps)
        await ctx.report_progress(step + 1, steps)
    event("job finished", seconds=seconds, subject=subject, request_id=str(ctx.request_id))
    return {"seconds": seconds, "completed": True, "subject": subject}


def tool_metrics() -> Dict[str, Any]:
    """Calls, errors and total durations per tool, and the tool calls in flight (this one included)."""
    return tool_figures()


def public_config() -> Dict[str, Any]:
    """The configuration in force, without secrets: token subjects (and their tool lists), never tokens."""
    shown = {name: getattr(RUNNING, name) for name in RUNNING.__dataclass_fields__ if name not in ("tokens", "visible_tools")}
    subjects = sorted(set(RUNNING.tokens.values()))
    shown["tokens"] = [{"subject": s, **({"tools": RUNNING.visible_tools[s]} if s in RUNNING.visible_tools else {})}
                       for s in subjects]
    shown["file"] = str(STORED.path) if STORED.path else None
    return shown


def get_config() -> Dict[str, Any]:
    """The configuration the server runs with (file, then MCP_* variables, then changes made
    by set_config); token values are never shown."""
    return public_config()


def set_config(
    key: Annotated[str, Field(description="A setting that may change while the server runs: "
                              + ", ".join(k for k, v in SETTINGS.items() if v.live))],
    value: Annotated[Any, "Its new value (JSON)."],
    save: Annotated[bool, "Also write it to the configuration file (atomically)."] = False,
) -> Dict[str, Any]:
    """Change a setting now (the log level, the health monitor's window, threshold and
    minimum, the batch timeout), and optionally save it to the configuration file."""
    try:
        value = STORED.copy().set(key, value, live_only=True)  # checked before anything changes
        if save:
            STORED.set(key, value, live_only=True)
            STORED.save()
    except (ValueError, OSError) as e:
        raise ToolError(str(e)) from None
    section, _, name = key.rpartition(".")
    if section:
        getattr(RUNNING, section)[name] = value
        if section == "health":
            setattr(MONITOR, name, value)
        if section == "batch" and POOL is not None and name == "timeout_seconds":
            POOL.timeout = float(value)
    else:
        setattr(RUNNING, name, value)
        if name == "log_level":
            logging.getLogger().setLevel(str(value).upper())
    event("setting changed", key=key, saved=save)
    return {"key": key, "value": value, "saved": save, "config": public_config()}


def app_config() -> Dict[str, Any]:
    """config://app: the configuration in force, as get_config answers it."""
    return public_config()


def machine_info() -> Dict[str, Any]:
    """The machine (host name, OS, kernel, architecture, CPUs, load average, memory) and this
    server's process (pid, Python, resident memory, threads, uptime)."""
    return system_info(STARTED)


def batch_process(
    items: Annotated[List[str], Field(min_length=1, description="Paths under the configured base URL (/items/1) or full URLs under it.")],
    concurrency: Annotated[Optional[int], Field(ge=1, le=32, description="At most this many at once (capped by batch.concurrency).")] = None,
) -> Dict[str, Any]:
    """Fetch many items from the configured HTTP service through a pool of keep-alive
    connections: at most batch.concurrency at once, each within batch.timeout_seconds; items
    outside the configured base URL are refused without being requested."""
    if POOL is None:
        raise ToolError("no batch service is configured (batch.base_url or MCP_BATCH_BASE_URL)")
    if len(items) > int(RUNNING.batch["max_items"]):
        raise ToolError(f"at most {RUNNING.batch['max_items']} items per batch (got {len(items)})")
    return {"base_url": RUNNING.batch["base_url"], **run_batch(POOL, items, concurrency)}


# ----- hooks ---------------------------------------------------------------------------------


async def audit(context: MiddlewareContext, call_next: CallNext) -> Any:
    """Middleware: one log line per tool call (subject, duration, outcome), never the arguments."""
    if context.method != "tools/call":
        return await call_next(context)
    started, error = time.monotonic(), None
    try:
        result = await call_next(context)
        if result.get("isError"):
            error = next((c.get("text") for c in result.get("content", []) if c.get("type") == "text"), "tool error")
        return result
    except Exception as e:
        error = f"{type(e).__name__}: {e}"
        raise
    finally:
        fields: Dict[str, Any] = {"tool": context.name, "duration_ms": round((time.monotonic() - started) * 1000, 3),
                                  "ok": error is None, "subject": context.auth.subject if context.auth else None}
        if error is not None:
            fields["error"] = error
        MONITOR.record(error is None)
        event("tool call", **fields)


def on_error(exception: BaseException, info: ErrorInfo) -> None:
    """Error hook: every unexpected exception, with its traceback, in the structured log."""
    log.error("unexpected error", exc_info=(type(exception), exception, exception.__traceback__),
              extra={"fields": {"kind": info.kind, "name": info.name}})


def catalogue_for(visible_tools: Dict[str, List[str]]) -> Callable[[MiddlewareContext, str], Optional[Iterable[str]]]:
    """Catalogue hook: a subject with a ``tools`` list in its token entry sees only those."""

    def visible(request: MiddlewareContext, kind: str) -> Optional[Iterable[str]]:
        subject = request.auth.subject if request.auth else None
        if kind != "tools" or subject not in visible_tools:
            return None
        return visible_tools[subject]

    return visible


def create_server(config: Config) -> Server:
    """The server with its tools and hooks: metrics, masked errors with the error hook, the
    audit middleware, rate limits and per-subject tool lists."""
    global SERVER
    server = Server(
        "mcpforge-production",
        version=mcpforge.__version__,
        instructions="A production example: health, configuration, a guarded dependency, batches, long jobs and metrics.",
        limits={"shutdown_grace": config.shutdown_grace_seconds},
        metrics=True,
        mask_error_details=True,
        error_handler=on_error,
        rate_limits=config.rate_limits,
    )
    server.add_tool(health_check, title="Health check", annotations={"readOnlyHint": True})
    server.add_tool(call_dependency, title="Call the dependency", annotations={"readOnlyHint": True, "openWorldHint": True})
    server.add_tool(run_job, title="Run a job")
    server.add_tool(tool_metrics, title="Tool metrics", annotations={"readOnlyHint": True})
    server.add_tool(get_config, title="Configuration", annotations={"readOnlyHint": True})
    server.add_tool(set_config, title="Change a setting", annotations={"readOnlyHint": False, "idempotentHint": True})
    server.add_tool(machine_info, name="system_info", title="System information", annotations={"readOnlyHint": True})
    server.add_tool(batch_process, title="Batch requests", annotations={"readOnlyHint": True, "openWorldHint": True})
    server.add_resource(app_config, "config://app", name="app_config", title="Configuration", mime_type="application/json")
    server.add_middleware(audit)
    if config.visible_tools:
        server.catalogue(catalogue_for(config.visible_tools))
    SERVER = server
    return server


def verifier(tokens: Dict[str, str]) -> Callable[[str], AuthInfo]:
    """A verifier accepting the configured tokens (compared in constant time)."""

    def verify(token: str) -> AuthInfo:
        for known, subject in tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                return AuthInfo(subject=subject, scopes=["mcp"])
        event("token refused", logging.WARNING)
        raise AuthError("invalid token")

    return verify


def main() -> int:
    global BREAKER, RUNNING, STORED, MONITOR, POOL
    parser = argparse.ArgumentParser(description="a production-shaped MCP server over HTTP")
    parser.add_argument("--config", type=Path, help="a JSON configuration file (MCP_* variables override it)")
    parser.add_argument("--http", metavar="HOST:PORT", help="where to listen (overrides host and port)")
    args = parser.parse_args()
    try:
        config, STORED = load_config(args.config, dict(os.environ))
        if args.http:
            host, _, port = args.http.rpartition(":")
            config.host, config.port = host.strip("[]"), int(port)
        BREAKER = CircuitBreaker("dependency", int(config.dependency["failure_threshold"]),
                                 float(config.dependency["cooldown_seconds"]))
        MONITOR = HealthMonitor(**config.health)
        if config.batch.get("base_url"):
            POOL = HttpPool(config.batch["base_url"], int(config.batch["concurrency"]), float(config.batch["timeout_seconds"]))
    except (OSError, ValueError, TypeError) as e:
        print(f"production_server: bad configuration: {e}", file=sys.stderr)
        return 2
    RUNNING = config
    DEPENDENCY.update(config.dependency)
    setup_logging(config)
    server = create_server(config)
    https = bool(config.tls.get("cert"))
    public_url = config.public_url or f"{'https' if https else 'http'}://{config.host}:{config.port}/mcp"

    def on_sigterm(signum: int, frame: Any) -> None:
        event("SIGTERM: shutting down gracefully", in_flight=tool_figures()["in_flight"])
        server.shutdown()

    signal.signal(signal.SIGTERM, on_sigterm)
    event("serving", host=config.host, port=config.port, public_url=public_url, tokens=len(config.tokens))
    try:
        tls = {"tls_cert": config.tls["cert"], "tls_key": config.tls["key"]} if https else {}
        server.run("http", host=config.host, port=config.port, metrics=True, allowed_hosts=config.allowed_hosts,
                   auth=AuthSettings(verifier(config.tokens), resource=public_url, resource_name="mcpforge production example"),
                   **tls)
    except KeyboardInterrupt:
        pass
    # Stopped: a repeated SIGTERM must not kill the interpreter while it finalizes (which
    # restores the default action of signals that have a Python handler).
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    event("stopped", metrics=tool_figures())
    return 0


if __name__ == "__main__":
    sys.exit(main())
