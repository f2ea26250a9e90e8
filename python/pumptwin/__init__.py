"""pumptwin: the pump's digital twin from Python (docs/python.md).

    from pumptwin import Twin, HOUR
    with Twin("scenarios/demo.yaml", seed=3) as twin:
        twin.run_until(6 * HOUR)
        twin.inject("shaft_load", torque="0.05 N.m")
        twin.run_until(7 * HOUR)
        print(twin.alarms)

Each Twin is a `pumpbench serve` child process spoken to over the live protocol
(docs/protocol.md); `suite` and `campaign` run pumpbench's batch commands and return their
results as data.
"""

from ._pumpbench import find_pumpbench
from .batch import campaign, suite
from .errors import (IncompatibleServer, PumpbenchNotFound, TwinError, TwinExited,
                     TwinStartError)
from .protocol import PROTOCOL, PROTOCOL_REVISION, PROTOCOL_VERSION
from .twin import DAY, HOUR, MINUTE, SECOND, Alarm, Event, Outputs, Twin

# The package's version is the protocol's version and revision it speaks, then its own
# release: 1.5.x speaks pumptwin-live version 1, revision 5 (and later revisions).
__version__ = f"{PROTOCOL_VERSION}.{PROTOCOL_REVISION}.0"

__all__ = [
    "Alarm", "DAY", "Event", "HOUR", "IncompatibleServer", "MINUTE", "Outputs", "PROTOCOL",
    "PROTOCOL_REVISION", "PROTOCOL_VERSION", "PumpbenchNotFound", "SECOND", "Twin",
    "TwinError", "TwinExited", "TwinStartError", "campaign", "find_pumpbench", "suite",
]
