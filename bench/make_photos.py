"""Phone-size test photos: 4032 x 3024 (12 MP) JPEGs of a drawn street of houses, with
sensor-like noise and texture so that they compress like camera photos (about 3-4 MB at
quality 90), and EXIF as an Android camera writes it (make, model, orientation 6, time, GPS).

Usage: make_photos.py OUT_DIR [COUNT]   (needs Pillow and NumPy: python3-pil python3-numpy)
"""
import sys

import numpy as np
from PIL import Image

W, H = 4032, 3024


def scene(seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    img = np.zeros((H, W, 3), np.float32)
    for c, (a, b) in enumerate([(120, 200), (160, 210), (200, 240)]):
        img[..., c] = a + (b - a) * (1 - y / H)
    for _ in range(12):
        x0, y0 = rng.integers(0, W - 800), rng.integers(H // 4, H - 600)
        w, h = rng.integers(300, 1500), rng.integers(200, 1000)
        img[y0:y0 + h, x0:x0 + w] = rng.integers(40, 220, 3)
        planks = np.sin(y[y0:y0 + h, x0:x0 + w] / rng.uniform(6, 30)) * rng.uniform(5, 25)
        img[y0:y0 + h, x0:x0 + w] += planks[..., None]
    img *= (0.75 + 0.25 * np.sin(x / 900 + seed) * np.cos(y / 700))[..., None]
    img += rng.normal(0, 7, (H, W, 3)).astype(np.float32)
    texture = rng.normal(0, 1, (H // 4, W // 4)).astype(np.float32)
    img += (np.kron(texture, np.ones((4, 4), np.float32)) * 6)[..., None]
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def main():
    out, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for i in range(count):
        exif = Image.Exif()
        exif[0x010F] = "samsung"
        exif[0x0110] = "SM-A155F"
        exif[0x0112] = 6
        exif[0x0132] = "2026:11:20 09:15:%02d" % i
        exif[0x8825] = {1: "S", 2: (2.0, 48.0, 12.5 + i), 3: "E", 4: (120.0, 24.0, 6.25)}
        scene(i).save(f"{out}/phone{i}.jpg", quality=90, exif=exif.tobytes())


main()
