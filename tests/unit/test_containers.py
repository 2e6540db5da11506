"""FFmpeg reads only the given bytes: the demuxer allow-list and the empty protocol list (model/containers.py)."""

from __future__ import annotations

import os

import av
import pytest

from model.containers import (
    ALLOWED_DEMUXERS,
    MAX_STREAMS,
    NO_PROTOCOL,
    BufferReader,
    guess_format,
    open_container,
)
from model.errors import VideoInputError
from model.frames import sample_video
from tests.fixtures.media import copies_of_its_stream, shared_video_files, tiny_h264_clip

SDP = b"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=video 5004 RTP/AVP 96\r\n"
REFUSED = {
    "sdp": SDP,
    "ffconcat": b"ffconcat version 1.0\nfile secret.mp4\n",
    "hls playlist": b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:9/a.ts\n#EXT-X-ENDLIST\n",
    "dash manifest": b'<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"><Period/></MPD>',
    "multipart jpeg": b"--b\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0",
    "y4m": b"YUV4MPEG2 W64 H64 F30:1 C420jpeg\nFRAME\n" + bytes(64 * 64 * 3 // 2),
    "tiff": b"II*\x00" + bytes(200),
}


@pytest.mark.parametrize("path", shared_video_files(), ids=lambda path: path.name)
def test_every_shared_video_is_read_by_an_allowed_demuxer(path):
    name, score = guess_format(BufferReader(path.read_bytes()))
    assert name in ALLOWED_DEMUXERS and score == 100
    with open_container(BufferReader(path.read_bytes())) as container:
        assert container.format.name == name and container.streams.video


@pytest.mark.parametrize("name", list(REFUSED))
def test_other_formats_are_unsupported_before_a_demuxer_runs(name):
    with pytest.raises(VideoInputError) as caught:
        open_container(BufferReader(REFUSED[name]))
    assert caught.value.code == "unsupported_container"
    assert "not accepted" in caught.value.message and "0x" not in caught.value.message


def test_noise_and_text_are_undecodable_not_unsupported():
    for data in [os.urandom(4096) for _ in range(50)] + [b"not a video at all", b"hello\n" * 500]:
        with pytest.raises(VideoInputError) as caught:
            open_container(BufferReader(data))
        assert caught.value.code == "undecodable"


def test_the_empty_protocol_list_lets_no_demuxer_open_a_file(tmp_path, monkeypatch):
    """What stops a nested open even if a demuxer that does them were ever allowed."""
    (tmp_path / "target.mp4").write_bytes(shared_video_files()[0].read_bytes())
    monkeypatch.chdir(tmp_path)
    listing = b"ffconcat version 1.0\nfile target.mp4\n"
    with av.open(BufferReader(listing), format="concat", options={"protocol_whitelist": "file"}) as opened:
        assert opened.streams.video  # the control: with `file` allowed, concat opens target.mp4
    with pytest.raises(av.FFmpegError):
        av.open(BufferReader(listing), format="concat", options={"protocol_whitelist": NO_PROTOCOL})


@pytest.fixture(scope="module")
def small_clip(tmp_path_factory):
    return tiny_h264_clip(tmp_path_factory.mktemp("streams") / "one.mp4")


def test_matroska_keeps_only_the_first_streams(small_clip):
    """FFmpeg probes each stream with a decoder of its own: the count is what bounds that memory."""
    many = copies_of_its_stream(small_clip, small_clip.with_name("many.mkv"), MAX_STREAMS + 36)
    with open_container(BufferReader(many.read_bytes())) as opened:
        assert len(opened.streams) == MAX_STREAMS
    assert len(sample_video(many, 4).frames) == 4


@pytest.mark.parametrize("suffix", [".mp4", ".ts"])
def test_more_streams_than_the_limit_are_too_many_streams(small_clip, suffix):
    """MP4 refuses the file at open; MPEG-TS when the stream past the limit appears in the data."""
    many = copies_of_its_stream(small_clip, small_clip.with_name(f"many{suffix}"), MAX_STREAMS + 36)
    with pytest.raises(VideoInputError) as refused:
        sample_video(many, 4)
    assert refused.value.code == "too_many_streams" and refused.value.over_limit
    assert str(MAX_STREAMS) in refused.value.message


def test_a_container_at_the_limit_opens(small_clip):
    at_limit = copies_of_its_stream(small_clip, small_clip.with_name("at_limit.mp4"), MAX_STREAMS)
    assert len(sample_video(at_limit, 4).frames) == 4


def test_paths_still_open_for_local_tools():
    sampled = sample_video(shared_video_files()[0], 4)
    assert len(sampled.frames) == 4


def test_closing_the_reader_releases_the_buffer():
    data = bytearray(shared_video_files()[0].read_bytes())
    sample_video(data, 4)
    data.clear()  # raises BufferError if a reader still exported it
    assert len(data) == 0
