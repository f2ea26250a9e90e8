"""`pip install -e python` with Debian's setuptools and no download: a copy of python/ installed
into a fresh venv that sees Debian's packages, then imported and its pytest plugin found
without `-p` (the entry point), as docs/python.md tells a user to do."""

import shutil
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def run(command, **options):
    completed = subprocess.run([str(c) for c in command], capture_output=True, text=True,
                               check=False, **options)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_pip_install_editable_in_a_venv(tmp_path):
    # A copy, so that the install's egg-info lands beside it and not in the sources.
    package = tmp_path / "python"
    shutil.copytree(REPOSITORY / "python" / "pumptwin", package / "pumptwin")
    for name in ("setup.py", "setup.cfg"):
        shutil.copy(REPOSITORY / "python" / name, package / name)
    venv = tmp_path / "venv"
    # Without a pip of its own (seconds to set up): Debian's, seen through the system packages.
    run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv])
    run([venv / "bin" / "python", "-m", "pip", "install", "--no-index", "--quiet",
         "--disable-pip-version-check", "-e", package])

    code = "import pumptwin; print(pumptwin.__file__, pumptwin.__version__)"
    printed = run([venv / "bin" / "python", "-c", code], cwd=tmp_path, env={})
    assert printed.split() == [str(package / "pumptwin" / "__init__.py"),
                               run([sys.executable, "-c", "import pumptwin; "
                                    "print(pumptwin.__version__)"]).strip()]

    (tmp_path / "test_fixture.py").write_text(
        "def test_fixture(twin):\n    assert callable(twin)\n")
    printed = run([venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   tmp_path / "test_fixture.py"], cwd=tmp_path, env={})
    assert "1 passed" in printed
