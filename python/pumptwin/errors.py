"""The exceptions pumptwin raises: each carries the twin's (or pumpbench's) own message."""


class TwinError(Exception):
    """The twin refused a command or failed. `code` is the protocol's error code (`bad_message`,
    `ended`, ...) or None for a refused command (`ack` with ok false)."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        self.code = code


class PumpbenchNotFound(TwinError):
    """No pumpbench executable where pumptwin looked (the message lists where)."""


class TwinStartError(TwinError):
    """pumpbench did not start serving: a bad scenario (its `file:line:column: error:` lines are
    the message), an option it does not have, an executable that cannot run."""


class IncompatibleServer(TwinError):
    """The server speaks another protocol, version, or an older revision than this package
    needs."""


class TwinExited(TwinError):
    """The twin's process ended or closed the connection before answering."""
