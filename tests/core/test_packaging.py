"""A normal (non-editable) install carries the sample data and resources inside the package."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_install_finds_data_and_resources(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(wheels.glob("youthdrugs_gui-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "youthdrugs_gui/data/sample.parquet" in names
    assert "youthdrugs_gui/data/README.md" in names
    assert any(n.startswith("youthdrugs_gui/resources/") and n.endswith(".svg") for n in names)
    assert not any(n.startswith("tests/") for n in names)

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    code = (
        "import youthdrugs_gui, youthdrugs_gui.data as d\n"
        "from youthdrugs_gui.core.sources import load_sample\n"
        "from youthdrugs_gui.resources import resource_path\n"
        "print(youthdrugs_gui.__file__)\n"
        "print(d.sample_path().is_file(), load_sample().n_rows, resource_path('icon.svg').is_file())\n"
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    where, checks = out.stdout.strip().splitlines()
    assert where.startswith(str(target))
    found, rows, icon = checks.split()
    assert found == "True" and int(rows) > 50_000 and icon == "True"
