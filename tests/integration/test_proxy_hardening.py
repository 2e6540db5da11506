"""Issue 11's finding 5 on the real proxy in front of the real TorchServe: it could be held open,
starved, confused by framing, driven by any web page, fooled by a malformed Host, and pass
TorchServe's 500s for nameless multipart parts."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures.polling import poll

pytestmark = pytest.mark.slow

TIMEOUT_S = 60.0
VIDEO_HEAD = b"\x00\x00\x00\x20ftypisom"  # the first bytes of an MP4 upload that then stalls


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    conn = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT_S)
    return conn


def read_until_closed(conn: socket.socket, deadline_s: float = TIMEOUT_S) -> bytes:
    """Everything the server sends until it closes the connection (or fails the test at the deadline)."""
    conn.settimeout(deadline_s)
    received = b""
    try:
        while chunk := conn.recv(65536):
            received += chunk
    except TimeoutError:
        pytest.fail(f"the proxy kept the connection open for {deadline_s:.0f} s; got {received[:300]!r}")
    return received


def status_of(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.1 ") else 0


@pytest.fixture(scope="module")
def strict_proxy(proxy):
    """Short timeouts and two forward slots, so stalls show in seconds."""
    return proxy.start(
        "--header-timeout-s", "1", "--body-timeout-s", "1", "--min-upload-kib-s", "64", "--max-forwards", "2"
    )


def host_of(running) -> str:
    return urlsplit(running.url).netloc


def test_a_request_head_then_silence_gets_408_and_a_closed_connection(strict_proxy):
    with connect(strict_proxy.url) as conn:
        conn.sendall(b"GET /api/health HTTP/1.1\r\nHost: " + host_of(strict_proxy).encode() + b"\r\n")
        raw = read_until_closed(conn)
    assert status_of(raw) == 408 and b'"code":"request_timeout"' in raw.replace(b" ", b""), raw


def test_a_connection_that_sends_nothing_is_closed(strict_proxy):
    with connect(strict_proxy.url) as conn:
        read_until_closed(conn)


def stalled_upload(running) -> socket.socket:
    """An upload announcing 10 MB that sends its first bytes, then nothing."""
    conn = connect(running.url)
    head = (
        f"POST /api/predict HTTP/1.1\r\nHost: {host_of(running)}\r\nContent-Type: video/mp4\r\n"
        "Content-Length: 10000000\r\n\r\n"
    ).encode()
    conn.sendall(head + VIDEO_HEAD)
    return conn


def test_a_stalled_upload_gets_408_and_a_closed_connection(strict_proxy):
    with stalled_upload(strict_proxy) as conn:
        raw = read_until_closed(conn)
    assert status_of(raw) == 408 and b"upload_too_slow" in raw, raw


def test_a_trickle_upload_gets_408(strict_proxy):
    """A byte now and then keeps no idle timer from firing; the minimum rate does."""
    with connect(strict_proxy.url) as conn:
        conn.sendall(
            f"POST /api/predict HTTP/1.1\r\nHost: {host_of(strict_proxy)}\r\nContent-Type: video/mp4\r\n"
            "Content-Length: 10000000\r\n\r\n".encode()
        )
        conn.settimeout(0.5)
        deadline = time.monotonic() + TIMEOUT_S
        raw = b""
        while not raw and time.monotonic() < deadline:
            try:
                conn.sendall(b"\x00" * 100)  # 200 B/s: far under 64 KiB/s
                raw = conn.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        raw += read_until_closed(conn) if raw else b""
    assert status_of(raw) == 408 and b"upload_too_slow" in raw, raw


def test_uploads_past_the_forward_bound_get_503_busy_and_health_still_answers(strict_proxy):
    stalled = [stalled_upload(strict_proxy) for _ in range(2)]
    try:
        poll(lambda: busy_answer(strict_proxy), 10, "a third upload was not refused while two were stalled")
        answer = busy_answer(strict_proxy)
        assert answer.headers["retry-after"] == "2"
        assert httpx.get(strict_proxy.url + "/api/health", timeout=TIMEOUT_S).status_code == 200
    finally:
        for conn in stalled:
            conn.close()
    after = httpx.post(
        strict_proxy.url + "/api/predict",
        files={"file": ("v.mov", b"x" * 10, "video/quicktime")},
        timeout=TIMEOUT_S,
    )
    assert after.status_code != 503, "the slots of closed uploads were not freed"


def busy_answer(running) -> httpx.Response | None:
    answer = httpx.post(running.url + "/api/predict", content=b"x", headers={"Content-Type": "video/mp4"}, timeout=30)
    return answer if answer.status_code == 503 and answer.json()["code"] == "busy" else None


def test_content_length_with_chunked_transfer_encoding_is_400(proxy):
    with connect(proxy.url) as conn:
        conn.sendall(
            f"POST /api/predict HTTP/1.1\r\nHost: {host_of(proxy)}\r\nContent-Type: video/mp4\r\n"
            "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".encode()
        )
        raw = read_until_closed(conn)
    assert status_of(raw) == 400 and b"ambiguous_framing" in raw, raw


FORM = {"file": ("v.mp4", b"\x00" * 64, "video/mp4")}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},  # another local site: same-site, not same-origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example", "Sec-Fetch-Mode": "no-cors"},
    ],
)
def test_cross_site_browser_requests_are_refused_before_the_model_runs(proxy, headers):
    answer = httpx.post(proxy.url + "/api/predict", files=FORM, headers=headers, timeout=TIMEOUT_S)
    assert answer.status_code == 403, answer.text
    assert answer.json()["code"] == "cross_site_refused"


def test_the_refusal_comes_before_the_body_is_read(proxy):
    with connect(proxy.url) as conn:
        conn.sendall(
            f"POST /api/predict HTTP/1.1\r\nHost: {host_of(proxy)}\r\nOrigin: https://evil.example\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000000\r\n\r\n".encode()
        )
        raw = read_until_closed(conn)
    assert status_of(raw) == 403, raw


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-origin"},
        {},
    ],
)
def test_the_extension_the_upload_page_and_scripts_pass(proxy, headers):
    headers = {**headers, "Origin": headers.get("Origin") or proxy.url} if headers else {}
    answer = httpx.post(proxy.url + "/api/predict", files=FORM, headers=headers, timeout=TIMEOUT_S)
    assert answer.status_code == 400 and answer.json()["code"] == "undecodable", answer.text  # it reached the model


def test_following_a_link_to_the_upload_page_from_another_site_works(proxy):
    headers = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    assert httpx.get(proxy.url + "/", headers=headers, timeout=TIMEOUT_S).status_code == 200


@pytest.mark.parametrize("host", ["[::1]evil.example", "localhost:anything", "127.0.0.1:80:80", "localhost.evil"])
def test_malformed_or_foreign_host_headers_are_refused(proxy, host):
    answer = httpx.get(proxy.url + "/api/health", headers={"Host": host}, timeout=TIMEOUT_S)
    assert answer.status_code == 400 and answer.json()["code"] == "host_not_allowed", answer.text


def multipart_body(disposition: bytes) -> bytes:
    return (
        b"--b0undary\r\nContent-Disposition: " + disposition + b"\r\nContent-Type: video/mp4\r\n\r\n"
        b"not a video\r\n--b0undary--\r\n"
    )


@pytest.mark.parametrize(
    "disposition",
    [
        b'form-data; filename="v.mp4"',  # TorchServe's NullPointerException: a 500
        b'form-data; name="\x1e"',  # TorchServe's "empty name": a 500 (found by schemathesis)
        b'form-data; name=""',
        b"form-data",
        b'form-data; name="' + b"n" * 5000 + b'"',
    ],
)
def test_multipart_parts_need_a_short_name(proxy, disposition):
    answer = httpx.post(
        proxy.url + "/api/predict",
        content=multipart_body(disposition),
        headers={"Content-Type": "multipart/form-data; boundary=b0undary"},
        timeout=TIMEOUT_S,
    )
    assert answer.status_code == 400 and answer.json()["code"] == "bad_multipart", answer.text
    assert len(answer.content) < 500


def test_client_text_quoted_in_proxy_errors_is_capped(proxy):
    answer = httpx.post(
        proxy.url + "/api/predict", content=b"x", headers={"Content-Type": "x/" + "y" * 6000}, timeout=TIMEOUT_S
    )
    assert answer.status_code == 415 and len(answer.content) < 800, answer.text[:200]
