"""Files through the gateway: uploads in GraphQL mutations, downloads over plain HTTP.

**Uploads** follow the GraphQL multipart request spec: a mutation argument of type ``Upload``
receives the file, and ``read_upload`` hands its name and bytes to the section, which sends
them to the service. The service checks the type from the content and the size for its field.
The gateway only caps the whole request (C360_MAX_UPLOAD_BYTES). A browser cannot send such a
request from another site with the caller's credentials: every request needs the
``Authorization`` header, which no plain form can set and CORS only allows from the configured
origins.

**Downloads** are ``GET /files/<service>/<file id>[?variant=thumbnail]``: the gateway calls the
service's ``GetFile`` with the caller, so the service's own tenant and scope rules decide, and
streams back what it answers. A record's GraphQL field gives a **link** to its file, signed for
the caller who read the record and valid C360_FILE_LINK_TTL seconds (15 minutes by default), so
an ``<img src>`` or a download button works without the token in a header. A link names one
file and one variant; it is no bearer token (its audience differs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import jwt
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.file_uploads import Upload

from client360.common.v1 import common_pb2
from gateway.auth import ALGORITHM, Authenticator
from gateway.clients import ServiceClients
from gateway.errors import GatewayError, RequestRefused
from runtime.caller import ROLES, Caller
from runtime.config import Settings
from runtime.errors import Unauthenticated

__all__ = ["FileLinks", "Upload", "UploadedFile", "download", "read_upload"]

_LINK_AUDIENCE_SUFFIX = "/files"
# What the browser may do with a file it downloads: show it, never run it as a page.
_DOWNLOAD_HEADERS = {
    "Cache-Control": "private, max-age=300",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
}
_INLINE_TYPES = ("image/", "application/pdf", "text/plain")
_HTTP_STATUS = {
    "BAD_USER_INPUT": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "SERVICE_UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
}


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file received in a mutation: the name the uploader gave, and its bytes."""

    name: str
    data: bytes


async def read_upload(upload: Upload) -> UploadedFile:
    """The name and whole content of an ``Upload`` argument (the request's size is capped
    before it is read, so this never holds more than C360_MAX_UPLOAD_BYTES)."""
    # On Starlette an Upload argument is Starlette's UploadFile.
    if not isinstance(upload, UploadFile):
        return UploadedFile(name="", data=bytes(upload))
    return UploadedFile(name=upload.filename or "", data=await upload.read())


class FileLinks:
    """Signs and checks the links a record's fields give to its files."""

    def __init__(self, settings: Settings) -> None:
        self._secret = settings.jwt_secret.reveal()
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience + _LINK_AUDIENCE_SUFFIX
        self._ttl = timedelta(seconds=settings.file_link_ttl)

    def link(self, caller: Caller, service: str, file_id: str, variant: str = "") -> str:
        """A path to the file, signed for ``caller``, for the link's lifetime."""
        now = datetime.now(UTC)
        token = jwt.encode(
            {
                "sub": caller.user_id,
                "tenant": caller.tenant_id,
                "role": caller.role,
                "svc": service,
                "fid": file_id,
                "var": variant,
                "iss": self._issuer,
                "aud": self._audience,
                "iat": now,
                "exp": now + self._ttl,
            },
            self._secret,
            algorithm=ALGORITHM,
        )
        query = {"variant": variant, "link": token} if variant else {"link": token}
        return f"/files/{quote(service, safe='')}/{quote(file_id, safe='')}?{urlencode(query)}"

    def caller(self, token: str, service: str, file_id: str, variant: str) -> Caller:
        """The caller a link was signed for, when it is valid and names this very file."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid file link: {exc}") from None
        if (claims.get("svc"), claims.get("fid"), claims.get("var", "")) != (
            service,
            file_id,
            variant,
        ):
            raise Unauthenticated("invalid file link: it names another file")
        tenant, role = claims.get("tenant"), claims.get("role")
        if not isinstance(tenant, str) or not tenant or role not in ROLES:
            raise Unauthenticated("invalid file link: no tenant or role")
        return Caller(tenant_id=tenant, user_id=str(claims["sub"]), role=str(role))


def _refused(status: int, code: str, message: str) -> Response:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def _disposition(name: str, media_type: str) -> str:
    kind = "inline" if media_type.startswith(_INLINE_TYPES) else "attachment"
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name or 'file')}"


async def download(
    request: Request,
    auth: Authenticator,
    links: FileLinks,
    clients: ServiceClients,
    limit: Callable[[Caller], None],
) -> Response:
    """``GET /files/<service>/<file id>``: the file, for a bearer token or a signed link."""
    service = request.path_params["service"]
    file_id = request.path_params["file_id"]
    variant = request.query_params.get("variant", "")
    if not clients.calls.serves_files(service):
        return _refused(404, "NOT_FOUND", f"no files are served by {service!r}")
    try:
        link = request.query_params.get("link")
        if link is not None:
            caller = links.caller(link, service, file_id, variant)
        else:
            caller = await auth.caller(request.headers.get("authorization"))
    except Unauthenticated as exc:
        return _refused(401, "UNAUTHENTICATED", exc.message)
    try:
        limit(caller)
    except RequestRefused as refused:
        answer = _refused(refused.status, refused.code, refused.message)
        answer.headers.update(refused.headers)
        return answer
    try:
        content = await clients.calls.get_file(
            service, caller, common_pb2.FileRequest(id=file_id, variant=variant)
        )
    except GatewayError as error:
        code = str(error.extensions.get("code", "INTERNAL_SERVER_ERROR"))
        return _refused(_HTTP_STATUS.get(code, 500), code, str(error))
    return Response(
        content.data,
        media_type=content.media_type or "application/octet-stream",
        headers={
            **_DOWNLOAD_HEADERS,
            "Content-Disposition": _disposition(content.name, content.media_type),
        },
    )
