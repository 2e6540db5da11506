"""TorchServe error answers turned into the project's {"error", "code"} shape, keeping the message
(client/answers.py: what the client and the proxy both read)."""

import json

from client.answers import answer_body, error_body, torchserve_code


def test_handler_error_body_passes_through():
    body = {"error": "not a video: no stream found", "code": "invalid_video"}
    assert error_body(400, json.dumps(body).encode()) == body


def test_torchserve_error_keeps_its_message_and_gets_a_snake_case_code():
    content = json.dumps(
        {"code": 404, "type": "ModelNotFoundException", "message": "Model not found: deepfake"}
    ).encode()
    assert error_body(404, content) == {"error": "Model not found: deepfake", "code": "model_not_found"}


def test_handler_json_inside_a_torchserve_message_is_unwrapped():
    inner = json.dumps({"error": "too many frames", "code": "too_many_frames"})
    content = json.dumps({"code": 400, "type": "PredictionException", "message": inner}).encode()
    assert error_body(400, content) == {"error": "too many frames", "code": "too_many_frames"}


def test_non_json_error_is_wrapped_with_its_status():
    assert error_body(502, b"<html>Bad Gateway</html>") == {
        "error": "<html>Bad Gateway</html>",
        "code": "torchserve_502",
    }
    assert error_body(500, b"") == {
        "error": "TorchServe answered HTTP 500 without a body",
        "code": "torchserve_500",
    }


def test_torchserve_code_from_type_names():
    assert torchserve_code("ServiceUnavailableException", 503) == "service_unavailable"
    assert torchserve_code("InternalServerException", 500) == "internal_server"
    assert torchserve_code(None, 503) == "torchserve_503"


def test_a_successful_answer_is_its_json_object_and_anything_else_an_error():
    answer = {"label": "real", "probability": 0.2}
    assert answer_body(200, json.dumps(answer).encode()) == answer
    assert answer_body(200, b"[1, 2]") == {"error": "[1, 2]", "code": "torchserve_200"}
    refused = {"code": 503, "type": "ServiceUnavailableException", "message": "Model deepfake has no worker"}
    assert answer_body(503, json.dumps(refused).encode()) == {
        "error": "Model deepfake has no worker",
        "code": "service_unavailable",
    }
