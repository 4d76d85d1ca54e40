"""Installing as a coordinator would: the wheel built from the repository, installed into a fresh
virtualenv outside the checkout, carries everything the demo needs (template, VBA project, fonts
lookup, messages) and runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_built_wheel_runs_the_demo_from_a_fresh_virtualenv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
                   check=True, cwd=tmp_path)
    [wheel] = dist.glob("trainbook-*.whl")
    env_dir = tmp_path / "coordinator"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, cwd=tmp_path)
    trainbook = python.with_name("trainbook")
    run = subprocess.run([str(trainbook), "demo", "--dir", "演示"], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": ""}, timeout=900)
    assert run.returncode == 0, run.stderr
    assert "已生成示例项目" in run.stdout and "Traceback" not in run.stderr
    made = tmp_path / "演示"
    assert (made / "培训项目-示例.xlsm").exists() and (made / "培训项目-示例-管理层报表.xlsx").exists()
    assert not [p for p in made.iterdir() if "lock" in p.name], "no lock file is left beside the workbooks"
