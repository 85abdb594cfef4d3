"""Files people download: a response that saves as a named attachment."""

from flask import Response


def attachment(body: str, filename: str, mimetype: str = "text/csv") -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
