"""Arrow's memory is given back to the system once freed (see youthdrugs_gui/__init__.py)."""
from __future__ import annotations

import os
import subprocess
import sys


def _pool_backend(env: dict[str, str]) -> str:
    code = "import youthdrugs_gui, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_program_reads_files_with_the_system_allocator():
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    assert _pool_backend(env) == "system"


def test_a_users_own_choice_of_allocator_stands():
    env = dict(os.environ, ARROW_DEFAULT_MEMORY_POOL="mimalloc")
    assert _pool_backend(env) == "mimalloc"
