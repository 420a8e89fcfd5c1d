"""The problem types the service answers with: each error body's `type` is PROBLEM_TYPE_BASE followed by one of these
slugs, and the service serves a page for each (api/problem_types.py), so a developer who follows the URI learns what
went wrong and what to do. Every problem is made from an entry here (api/errors.py), so none goes undocumented."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemType:
    slug: str
    title: str
    status: int
    meaning: str


BAD_REQUEST = ProblemType(
    "bad-request",
    "Bad request",
    400,
    "The request could not be read: a body that is not JSON (or not UTF-8, or nested too deeply), or a form or "
    "upload that cannot be parsed. Nothing was changed. Fix the body and send it again.",
)
INVALID_IDEMPOTENCY_KEY = ProblemType(
    "invalid-idempotency-key",
    "Invalid idempotency key",
    400,
    "The Idempotency-Key header is not 1 to 200 printable ASCII characters. Send a fresh key, e.g. a UUID.",
)
UNAUTHENTICATED = ProblemType(
    "unauthenticated",
    "Unauthenticated",
    401,
    "No API key was sent, or the key is malformed, unknown, revoked or expired. Send `Authorization: Bearer <key>` "
    "with a current key; an administrator mints keys (POST /api/v1/api-keys or `python -m api keys create`).",
)
FORBIDDEN = ProblemType(
    "forbidden",
    "Forbidden",
    403,
    "The key is valid but may not do this: it lacks the scope the operation needs (read, kpi:submit, actions:write, "
    "projects:write, governance:write, assurance:write, approve, webhooks:manage, admin), or its limits to some KPI "
    "codes or owners exclude the item. GET /api/v1/api-keys/current shows what the key may do.",
)
NOT_FOUND = ProblemType(
    "not-found",
    "Not found",
    404,
    "Nothing is served at this path, or no item has the key, code or id it names (for a figure or a benchmark: "
    "nothing was reported for that period and scope; for a share link to a pack: the link is wrong, has expired or "
    "was revoked, which are not told apart). Keys are case-sensitive; lists show the keys there are.",
)
METHOD_NOT_ALLOWED = ProblemType(
    "method-not-allowed",
    "Method not allowed",
    405,
    "The path exists but does not take this method; the Allow header lists the methods it does take.",
)
CONFLICT = ProblemType(
    "conflict",
    "Conflict",
    409,
    "The change clashes with the data as it stands: the key or code is taken, the item is archived, an owner is "
    "still accountable for live actions or projects, a built-in comparator group cannot be changed, a context KPI "
    "has no target, a national indicator is already adopted, or another request wrote the same thing at the same "
    "moment. Nothing was changed; the detail says which.",
)
PRECONDITION_FAILED = ProblemType(
    "precondition-failed",
    "Precondition failed",
    412,
    "If-Match or If-None-Match did not hold: someone changed the item since you read it (or it already exists). "
    "Nothing was changed. Read it again (its ETag is its version), reapply your change and send the new ETag.",
)
CONTENT_TOO_LARGE = ProblemType(
    "content-too-large",
    "Content too large",
    413,
    "The request body is larger than the service accepts (MAX_BODY_BYTES, 5 MiB by default). Split a batch of "
    "KPI values into several submissions.",
)
UNSUPPORTED_MEDIA_TYPE = ProblemType(
    "unsupported-media-type",
    "Unsupported media type",
    415,
    "The body's Content-Type is not one the operation reads; the OpenAPI document lists the types each accepts "
    "(application/json everywhere, text/csv or a form upload for KPI submissions and DfE imports).",
)
INVALID_REQUEST = ProblemType(
    "invalid-request",
    "Invalid request",
    422,
    "The request did not validate: `errors` lists each field at fault (`loc`: body, query, path or header, then "
    "the field) and why. Unknown fields and query parameters are refused too, never ignored. Nothing was changed.",
)
INVALID_INPUT = ProblemType(
    "invalid-input",
    "Invalid input",
    422,
    "The request is well formed but its data cannot be taken: it names a focus area, owner, KPI or scope that does "
    "not exist, a period of the wrong kind, or a value the database cannot store. Nothing was changed; the detail "
    "and `errors` say which field.",
)
SUBMISSION_REJECTED = ProblemType(
    "submission-rejected",
    "Submission rejected",
    422,
    "Some rows of a KPI submission are invalid, so none was written (all or nothing). `errors` names each row and "
    "field; fix them, or send mode=partial to land the valid rows and report the rest.",
)
IMPORT_REJECTED = ProblemType(
    "import-rejected",
    "Import rejected",
    422,
    "Some rows of a DfE statistics file cannot be imported through the mapping, so nothing was written. `errors` "
    "names each line and column; dry_run=true reports every problem without writing.",
)
IDEMPOTENCY_KEY_REUSED = ProblemType(
    "idempotency-key-reused",
    "Idempotency key reused",
    422,
    "This Idempotency-Key was used in the last 24 hours with a different request. A key retries one request only: "
    "use a new key for new data.",
)
PRECONDITION_REQUIRED = ProblemType(
    "precondition-required",
    "Precondition required",
    428,
    "Changing or archiving this item needs If-Match with the ETag you last read (GET the item: its ETag header), "
    "so as not to overwrite a change someone else made; where it says so, If-None-Match: * creates only.",
)
RATE_LIMITED = ProblemType(
    "rate-limited",
    "Too many requests",
    429,
    "The key (or, without one, the address) has made more requests this minute than RATE_LIMIT_PER_MINUTE allows. "
    "Wait the seconds the Retry-After header gives.",
)
INTERNAL_SERVER_ERROR = ProblemType(
    "internal-server-error",
    "Internal server error",
    500,
    "The service failed in a way nobody foresaw; it is logged with the request id. Quote the X-Request-ID header "
    "when you report it.",
)
SERVICE_UNAVAILABLE = ProblemType(
    "service-unavailable",
    "Service unavailable",
    503,
    "The database is down, overloaded or not answering in time; nothing was changed. Retry after the seconds the "
    "Retry-After header gives.",
)

CATALOGUE: dict[str, ProblemType] = {
    problem.slug: problem
    for problem in (
        BAD_REQUEST,
        INVALID_IDEMPOTENCY_KEY,
        UNAUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        CONFLICT,
        PRECONDITION_FAILED,
        CONTENT_TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        INVALID_REQUEST,
        INVALID_INPUT,
        SUBMISSION_REJECTED,
        IMPORT_REJECTED,
        IDEMPOTENCY_KEY_REUSED,
        PRECONDITION_REQUIRED,
        RATE_LIMITED,
        INTERNAL_SERVER_ERROR,
        SERVICE_UNAVAILABLE,
    )
}
# The problem an HTTP error raised by FastAPI or Starlette themselves (not by our code) is answered with.
BY_STATUS: dict[int, ProblemType] = {
    400: BAD_REQUEST,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    409: CONFLICT,
    412: PRECONDITION_FAILED,
    413: CONTENT_TOO_LARGE,
    415: UNSUPPORTED_MEDIA_TYPE,
    422: INVALID_REQUEST,
    428: PRECONDITION_REQUIRED,
    429: RATE_LIMITED,
    500: INTERNAL_SERVER_ERROR,
    503: SERVICE_UNAVAILABLE,
}
