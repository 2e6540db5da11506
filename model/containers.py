"""Open a video with FFmpeg so that it reads the given bytes and nothing else.

`av.open` on its own lets FFmpeg pick any of its ~400 demuxers from the data and lets a demuxer
open whatever the data names: an SDP description binds UDP ports, `ffconcat` and playlists open
local files or URLs, device demuxers read hardware. Here:
- FFmpeg's own probe (`av_probe_input_format3`, pure functions over the first bytes, the same
  steps `avformat_open_input` takes) names the format first; only a demuxer on ALLOWED_DEMUXERS
  is then opened, by name. A confident guess off the list is `unsupported_container` (415) before
  any demuxer runs; a weak or no guess (noise, text) is `undecodable`.
- `format_whitelist` (the list again) and `protocol_whitelist` are passed to FFmpeg as well. For
  bytes and file objects the protocol list is empty, so a demuxer can open nothing: the data
  comes through PyAV's in-memory reader, which is no protocol. A path may use `file` for itself.
Bytes are read in place (`BufferReader`): never copied, never written to disk.
"""

from __future__ import annotations

import ctypes
import glob
import io
import logging
import os
from pathlib import Path
from typing import BinaryIO

import av

from model.errors import VideoInputError

logger = logging.getLogger(__name__)

# FFmpeg demuxer names (av.formats_available): real video containers only.
ALLOWED_DEMUXERS = (
    "mov,mp4,m4a,3gp,3g2,mj2",  # MP4, QuickTime .mov, 3GP
    "matroska,webm",
    "avi",
    "flv",
    "mpegts",  # .ts, .m2ts
    "mpeg",  # MPEG program stream: .mpg, .vob
    "ogg",
    "asf",  # .asf, .wmv
    "rm",  # RealMedia .rm, .rmvb
)
ALLOWED_CONTAINERS_TEXT = "MP4/MOV/3GP, Matroska/WebM, AVI, FLV, MPEG-TS, MPEG-PS, Ogg, ASF/WMV, RealMedia"
NO_PROTOCOL = ""  # an empty list: every protocol refused (tests/unit/test_containers.py checks it)
# avformat_open_input's probing: 2 KB first, doubling up to 5 MB, until a guess scores above
# AVPROBE_SCORE_RETRY (25 of 100); at the end of the data any score counts.
PROBE_FIRST_BYTES, PROBE_MAX_BYTES, PROBE_SCORE_RETRY = 2048, 5_000_000, 25
PROBE_PADDING = 64  # AVPROBE_PADDING_SIZE zero bytes after the probed data
# Playlists FFmpeg only recognises by a file name (.m3u8, .mpd) it never gets here: named so the
# answer says "not accepted" rather than "damaged".
PLAYLIST_MARKERS = {b"#EXTM3U": "hls", b"<MPD": "dash"}
# Streams a container may declare (FFmpeg's `max_streams`, default 1000). Opening probes every
# stream with a decoder of its own: a 2.4 MB Matroska file of 1000 copies of one small H.264
# stream raised a worker's peak RSS by 696 MB. Real videos carry a few (video, audio and
# subtitle tracks). Matroska keeps the first 64 and drops the rest; MP4 refuses the file at open
# and MPEG-TS when a stream past the limit appears (ENOMEM both): answered as too_many_streams.
MAX_STREAMS = 64

VideoSource = bytes | bytearray | memoryview | str | Path | BinaryIO


class BufferReader(io.RawIOBase):
    """A read-only, seekable file over bytes, a bytearray or a memoryview, without copying it
    (BytesIO copies anything but bytes: a served upload would then sit twice in the worker).
    Closing it releases the buffer, so a bytearray can be freed (`bytearray.clear()`) after."""

    def __init__(self, buffer: bytes | bytearray | memoryview):
        super().__init__()
        self.view = memoryview(buffer).cast("B")
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        chunk = self.view[self.position : self.position + len(target)]
        target[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: len(self.view)}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def close(self) -> None:
        if not self.closed:
            self.view.release()
        super().close()


class _ProbeData(ctypes.Structure):  # libavformat's AVProbeData
    _fields_ = [
        ("filename", ctypes.c_char_p),
        ("buf", ctypes.c_char_p),
        ("buf_size", ctypes.c_int),
        ("mime_type", ctypes.c_char_p),
    ]


def _load_probe():
    """av_probe_input_format3 from the libavformat PyAV itself loaded; None if it cannot be found."""
    folder = os.path.join(os.path.dirname(os.path.dirname(av.__file__)), "av.libs")
    candidates = sorted(glob.glob(os.path.join(folder, "libavformat*.so*"))) or ["libavformat.so"]
    try:
        probe = ctypes.CDLL(candidates[0]).av_probe_input_format3
    except (OSError, AttributeError):
        logger.warning("libavformat's probe is not reachable: falling back to format_whitelist alone")
        return None
    probe.argtypes = [ctypes.POINTER(_ProbeData), ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    probe.restype = ctypes.c_void_p
    return probe


_PROBE = _load_probe()


def probe_format(head: bytes) -> tuple[str | None, int]:
    """FFmpeg's guess for data starting with `head`: (demuxer name or None, score 0-100)."""
    buffer = ctypes.create_string_buffer(bytes(head) + bytes(PROBE_PADDING), len(head) + PROBE_PADDING)
    data = _ProbeData(b"", ctypes.cast(buffer, ctypes.c_char_p), len(head), None)
    score = ctypes.c_int(0)
    found = _PROBE(ctypes.byref(data), 1, ctypes.byref(score))
    name = ctypes.cast(found, ctypes.POINTER(ctypes.c_char_p))[0].decode("ascii") if found else None
    return name, score.value


def guess_format(reader: BinaryIO) -> tuple[str | None, int]:
    """The probing avformat_open_input does, on the reader's first bytes (the reader is rewound)."""
    size = PROBE_FIRST_BYTES
    while True:
        reader.seek(0)
        head = reader.read(size)
        name, score = probe_format(head)
        if score > PROBE_SCORE_RETRY or len(head) < size or size >= PROBE_MAX_BYTES:
            reader.seek(0)
            return (name, score) if name else playlist_format(head)
        size = min(size * 2, PROBE_MAX_BYTES)


def playlist_format(head: bytes) -> tuple[str | None, int]:
    start = head[:PROBE_FIRST_BYTES]
    for marker, name in PLAYLIST_MARKERS.items():
        if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(marker) or (name == "dash" and marker in start):
            return name, 100
    return None, 0


def chosen_demuxer(source: VideoSource) -> str | None:
    """The allowed demuxer to open the source with; VideoInputError for anything else."""
    if _PROBE is None:
        return None  # FFmpeg probes; format_whitelist still refuses what is off the list
    if isinstance(source, (str, Path)):
        with open(source, "rb") as file:
            name, score = guess_format(file)
    else:
        name, score = guess_format(source)
    if name in ALLOWED_DEMUXERS:
        return name
    if name is not None and score > PROBE_SCORE_RETRY:
        raise unsupported(name)
    raise undecodable()


def unsupported(name: str | None) -> VideoInputError:
    kind = f"this kind of file ({name.split(',')[0]})" if name else "this kind of file"
    return VideoInputError(
        f"{kind} is not accepted: send a video ({ALLOWED_CONTAINERS_TEXT}) or an image (PNG, JPEG, WebP, BMP)",
        "unsupported_container",
    )


def undecodable() -> VideoInputError:
    return VideoInputError(
        f"not a readable video: no {ALLOWED_CONTAINERS_TEXT} container was found in the data", "undecodable"
    )


def too_many_streams() -> VideoInputError:
    return VideoInputError(
        f"the container could not be opened within its limits: it declares more than {MAX_STREAMS} streams "
        "(video, audio and subtitle tracks together), or is damaged so that it seems to",
        "too_many_streams",
    )


def open_options(source: VideoSource) -> dict[str, str]:
    protocols = "file" if isinstance(source, (str, Path)) else NO_PROTOCOL
    return {
        "format_whitelist": ",".join(ALLOWED_DEMUXERS),
        "protocol_whitelist": protocols,
        "max_streams": str(MAX_STREAMS),
    }


def open_container(source: VideoSource):
    """An input container over the source, read by an allowed demuxer only. VideoInputError:
    `unsupported_container` for another format, `undecodable` for no format or a damaged one."""
    try:
        demuxer = chosen_demuxer(source)
        if hasattr(source, "seek"):
            source.seek(0)
        target = str(source) if isinstance(source, Path) else source
        return av.open(target, mode="r", format=demuxer, options=open_options(source))
    except VideoInputError:
        raise
    except av.ArgumentError as error:  # EINVAL: without the probe, FFmpeg's guess is off format_whitelist
        raise unsupported(None) from error
    except av.error.MemoryError as error:  # ENOMEM: the MP4 demuxer past max_streams
        raise too_many_streams() from error
    except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError) as error:
        raise undecodable() from error
