"""Finding the pumpbench executable every twin, suite and campaign runs."""

import os
import shutil
from pathlib import Path

from .errors import PumpbenchNotFound

# python/pumptwin/ -> the checkout's root, where `cmake --preset default` builds into.
_CHECKOUT_BUILD = (Path(__file__).resolve().parents[2] / "build" / "default" / "bench" /
                   "pumpbench" / "pumpbench")


def find_pumpbench(explicit=None):
    """The pumpbench to run: `explicit` if given, else $PUMPTWIN_PUMPBENCH, else this checkout's
    build/default, else `pumpbench` on PATH. Raises PumpbenchNotFound naming every place tried."""
    tried = []
    if explicit is not None:
        candidate = Path(explicit)
        if os.access(candidate, os.X_OK) and candidate.is_file():
            return str(candidate)
        raise PumpbenchNotFound(f"pumpbench={explicit!s}: not an executable file")
    environment = os.environ.get("PUMPTWIN_PUMPBENCH")
    if environment:
        if os.access(environment, os.X_OK) and Path(environment).is_file():
            return environment
        raise PumpbenchNotFound(
            f"PUMPTWIN_PUMPBENCH={environment}: not an executable file")
    tried.append("$PUMPTWIN_PUMPBENCH (not set)")
    if os.access(_CHECKOUT_BUILD, os.X_OK) and _CHECKOUT_BUILD.is_file():
        return str(_CHECKOUT_BUILD)
    tried.append(f"{_CHECKOUT_BUILD} (not built)")
    on_path = shutil.which("pumpbench")
    if on_path:
        return on_path
    tried.append("`pumpbench` on PATH (none)")
    raise PumpbenchNotFound("cannot find pumpbench; tried " + ", ".join(tried) +
                            ". Build it (cmake --preset default && cmake --build --preset "
                            "default) or set PUMPTWIN_PUMPBENCH")
