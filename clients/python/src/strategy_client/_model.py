"""The base of every generated model: lenient on what the server answers, and carrying the ETag of the response
the model was read from."""

from pydantic import BaseModel, ConfigDict, PrivateAttr


class Model(BaseModel):
    """A resource as the API shows it. Unknown fields are ignored, so a newer server does not break an older client.

    `etag` is the version the item had when this response was sent (None for items read in a list): hand the model
    back to a write and the write goes through only if nobody has changed the item since.
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    _etag: str | None = PrivateAttr(default=None)

    @property
    def etag(self) -> str | None:
        return self._etag
