"""The published servers behind the gateway reuse the script, the drive and the comparison of
tests/real-servers (test_python_servers.py), whose folder is put on the import path here."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "real-servers"))
