"""What genuine video looks like, as far as installed packages let us show it: many kinds of scenes.

A `Scene` is an RGB image plus, where it has one, the box of a face (a fake then hits it half the
time). Kinds:
- photo: real photographs shipped by packages (scikit-image, scikit-learn, matplotlib, Debian's
  mate-backgrounds and ukui-wallpapers), any subject;
- face: face photos with their boxes (train/synth/sources.py: dlib examples, astronaut, Grace Hopper);
- gray: greyscale photographs and scans (old film, documents, astronomy);
- screen: screen-like content drawn with PIL's fonts: text, UI panels, buttons, code;
- chart: plots and dashboards (bars, lines, grids, legends);
- cartoon: flat-shaded animation: flat colours, dark outlines, simple characters and props;
- overlay: a photo with broadcast graphics (lower thirds, tickers, logos), as in news;
- procedural: random shapes over smooth colour fields (train/synth/sources.procedural_scene);
- texture: natural textures (grass, gravel, brick) and fractal noise.
Photo sources are listed in a fixed order (a seed always means the same data); procedural kinds
are drawn fresh from a generator each time. Nothing is downloaded; missing files are skipped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from train.synth.sources import FaceSource, load_face_sources, procedural_scene

MAX_SIDE = 720  # photos are shrunk once at load: views never need more, and it bounds memory
DEBIAN_BACKGROUNDS = Path("/usr/share/backgrounds")
SKIMAGE_PHOTOS = ("chelsea", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry", "retina")
SKIMAGE_GRAY = ("camera", "moon", "page", "text", "clock", "coins", "horse")
SKIMAGE_TEXTURES = ("grass", "gravel", "brick")
NOISE_SOURCE = "texture:noise"  # the name of every fractal-noise scene
WORDS = [
    "the",
    "video",
    "frame",
    "model",
    "upload",
    "share",
    "settings",
    "profile",
    "search",
    "results",
    "about",
    "news",
    "weather",
    "sports",
    "live",
    "account",
    "privacy",
    "help",
    "download",
    "report",
    "update",
    "status",
    "error",
    "loading",
    "open",
    "save",
    "close",
    "cancel",
    "next",
    "back",
    "home",
    "menu",
    "play",
    "pause",
    "volume",
    "speed",
    "quality",
    "comments",
    "subscribe",
    "channel",
    "today",
    "yesterday",
    "2024",
    "price",
    "total",
]


@dataclass(frozen=True)
class Scene:
    name: str  # where it came from, e.g. "skimage:coffee" or "screen"
    kind: str
    image: np.ndarray  # RGB uint8 (H, W, 3)
    box: tuple[int, int, int, int] | None = None  # a face's x, y, w, h, where there is one


def _shrink(image: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    height, width = image.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1:
        return np.ascontiguousarray(image)
    return cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)


def _rgb(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.repeat(image[..., None], 3, axis=2)
    return image[..., :3]


def _mostly_transparent(image: Image.Image) -> bool:
    if "A" not in image.getbands():
        return False
    return float(np.asarray(image.getchannel("A")).mean()) < 128


def _read(path: Path) -> np.ndarray | None:
    try:
        with Image.open(path) as opened:
            opened.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced size, much faster
            if _mostly_transparent(opened):
                return None  # a transparent wallpaper is a flat canvas: its blends are invisible
            return _shrink(np.asarray(opened.convert("RGB")))
    except (OSError, ValueError):
        return None


def _skimage(names: tuple[str, ...], kind: str) -> list[Scene]:
    try:
        import skimage.data
    except ImportError:
        return []
    scenes = []
    for name in names:
        try:
            image = getattr(skimage.data, name)()
        except (OSError, AttributeError, ValueError):
            continue
        if image.dtype != np.uint8:
            image = image.astype(np.float64)
            image = (255 * (image - image.min()) / max(float(np.ptp(image)), 1e-9)).astype(np.uint8)
        scenes.append(Scene(f"skimage:{name}", kind, _shrink(_rgb(image))))
    return scenes


def _sklearn_photos() -> list[Scene]:
    try:
        from sklearn.datasets import load_sample_images
    except ImportError:
        return []
    loaded = load_sample_images()
    return [Scene(f"sklearn:{Path(f).name}", "photo", _shrink(i)) for f, i in zip(loaded.filenames, loaded.images)]


def _debian_backgrounds() -> list[Scene]:
    """Photographs and artwork of Debian's mate-backgrounds and ukui-wallpapers (largest sizes skipped)."""
    if not DEBIAN_BACKGROUNDS.is_dir():
        return []
    paths = sorted(p for p in DEBIAN_BACKGROUNDS.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    paths = [p for p in paths if "_3840x" not in p.name and "_5640x" not in p.name]
    scenes = []
    for path in paths:
        image = _read(path)
        if image is not None:
            package = "ukui" if path.parent == DEBIAN_BACKGROUNDS else "mate"
            scenes.append(Scene(f"debian-{package}:{path.name}", "photo", image))
    return scenes


def _face_scenes() -> list[Scene]:
    return [Scene(s.name, "face", s.image, s.box) for s in load_face_sources()]


@functools.cache
def photo_scenes() -> tuple[Scene, ...]:
    """Every packaged image, in a fixed order: photos, faces, greyscale, textures."""
    return tuple(
        _skimage(SKIMAGE_PHOTOS, "photo")
        + _sklearn_photos()
        + _debian_backgrounds()
        + _face_scenes()
        + _skimage(SKIMAGE_GRAY, "gray")
        + _skimage(SKIMAGE_TEXTURES, "texture")
    )


@functools.cache
def _font(size: int, family: str) -> ImageFont.FreeTypeFont:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / family
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default()


FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf")


def _colour(rng: np.random.Generator, low: int = 0, high: int = 256) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(low, high, 3))


def _text_line(rng: np.random.Generator, words: int) -> str:
    return " ".join(rng.choice(WORDS, words))


def _draw_text_block(draw, rng, box, ink, size, family) -> None:
    x0, y0, _, y1 = box
    font = _font(size, family)
    y = y0
    while y + size < y1:
        draw.text((x0, y), _text_line(rng, int(rng.integers(2, 9))), fill=ink, font=font)
        y += int(size * rng.uniform(1.2, 1.8))


def screen_scene(rng: np.random.Generator, size: int = 512) -> Scene:
    """A window of an app or a web page: title bar, side panel, text, buttons, an image block."""
    dark = rng.random() < 0.35
    background = _colour(rng, 10, 50) if dark else _colour(rng, 225, 256)
    ink = _colour(rng, 200, 256) if dark else _colour(rng, 0, 60)
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    bar = int(rng.integers(20, 48))
    draw.rectangle([0, 0, size, bar], fill=_colour(rng))
    draw.text((10, bar // 4), _text_line(rng, 3), fill=_colour(rng, 200, 256), font=_font(max(10, bar // 2), FONTS[1]))
    side = int(rng.integers(0, size // 3))
    if side:
        draw.rectangle([0, bar, side, size], fill=tuple(max(0, c - 18) for c in background))
        _draw_text_block(draw, rng, (8, bar + 10, side - 4, size), ink, int(rng.integers(10, 16)), FONTS[0])
    for _ in range(int(rng.integers(1, 4))):
        x, y = int(rng.integers(side + 8, size - 90)), int(rng.integers(bar + 8, size - 40))
        draw.rounded_rectangle([x, y, x + int(rng.integers(60, 140)), y + 28], radius=6, fill=_colour(rng))
        draw.text((x + 8, y + 6), rng.choice(WORDS), fill=(255, 255, 255), font=_font(14, FONTS[1]))
    if rng.random() < 0.5:
        x, y = int(rng.integers(side, size - 160)), int(rng.integers(bar, size - 120))
        block = procedural_scene(rng, 128).image
        image.paste(Image.fromarray(block).resize((int(rng.integers(100, 160)), int(rng.integers(70, 120)))), (x, y))
    family = FONTS[int(rng.integers(len(FONTS)))]
    _draw_text_block(draw, rng, (side + 12, bar + 12, size - 10, size - 6), ink, int(rng.integers(10, 26)), family)
    return Scene("screen", "screen", np.asarray(image))


def chart_scene(rng: np.random.Generator, size: int = 512) -> Scene:
    """A plot or a dashboard tile: axes, grid, bars or lines, labels, legend."""
    image = Image.new("RGB", (size, size), _colour(rng, 230, 256) if rng.random() < 0.7 else _colour(rng, 15, 45))
    draw = ImageDraw.Draw(image)
    ink = (40, 40, 40) if sum(image.getpixel((0, 0))) > 380 else (210, 210, 210)
    left, top, right, bottom = 50, 40, size - 20, size - 50
    for step in range(6):
        y = top + (bottom - top) * step // 5
        draw.line([left, y, right, y], fill=tuple(c // 2 + 100 for c in ink), width=1)
        draw.text((8, y - 7), f"{(5 - step) * int(rng.integers(1, 50))}", fill=ink, font=_font(12, FONTS[0]))
    draw.line([left, top, left, bottom, right, bottom], fill=ink, width=2)
    series = int(rng.integers(1, 4))
    points = int(rng.integers(5, 30))
    for number in range(series):
        colour = _colour(rng, 0, 220)
        values = np.clip(np.cumsum(rng.normal(0, 1, points)) / 6 + rng.uniform(0.3, 0.7), 0.05, 0.95)
        xs = np.linspace(left + 10, right - 10, points)
        ys = bottom - values * (bottom - top)
        if rng.random() < 0.4 and number == 0:
            width = max(2, int((right - left) / points * 0.6))
            for x, y in zip(xs, ys):
                draw.rectangle([x - width / 2, y, x + width / 2, bottom], fill=colour)
        else:
            draw.line(list(zip(xs.tolist(), ys.tolist())), fill=colour, width=int(rng.integers(1, 4)))
        draw.text((right - 110, top + 16 * number), _text_line(rng, 1), fill=colour, font=_font(13, FONTS[0]))
    draw.text((left, bottom + 12), _text_line(rng, 4), fill=ink, font=_font(14, FONTS[1]))
    return Scene("chart", "chart", np.asarray(image))


def cartoon_scene(rng: np.random.Generator, size: int = 512) -> Scene:
    """Flat-shaded animation: a two-tone sky, hills, props and simple characters with outlines."""
    canvas = np.zeros((size, size, 3), np.uint8)
    horizon = int(rng.integers(size // 3, 2 * size // 3))
    canvas[:horizon] = _colour(rng, 90, 256)
    canvas[horizon:] = _colour(rng, 20, 200)
    outline = tuple(int(v) for v in rng.integers(0, 50, 3))
    thickness = int(rng.integers(1, 5))
    for _ in range(int(rng.integers(2, 5))):  # hills
        centre = (int(rng.integers(0, size)), horizon + int(rng.integers(0, 40)))
        axes = (int(rng.integers(size // 6, size // 2)), int(rng.integers(30, size // 4)))
        cv2.ellipse(canvas, centre, axes, 0, 180, 360, _colour(rng, 30, 220), -1, cv2.LINE_AA)
        cv2.ellipse(canvas, centre, axes, 0, 180, 360, outline, thickness, cv2.LINE_AA)
    for _ in range(int(rng.integers(3, 9))):  # props: polygons
        centre = rng.integers(0, size, 2)
        points = (centre + rng.normal(0, size / 12, (int(rng.integers(3, 7)), 2))).astype(np.int32)
        cv2.fillPoly(canvas, [points], _colour(rng), cv2.LINE_AA)
        cv2.polylines(canvas, [points], True, outline, thickness, cv2.LINE_AA)
    for _ in range(int(rng.integers(1, 4))):  # characters: a body, a head, eyes
        cx, cy = int(rng.integers(size // 8, 7 * size // 8)), int(rng.integers(size // 3, 7 * size // 8))
        head = int(rng.integers(size // 20, size // 8))
        body = _colour(rng)
        cv2.ellipse(canvas, (cx, cy + 2 * head), (head, int(1.6 * head)), 0, 0, 360, body, -1, cv2.LINE_AA)
        cv2.ellipse(canvas, (cx, cy + 2 * head), (head, int(1.6 * head)), 0, 0, 360, outline, thickness, cv2.LINE_AA)
        cv2.circle(canvas, (cx, cy), head, _colour(rng, 120, 256), -1, cv2.LINE_AA)
        cv2.circle(canvas, (cx, cy), head, outline, thickness, cv2.LINE_AA)
        for dx in (-head // 3, head // 3):
            cv2.circle(canvas, (cx + dx, cy - head // 5), max(2, head // 5), (255, 255, 255), -1, cv2.LINE_AA)
            cv2.circle(canvas, (cx + dx, cy - head // 5), max(1, head // 10), (0, 0, 0), -1, cv2.LINE_AA)
    if rng.random() < 0.5:  # cel shading: a darker band over the lower part of the frame
        shade = np.linspace(1.0, rng.uniform(0.7, 0.95), size, dtype=np.float32)[:, None, None]
        canvas = (canvas * shade).astype(np.uint8)
    return Scene("cartoon", "cartoon", canvas)


def fractal_noise(rng: np.random.Generator, size: int = 512) -> Scene:
    """Clouds, smoke, foliage at a distance: octaves of smooth noise, colourised."""
    field = np.zeros((size, size), np.float32)
    for octave in range(1, 7):
        cells = 2**octave
        coarse = rng.normal(0, 1, (cells + 1, cells + 1)).astype(np.float32)
        field += cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC) / octave
    field = (field - field.min()) / max(float(np.ptp(field)), 1e-6)
    low, high = np.array(_colour(rng), np.float32), np.array(_colour(rng), np.float32)
    return Scene(NOISE_SOURCE, "texture", (low + field[..., None] * (high - low)).astype(np.uint8))


def overlay_scene(rng: np.random.Generator, background: Scene, size: int = 512) -> Scene:
    """News-like: a photo with a lower-third banner, a ticker and a channel logo."""
    image = Image.fromarray(cv2.resize(background.image, (size, size), interpolation=cv2.INTER_AREA))
    draw = ImageDraw.Draw(image)
    banner = int(rng.integers(size * 2 // 3, size - 60))
    draw.rectangle([0, banner, size, banner + 44], fill=_colour(rng, 0, 200))
    draw.text((12, banner + 8), _text_line(rng, 5).upper(), fill=(255, 255, 255), font=_font(22, FONTS[1]))
    draw.rectangle([0, size - 28, size, size], fill=_colour(rng, 200, 256))
    draw.text((6, size - 24), _text_line(rng, 10), fill=(20, 20, 20), font=_font(16, FONTS[0]))
    x, y = int(rng.integers(8, size - 90)), int(rng.integers(8, 40))
    draw.rounded_rectangle([x, y, x + 80, y + 32], radius=8, fill=_colour(rng))
    draw.text((x + 10, y + 6), rng.choice(WORDS).upper()[:5], fill=(255, 255, 255), font=_font(18, FONTS[1]))
    box = None
    if background.box is not None:  # the face moves with the resize
        sx, sy = size / background.image.shape[1], size / background.image.shape[0]
        bx, by, bw, bh = background.box
        box = (int(bx * sx), int(by * sy), int(bw * sx), int(bh * sy))
    return Scene(f"overlay:{background.name}", "overlay", np.asarray(image), box)


def procedural(rng: np.random.Generator) -> Scene:
    source: FaceSource = procedural_scene(rng)
    return Scene("procedural", "procedural", source.image, source.box)


GENERATED_KINDS = {
    "screen": screen_scene,
    "chart": chart_scene,
    "cartoon": cartoon_scene,
    "procedural": procedural,
    "noise": fractal_noise,
}


def is_generated(source: str) -> bool:
    """A scene name that a generator gives every scene it draws (each drawing new), not one
    packaged image's: the generated kinds' scenes are named after their kind, noise after NOISE_SOURCE."""
    return source in GENERATED_KINDS or source == NOISE_SOURCE
