"""The documentation page, /docs (Swagger UI), served by the service alone: no CDN, so it works on a council network
without internet access. The assets are the files PyPI's fastapi-offline package ships (Swagger UI 5, Apache-2.0),
served from where pip installed them, so none is committed here. There is no /redoc: ReDoc's bundle (shipped beside
them) fetches its logo from cdn.redoc.ly, so it cannot be served offline."""

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

ASSETS = "/docs/assets"
SWAGGER_UI = {
    "validatorUrl": None,  # Swagger UI would otherwise send the document to validator.swagger.io
    "displayOperationId": True,  # the names a generated client's functions have
    "persistAuthorization": True,
}


def install(app: FastAPI) -> None:
    """GET /docs and its assets under /docs/assets (create the app with docs_url and redoc_url None)."""
    app.mount(ASSETS, StaticFiles(directory=str(files("fastapi_offline") / "static")), name="docs-assets")
    title = app.title

    async def swagger_ui(_request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{title}: documentation",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI,
        )

    app.add_route("/docs", swagger_ui, include_in_schema=False)
