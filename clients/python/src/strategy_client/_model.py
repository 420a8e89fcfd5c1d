"""The base of every generated model: lenient on what the server answers, and carrying the ETag of the response
the model was read from."""

from pydantic import BaseModel, ConfigDict, PrivateAttr


class Model(BaseModel):
    """A resource as the API shows it. Unknown fields are ignored, so a newer server does not break an older client.

    `etag` is the ETag of the response the model was read from (None for items read in a list). For an item it is
    the version the item had: hand the model back to a write and the write goes through only if nobody has changed
    the item since. For a list, a report or a pack it is the answer's validator: `client.refresh(model)` sends it
    back and is answered 304, with no body, while the answer is the same.
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    _etag: str | None = PrivateAttr(default=None)
    _read_from: str | None = PrivateAttr(default=None)  # the URL, query included, of the GET it was read from

    @property
    def etag(self) -> str | None:
        return self._etag

    @property
    def read_from(self) -> str | None:
        """The URL (with its query) of the GET this model was read from; None for a model made here or by a write."""
        return self._read_from
