#!/usr/bin/env python3
"""The old system's image pipeline, as a reference for build/bench.sh: Pillow opens the upload,
applies the EXIF orientation, shrinks it to 1024 px with LANCZOS, encodes WebP down the quality
ladder 85, 75, 60, 50, 40 until it fits 500 KB, and makes 100/200/300 px thumbnails the same way.
Prints one line per input: "<file> <median ms> <output bytes>", or "<file> n/a n/a" when Pillow cannot
open it (Debian's Pillow reads no HEIC).
Usage: pillow_pipeline.py <iterations> <image>..."""
import io
import os
import statistics
import sys
import time

from PIL import Image, ImageOps, UnidentifiedImageError

LADDER = (85, 75, 60, 50, 40)
MAX_BYTES = 500 * 1024


def webp(image, size):
    copy = image.copy()
    copy.thumbnail((size, size), Image.LANCZOS)
    for quality in LADDER:
        out = io.BytesIO()
        copy.save(out, "WEBP", quality=quality)
        if out.tell() <= MAX_BYTES:
            return out.getvalue()
    raise ValueError("cannot compress")


def pipeline(data):
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    full = webp(image, 1024)
    for size in (100, 200, 300):
        webp(image, size)
    return full


def main():
    iterations = int(sys.argv[1])
    for path in sys.argv[2:]:
        parts = path.split(os.sep)
        name = f"{parts[-4]}/{parts[-1]}"
        data = open(path, "rb").read()
        try:
            size = len(pipeline(data))
        except UnidentifiedImageError as e:
            print(f"Pillow cannot open {name}: {e}", file=sys.stderr)
            print(f"{name} n/a n/a")
            continue
        times = []
        for _ in range(iterations):
            started = time.perf_counter()
            pipeline(data)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{name} {statistics.median(times):.1f} {size}")


if __name__ == "__main__":
    main()
