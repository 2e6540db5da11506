"""POST /api/predict and /api/explain: the upload streamed to TorchServe, its answer passed back."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from client.answers import error_body
from proxy.dependencies import SettingsDep, TorchServeDep
from proxy.schemas import ErrorBody
from proxy.upload import limited, upstream_headers

router = APIRouter(tags=["inference"])

# The body is read as a stream (no FastAPI body parameter), so the schema is declared by hand.
VIDEO_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "video/*": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "frames": {"type": "array", "items": {"type": "string", "description": "base64 JPEG or PNG"}}
                    },
                    "required": ["frames"],
                }
            },
        },
    }
}
ERRORS = {status: {"model": ErrorBody} for status in (400, 413, 415, 502, 503, 504)}
PASSED_HEADERS = ("x-request-id",)


async def forward(kind: str, request: Request, torchserve: TorchServeDep, settings: SettingsDep) -> Response:
    limit = settings.max_upload_bytes
    headers = upstream_headers(request.headers, limit)  # 413/415/400 before any byte is read
    answer = await torchserve.infer(kind, limited(request.stream(), limit), headers)
    passed = {name: answer.headers[name] for name in PASSED_HEADERS if name in answer.headers}
    if not answer.is_success:
        return JSONResponse(
            error_body(answer.status_code, answer.content), status_code=answer.status_code, headers=passed
        )
    media_type = answer.headers.get("content-type", "application/json")
    return Response(answer.content, status_code=answer.status_code, media_type=media_type, headers=passed)


@router.post("/predict", openapi_extra=VIDEO_BODY, responses=ERRORS, summary="Deepfake verdict for one video")
async def predict(request: Request, torchserve: TorchServeDep, settings: SettingsDep) -> Response:
    return await forward("predictions", request, torchserve, settings)


@router.post("/explain", openapi_extra=VIDEO_BODY, responses=ERRORS, summary="Verdict plus per-frame Grad-CAM overlays")
async def explain(request: Request, torchserve: TorchServeDep, settings: SettingsDep) -> Response:
    return await forward("explanations", request, torchserve, settings)
