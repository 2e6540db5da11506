"""POST /api/predict and /api/explain: the upload streamed to TorchServe, its answer passed back."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from client.answers import error_body
from proxy.coverage import coverage_parameters
from proxy.dependencies import ForwardsDep, SettingsDep, TorchServeDep
from proxy.forwards import RETRY_AFTER_S
from proxy.schemas import ERROR_RESPONSES, Prediction
from proxy.upload import Pace, upload_body, upstream_headers

router = APIRouter(tags=["inference"])

# TorchServe's answer to the requests a worker held when it died: 507 "Worker died." (it starts
# another). Nothing was wrong with the request, so clients get 503 worker_died and send it again.
WORKER_DIED_STATUS = 507
MAX_JSON_FRAMES = 256  # the handler's DEEPFAKE_MAX_JSON_FRAMES default
FRAME_TEXT = (
    "one video frame: a base64 PNG, JPEG, WebP or BMP image, or a data: URL of one "
    "(data:image/jpeg;base64,...); at most 3840x2160 pixels, 16 full-HD frames' worth in all"
)

# The body is read as a stream (no FastAPI body parameter), so the schema is declared by hand.
VIDEO_BODY = {
    "requestBody": {
        "required": True,
        "description": (
            "The video as multipart field `file`, as the raw body, or JSON frames already captured. "
            "Videos: MP4/MOV/3GP, Matroska/WebM, AVI, FLV, MPEG-TS/PS, Ogg, ASF/WMV or RealMedia (other formats: "
            "415), at most --max-upload-mb (210 MiB by default: 413), 3 hours, 3840x2160 pixels per frame. "
            "An image is a 1-frame clip."
        ),
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary", "description": "the video file"}},
                    "required": ["file"],
                }
            },
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "video/*": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "frames": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": MAX_JSON_FRAMES,
                            "description": "the frames in time order; 16 are sampled evenly and only those decoded",
                            "items": {"type": "string", "contentEncoding": "base64", "description": FRAME_TEXT},
                        },
                        "fps": {
                            "type": "number",
                            "minimum": 0.0001,
                            "maximum": 1000,
                            "description": "the rate the frames were captured at, so timestamps are in seconds",
                        },
                    },
                    "required": ["frames"],
                }
            },
        },
    }
}
RESPONSES = {200: {"model": Prediction, "description": "the verdict"}, **ERROR_RESPONSES}
COVERAGE_QUERY = [
    {
        "name": "coverage",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["sampled", "full"], "default": "sampled"},
        "description": "full: consecutive windows over the whole video; the answer adds `segments` and `coverage`",
    },
    *(
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {"type": "number", "exclusiveMinimum": 0},
            "description": f"with coverage=full: {what} in seconds (default: the server's)",
        }
        for name, what in (("window_s", "window length"), ("stride_s", "step between window starts"))
    ),
]
PASSED_HEADERS = ("x-request-id",)


def upstream_error(status: int, content: bytes, passed: dict[str, str]) -> JSONResponse:
    """TorchServe's or the handler's error, in the {error, code} shape; a lost worker as 503 worker_died."""
    if status == WORKER_DIED_STATUS:
        return JSONResponse(
            {
                "error": "the TorchServe worker analysing this request stopped (it is being restarted); send it again",
                "code": "worker_died",
            },
            status_code=503,
            headers={**passed, "Retry-After": str(RETRY_AFTER_S)},
        )
    body = error_body(status, content)
    if body["code"] == "error_data_decoder":  # TorchServe's frontend could not parse the body: the client's fault
        body = {"error": "TorchServe could not decode the request body (malformed form data?)", "code": "bad_body"}
        status = 400
    if status == 503:
        passed = {**passed, "Retry-After": str(RETRY_AFTER_S)}  # TorchServe's queue is full or no worker is up
    return JSONResponse(body, status_code=status, headers=passed)


async def forward(kind: str, request: Request, torchserve: TorchServeDep, settings: SettingsDep, forwards) -> Response:
    limit = settings.max_upload_bytes
    headers = upstream_headers(request.headers, limit)  # 413/415/400 before any byte is read
    query = coverage_parameters(request.query_params, kind)  # 400 for bad options, before any byte is read
    pace = Pace(settings.body_timeout_s, settings.min_upload_kib_s * 1024)
    async with forwards.slot():  # 503 busy, before any byte is read, when --max-forwards are in flight
        body = upload_body(request.receive, headers["Content-Type"], limit, pace)
        answer = await torchserve.infer(kind, body, headers, query)
    passed = {name: answer.headers[name] for name in PASSED_HEADERS if name in answer.headers}
    if not answer.is_success:
        return upstream_error(answer.status_code, answer.content, passed)
    media_type = answer.headers.get("content-type", "application/json")
    return Response(answer.content, status_code=answer.status_code, media_type=media_type, headers=passed)


@router.post(
    "/predict",
    openapi_extra={**VIDEO_BODY, "parameters": COVERAGE_QUERY},
    responses=RESPONSES,
    summary="Deepfake verdict for one video (coverage=full: segments over its whole length)",
)
async def predict(
    request: Request, torchserve: TorchServeDep, settings: SettingsDep, forwards: ForwardsDep
) -> Response:
    return await forward("predictions", request, torchserve, settings, forwards)


@router.post(
    "/explain", openapi_extra=VIDEO_BODY, responses=RESPONSES, summary="Verdict plus per-frame Grad-CAM overlays"
)
async def explain(
    request: Request, torchserve: TorchServeDep, settings: SettingsDep, forwards: ForwardsDep
) -> Response:
    return await forward("explanations", request, torchserve, settings, forwards)
