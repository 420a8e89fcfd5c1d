"""The access log without secrets: a share link's token is a bearer credential in the path (/shared-packs/{token}),
and an access log is kept longer and read more widely than the link is meant to be. Uvicorn's access logger is
given a filter that writes the path with the token replaced; the request itself is untouched."""

import logging
import re

SECRET_PATH = re.compile(r"^(/shared-packs/)[^/?#]+")
REDACTED = r"\1[token]"
ACCESS_LOGGER = "uvicorn.access"


def redact(path: str) -> str:
    """The path as the log may keep it."""
    return SECRET_PATH.sub(REDACTED, path)


class RedactSecrets(logging.Filter):
    """Rewrites the path argument of uvicorn's access record: (client, method, path, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        arguments = record.args
        if isinstance(arguments, tuple) and len(arguments) >= 3 and isinstance(arguments[2], str):
            record.args = (*arguments[:2], redact(arguments[2]), *arguments[3:])
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger once, however many apps a process makes."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
        logger.addFilter(RedactSecrets())
