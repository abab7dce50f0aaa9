"""12-megapixel JPEGs through the app's photo pipeline (orient, downscale to 2048 px, strip, JPEG, thumbnail,
sha256) next to a bare Pillow open + reduce + save of the same files.

    .venv/bin/python benchmarks/photo_pipeline.py [--small] [--count N]

Prints `name: value` lines: ms per photo for both and ratio_vs_bare_pillow (goal <= 1.2).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_common import report  # noqa: E402

from inspectie_app.photos import LONG_EDGE, process_photo  # noqa: E402


def camera_like_jpeg(seed: int, size: tuple[int, int]) -> bytes:
    """A photo-like 12 MP JPEG: smooth gradients with noise, with an EXIF orientation and GPS block."""
    rng = random.Random(seed)
    small = Image.frombytes("RGB", (size[0] // 16, size[1] // 16), rng.randbytes(size[0] // 16 * size[1] // 16 * 3))
    image = small.resize(size, Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(2))
    exif = Image.Exif()
    exif[0x0112] = 1
    exif[0x010F] = "FictiefMerk"
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=92, exif=exif)
    return buf.getvalue()


def bare(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.thumbnail((LONG_EDGE, LONG_EDGE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def timed(fn: object, photos: list[bytes]) -> float:
    start = time.perf_counter()
    for data in photos:
        fn(data)  # type: ignore[operator]
    return (time.perf_counter() - start) / len(photos) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="3 photos (a quick run)")
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    count = 3 if args.small else args.count
    photos = [camera_like_jpeg(i, (4000, 3000)) for i in range(count)]
    bare(photos[0])
    process_photo(photos[0])  # warm up both
    pipeline_ms = timed(process_photo, photos)
    bare_ms = timed(bare, photos)
    report("photos", count)
    report("input_megapixels", 12.0)
    report("input_kb_avg", sum(len(p) for p in photos) / count / 1024)
    report("pipeline_ms_per_photo", pipeline_ms)
    report("bare_pillow_ms_per_photo", bare_ms)
    report("ratio_vs_bare_pillow", pipeline_ms / bare_ms)


if __name__ == "__main__":
    main()
