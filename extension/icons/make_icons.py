"""Draws the extension's toolbar icons (a lens over a play triangle). Run once; PNGs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw

SIZES = (16, 32, 48, 128)
SCALE = 8  # draw large, then downsample: smooth edges at 16 px


def draw_icon(size: int) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=(26, 115, 232, 255))
    u = big / 16
    draw.polygon([(4 * u, 3.5 * u), (4 * u, 10.5 * u), (9.5 * u, 7 * u)], fill=(255, 255, 255, 255))
    draw.ellipse((7.5 * u, 6.5 * u, 13 * u, 12 * u), outline=(255, 255, 255, 255), width=max(1, int(1.3 * u)))
    draw.line((12 * u, 11 * u, 14.5 * u, 13.5 * u), fill=(255, 255, 255, 255), width=max(1, int(1.6 * u)))
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    folder = Path(__file__).parent
    for size in SIZES:
        draw_icon(size).save(folder / f"icon{size}.png", optimize=True)


if __name__ == "__main__":
    main()
