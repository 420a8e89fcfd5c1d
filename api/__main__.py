"""Command line: `python -m api serve|migrate|seed ...`."""

import typer
import uvicorn

from api import schema
from api.settings import get_settings

cli = typer.Typer(help="Children's Services strategy service.", no_args_is_help=True)


@cli.command()
def migrate(revision: str = typer.Argument("head", help="Alembic revision to upgrade to.")) -> None:
    """Upgrade the configured database (DATABASE_URL) to the latest schema."""
    schema.upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@cli.command()
def serve(
    workers: int = typer.Option(1, min=1, help="Worker processes (use several on Postgres)."),
    reload: bool = typer.Option(False, help="Reload on code changes (development)."),
) -> None:
    """Serve the API with uvicorn on HOST:PORT."""
    settings = get_settings()
    typer.echo(f"serving on http://{settings.host}:{settings.port} (docs at /docs)")
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        reload=reload,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    cli()
