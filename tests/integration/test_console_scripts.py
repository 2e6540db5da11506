"""`pip install .` gives the console scripts of pyproject.toml, with the options of the `python -m`
forms. The project is installed for real (a wheel built by setuptools, pip's console-script
wrappers) into a temporary venv that reuses the shared venv's packages (--no-deps, a .pth file
naming its site-packages, no build isolation: seconds, no download), from a copy of the sources so
the build leaves nothing in the checkout."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import site
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
SCRIPTS = PYPROJECT["project"]["scripts"]
# console script -> the `python -m` form it stands for
MODULE_FORMS = {
    "deepfake-train": ["train"],
    "deepfake-evaluate": ["analysis.evaluate"],
    "deepfake-check": ["client"],
    "deepfake-scan": ["client", "scan"],
}
PACKAGES = ("model", "train", "serving", "client", "analysis", "stack", "proxy")


def copy_sources(target: Path) -> Path:
    for name in ("pyproject.toml", "README.md", "requirements.txt"):
        shutil.copy2(REPO_ROOT / name, target / name)
    for package in PACKAGES:
        shutil.copytree(REPO_ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The temporary venv's bin/ after `pip install --no-deps .` of a copy of the project."""
    sources = copy_sources(tmp_path_factory.mktemp("sources"))
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    (next((venv / "lib").glob("python3*/site-packages")) / "shared_venv.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n"
    )
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q", str(sources)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return venv / "bin"


def help_text(command: list[str], cwd: Path) -> str:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**environment, "COLUMNS": "100"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def without_program_name(text: str, program: str) -> str:
    return re.sub(r"\s+", " ", text.replace(program, "PROGRAM", 1))  # the usage line only


def test_pyproject_names_a_script_for_training_evaluation_the_client_and_the_scan():
    assert set(SCRIPTS) == set(MODULE_FORMS)


@pytest.mark.parametrize("script", sorted(MODULE_FORMS))
def test_each_console_script_has_the_options_of_its_python_m_form(installed, script, tmp_path):
    module = MODULE_FORMS[script][0]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not on this branch yet (helper M writes python -m {module})")
    script_help = help_text([str(installed / script), "--help"], cwd=tmp_path)
    module_help = help_text([sys.executable, "-m", *MODULE_FORMS[script], "--help"], cwd=REPO_ROOT)
    assert script_help.startswith(f"usage: {script} "), script_help
    module_program = " ".join(["python -m", *MODULE_FORMS[script]])
    assert without_program_name(script_help, script) == without_program_name(module_help, module_program)


def test_the_installed_scripts_run_the_installed_copy_not_the_checkout(installed, tmp_path):
    shown = subprocess.run(
        [str(installed / "python"), "-c", "import client, proxy; print(client.__file__); print(proxy.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=True,
    ).stdout.split()
    assert all(str(REPO_ROOT) not in path and "site-packages" in path for path in shown), shown
    static = Path(shown[1]).parent / "static" / "index.html"
    assert static.is_file(), "the upload page is not in the installed proxy package"
