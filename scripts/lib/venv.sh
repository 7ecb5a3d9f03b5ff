# Sourced by the setup scripts: `ensure_venv DIR PIN...` makes DIR a Python virtualenv with
# exactly the pinned packages (`name==version`). Idempotent and cached: the venv is created
# only when missing, and pip runs only when a pin is missing or differs.

ensure_venv() {
  local venv=$1
  shift
  if ! command -v python3 >/dev/null 2>&1; then
    echo "setup: python3 is required" >&2
    return 1
  fi
  if ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
      # Debian's python3 ships venv/ensurepip separately.
      if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        rm -rf "$venv"
        apt-get update -qq >/dev/null && apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
      else
        echo "setup: 'python3 -m venv' failed (install python3-venv)" >&2
        return 1
      fi
    fi
  fi
  local missing
  missing=$("$venv/bin/python" - "$@" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

for pin in sys.argv[1:]:
    name, wanted = pin.split("==")
    try:
        if version(name) == wanted:
            continue
    except PackageNotFoundError:
        pass
    print(pin)
PY
  )
  if [ -n "$missing" ]; then
    echo "setup: installing $(echo $missing) into $venv" >&2
    # shellcheck disable=SC2086 # one pin per word
    "$venv/bin/python" -m pip install --disable-pip-version-check -q $missing
  fi
}
