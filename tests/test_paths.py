"""The shipped data is found from a regular (wheel) install, not only from the source tree."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from evaluator.paths import prompts_dir, rubrics_dir, ui_dir

ROOT = Path(__file__).resolve().parent.parent


def test_editable_install_uses_the_project_folders():
    assert (rubrics_dir() / "modeling.yaml").is_file()
    assert prompts_dir().is_dir() and (ui_dir() / "app.py").is_file()


def test_wheel_ships_rubrics_prompts_and_ui(tmp_path):
    pytest.importorskip("hatchling")
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", ".venv*", "__pycache__", "tests", "*.egg-info"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("mockloop-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("evaluator/_data/rubrics/modeling.yaml", "evaluator/_data/rubrics/questions/product-dau-drop.yaml",
                     "evaluator/_data/prompts/README.md", "evaluator/_data/ui/app.py", "evaluator/cli.py"):
        assert required in names
