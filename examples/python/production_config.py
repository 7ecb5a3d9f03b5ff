"""``MCPServerConfig``: the production server's settings file, read, changed key by key and
written back.

Every key is declared in ``SETTINGS`` with its type, default and whether it may change while
the server runs; an unknown key or a value of the wrong type is refused with a message naming
it, when the file is read as when a key is set. Nested settings are named with dots
(``health.window_seconds``). ``save`` writes the whole file atomically: to a temporary file in
the same directory, flushed to disk, then renamed over the old one, so a crash leaves either
the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Tuple

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Setting:
    """One key: its JSON types, its default, a check of its value, and whether ``set`` may
    change it while the server runs (the others are read at start-up only)."""

    types: Tuple[type, ...]
    default: Any = None
    check: Optional[Callable[[Any], Optional[str]]] = None
    live: bool = False


def positive(value: Any) -> Optional[str]:
    return None if value > 0 else "must be positive"


def fraction(value: Any) -> Optional[str]:
    return None if 0 < value <= 1 else "must be above 0 and at most 1"


def level(value: Any) -> Optional[str]:
    return None if str(value).upper() in LOG_LEVELS else f"must be one of {', '.join(LOG_LEVELS)}"


def port(value: Any) -> Optional[str]:
    return None if 0 < value < 65536 else "must be a port number (1-65535)"


NUMBER = (int, float)
JSON_NAMES = {str: "string", int: "integer", list: "array", dict: "object"}
SETTINGS: Dict[str, Setting] = {
    "host": Setting((str,), "127.0.0.1"),
    "port": Setting((int,), 8000, port),
    "public_url": Setting((str,)),
    "allowed_hosts": Setting((list,)),
    "tokens": Setting((list,), []),
    "rate_limits": Setting((dict,)),
    "log_file": Setting((str,)),
    "log_level": Setting((str,), "INFO", level, live=True),
    "log_max_bytes": Setting((int,), 10 * 1024 * 1024, positive),
    "log_backups": Setting((int,), 5, positive),
    "shutdown_grace_seconds": Setting(NUMBER, 30.0, positive),
    "dependency.url": Setting((str,)),
    "dependency.timeout_seconds": Setting(NUMBER, 5.0, positive),
    "dependency.failure_threshold": Setting((int,), 3, positive),
    "dependency.cooldown_seconds": Setting(NUMBER, 30.0, positive),
    "health.window_seconds": Setting(NUMBER, 60.0, positive, live=True),
    "health.error_rate_threshold": Setting(NUMBER, 0.5, fraction, live=True),
    "health.min_calls": Setting((int,), 10, positive, live=True),
    "batch.base_url": Setting((str,)),
    "batch.concurrency": Setting((int,), 4, lambda v: None if 1 <= v <= 32 else "must be between 1 and 32"),
    "batch.timeout_seconds": Setting(NUMBER, 5.0, positive, live=True),
    "batch.max_items": Setting((int,), 100, positive),
    "tls.cert": Setting((str,)),
    "tls.key": Setting((str,)),
}
SECTIONS = {key.partition(".")[0] for key in SETTINGS if "." in key}


def validate(key: str, value: Any) -> Any:
    """``value`` checked for ``key``: raises ValueError naming the key and what is wrong."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise ValueError(f"unknown setting: {key}")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, setting.types):
        name = "number" if float in setting.types else JSON_NAMES[setting.types[0]]
        raise ValueError(f"{key} must be a JSON {name}, not {json.dumps(value)[:60]}")
    problem = setting.check(value) if setting.check else None
    if problem:
        raise ValueError(f"{key} {problem}")
    return value


def flatten(raw: Dict[str, Any]) -> Dict[str, Any]:
    """A settings file's object as dotted keys; unknown keys are refused (all named at once)."""
    flat: Dict[str, Any] = {}
    unknown = []
    for name, value in raw.items():
        if name in SECTIONS:
            if not isinstance(value, dict):
                raise ValueError(f"{name} must be an object")
            for inner, item in value.items():
                if f"{name}.{inner}" in SETTINGS:
                    flat[f"{name}.{inner}"] = item
                else:
                    unknown.append(f"{name}.{inner}")
        elif name in SETTINGS:
            flat[name] = value
        else:
            unknown.append(name)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    return {key: validate(key, value) for key, value in flat.items()}


class MCPServerConfig:
    """The settings of a file (or none): ``get`` a key, ``set`` one (validated), ``save`` them."""

    def __init__(self, path: Optional[Path] = None, values: Optional[Dict[str, Any]] = None) -> None:
        self.path = path
        self._values: Dict[str, Any] = dict(values or {})

    @classmethod
    def load(cls, path: Optional[Path]) -> "MCPServerConfig":
        """The settings of ``path`` (a JSON object); none when ``path`` is None. Raises
        ValueError (an unknown key, a wrong type, not JSON) or OSError."""
        if path is None:
            return cls()
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("the configuration must be a JSON object")
        return cls(path, flatten(raw))

    def copy(self) -> "MCPServerConfig":
        """Another store with the same file and settings (changed apart from this one)."""
        return MCPServerConfig(self.path, self._values)

    def get(self, key: str) -> Any:
        """The value of ``key``: the file's, else the default."""
        if key not in SETTINGS:
            raise ValueError(f"unknown setting: {key}")
        return self._values.get(key, SETTINGS[key].default)

    def set(self, key: str, value: Any, *, live_only: bool = False) -> Any:
        """Sets ``key`` after checking it (``live_only``: only a key that may change while the
        server runs); returns the value stored."""
        if live_only and key in SETTINGS and not SETTINGS[key].live:
            raise ValueError(f"{key} is read at start-up only; change it in the file and restart")
        self._values[key] = validate(key, value)
        return self._values[key]

    def section(self, name: str) -> Dict[str, Any]:
        """The keys of a section (``dependency``, ``health``, ``batch``), defaults included."""
        prefix = f"{name}."
        return {key[len(prefix):]: self.get(key) for key in SETTINGS if key.startswith(prefix)}

    def as_json(self) -> Dict[str, Any]:
        """The settings set, nested as the file writes them."""
        out: Dict[str, Any] = {}
        for key, value in self._values.items():
            section, _, name = key.rpartition(".")
            (out.setdefault(section, {}) if section else out)[name] = value
        return out

    def save(self, path: Optional[Path] = None) -> Path:
        """Writes the settings to ``path`` (default: the file they were read from) atomically."""
        target = path or self.path
        if target is None:
            raise ValueError("no configuration file to save to (start the server with --config FILE)")
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self.as_json(), f, indent=2)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.chmod(temporary, 0o600)  # the file holds tokens
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target
