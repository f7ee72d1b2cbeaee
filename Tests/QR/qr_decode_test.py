"""The app's own QR encoder checked against an outside decoder (zbar through pyzbar): every
version it emits (1-10, level M, byte mode), each at full capacity and with a short text pinned to
that version, plus UTF-8 text, must decode to exactly the text encoded. The SVG that
`ketaclinic qr` prints is the same markup the pages draw; it is rasterised here by reading its path
(runs of dark modules) and drawing them with PIL. Then, in a headless browser, the QR code on the
two-factor set-up page must decode to the page's own otpauth:// link.

Run: python3 Tests/QR/qr_decode_test.py [--binary .build/debug/ketaclinic] [--keep]
Needs: pip install pyzbar pillow; apt install libzbar0.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from PIL import Image, ImageDraw
from pyzbar import pyzbar

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Browser"))
from browserkit import BrowserFlow, Check, run_flow  # noqa: E402

# Byte capacity of versions 1-10 at level M (ISO/IEC 18004 Table 7).
CAPACITY_M = {1: 14, 2: 26, 3: 42, 4: 62, 5: 84, 6: 106, 7: 122, 8: 152, 9: 180, 10: 213}
PIXELS_PER_MODULE = 6
RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-\d+z")


def rasterise(svg: str) -> Image.Image:
    """The SVG's modules drawn as black squares on white (quiet zone included)."""
    side = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    path = re.search(r'<path[^>]*\bd="([^"]*)"', svg).group(1)
    runs = RUN.findall(path)
    assert runs and "".join(f"M{x} {y}h{w}v1h-{w}z" for x, y, w in runs) == path, "unexpected path syntax"
    image = Image.new("L", (side * PIXELS_PER_MODULE, side * PIXELS_PER_MODULE), 255)
    draw = ImageDraw.Draw(image)
    for x, y, width in runs:
        x, y, width = int(x), int(y), int(width)
        draw.rectangle([x * PIXELS_PER_MODULE, y * PIXELS_PER_MODULE,
                        (x + width) * PIXELS_PER_MODULE - 1, (y + 1) * PIXELS_PER_MODULE - 1], fill=0)
    return image


def decode(svg: str) -> bytes:
    """The one QR code zbar finds in the rendered SVG, as bytes."""
    found = pyzbar.decode(rasterise(svg), symbols=[pyzbar.ZBarSymbol.QRCODE])
    assert len(found) == 1, f"zbar found {len(found)} QR codes"
    return found[0].data


def encode(binary: str, text: str, min_version: int) -> tuple[int, str]:
    """`ketaclinic qr`: (version used, SVG)."""
    result = subprocess.run([binary, "qr", "--text", text, "--min-version", str(min_version), "--info"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    version = int(re.search(r"version (\d+)", result.stderr).group(1))
    return version, result.stdout


def text_of(length: int, seed: str) -> str:
    """An ASCII text of `length` bytes shaped like a link."""
    base = f"https://ketaclinic.example/r/{seed}?"
    filler = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-._~"
    return (base + filler * 8)[:length]


class QRFlow(BrowserFlow):
    binary = ".build/debug/ketaclinic"

    def every_version(self):
        cases = []
        for version, capacity in CAPACITY_M.items():
            cases.append((f"v{version} full", text_of(capacity, f"V{version}F"), version, version))
            cases.append((f"v{version} short", f"KetaClinic {version}", version, version))
        cases.append(("UTF-8", "Zoë, Ærø, café ✓", 1, None))
        cases.append(("otpauth", "otpauth://totp/KetaClinic:nurse%40demo.ketaclinic.test?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
                                 "&issuer=KetaClinic&algorithm=SHA1&digits=6&period=30", 1, None))
        for name, text, minimum, expected_version in cases:
            version, svg = encode(self.binary, text, minimum)
            if expected_version is not None:
                assert version == expected_version, f"{name}: version {version}, expected {expected_version}"
            data = decode(svg)
            assert data == text.encode("utf-8"), f"{name} (version {version}): decoded {data!r}"
        too_long = subprocess.run([self.binary, "qr", "--text", "x" * 214], capture_output=True, text=True, timeout=30)
        assert too_long.returncode == 2 and "does not fit" in too_long.stderr, too_long.stderr
        return f"{len(cases)} codes decoded by zbar, versions 1-10 each full and short; 214 bytes refused"

    def two_factor_page(self):
        self.sign_in(*self.credentials["nurse"])
        self.open("/account/two-factor")
        svg = self.wait_for("#totp-qr svg").get_attribute("outerHTML")
        link = self.driver.find_element("xpath", "//a[starts-with(@href, 'otpauth://')]").get_attribute("href")
        data = decode(svg).decode("utf-8")
        assert data == link, f"QR code says {data!r}, the link is {link!r}"
        self.screenshot("two-factor-qr.png")
        return data.split("?")[0]


def main() -> int:
    binary = ".build/debug/ketaclinic"
    for index, argument in enumerate(sys.argv):
        if argument == "--binary" and index + 1 < len(sys.argv):
            binary = sys.argv[index + 1]
        elif argument.startswith("--binary="):
            binary = argument.split("=", 1)[1]
    QRFlow.binary = os.path.abspath(binary)
    return run_flow("qr", QRFlow, [
        Check("every version 1-10 decodes to its exact text (zbar)", QRFlow.every_version),
        Check("the two-factor set-up page's QR code decodes to its otpauth link", QRFlow.two_factor_page),
    ], demo_patients=2, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
