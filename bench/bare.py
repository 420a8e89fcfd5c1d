"""The framework's ceiling on this machine: a bare FastAPI app with one route, served the same way as the service."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, str]:
    return {"status": "ok"}
