"""libx264 settings the project encodes with (synthetic clips, compression augmentation)."""

from __future__ import annotations


def repeatable_x264_options(crf: int) -> dict[str, str]:
    """Same frames in, same bytes out. One thread: callers run several encodes in parallel.
    mbtree off: with it on, this libx264 build wrote different bytes for identical input on
    about 1 encode in 3 even single-threaded (the last B-frames, ~1-2 grey levels apart);
    rc-lookahead=0 or aq-mode=0 cured it too, at a larger change to how clips compress."""
    return {"crf": str(crf), "preset": "veryfast", "threads": "1", "x264-params": "mbtree=0"}
