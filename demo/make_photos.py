#!/usr/bin/env python3
"""Generates the demo beat's photos (demo/photos/), with the standard
library only: twelve invented scenes of the Miral River dispute (a dam, a
valley, a flooded road, delta fields, a lake, a dry river bed, a city, a
conference centre, a satellite view, a palace, a canal, a harbour), drawn
as gradients and shapes with a little grain, and written as baseline JPEG
(a small encoder below) plus one PNG (the satellite view). Each scene also
gets a 300x200 thumbnail (thumb-NAME). Deterministic: the same bytes on
every run, so regenerating changes nothing in git.

    python3 demo/make_photos.py [SCENE...]   # then: python3 demo/make_feeds.py

Every place here is invented, like the outlets of demo/make_feeds.py.
"""
import math
import os
import random
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "photos")
W, H = 720, 480          # lead photos, 3:2 like the site's thumbnails
TW, TH = 300, 200        # thumbnails

# ------------------------------------------------------------ JPEG encoder
# Baseline DCT, 4:2:0, the Annex K tables: what every decoder reads.

ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26,
          33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57,
          50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31,
          39, 46, 53, 60, 61, 54, 47, 55, 62, 63]
Q_LUM = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13,
         16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56,
         68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87,
         103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
Q_CHR = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26,
         56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99] + [99] * 32
DC_LUM = ([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], list(range(12)))
DC_CHR = ([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], list(range(12)))
AC_LUM = ([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d], bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282"
    "090a161718191a25262728292a3435363738393a434445464748494a535455565758595a63"
    "6465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6"
    "a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6"
    "e7e8e9eaf1f2f3f4f5f6f7f8f9fa"))
AC_CHR = ([0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77], bytes.fromhex(
    "00010203110405213106124151076171132232810814429 1a1b1c109233352f0156272d1"
    "0a162434e125f11718191a262728292a35363738393a434445464748494a53545556575859"
    "5a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3"
    "a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4"
    "e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa".replace(" ", "")))

COS = [[(math.sqrt(0.5) if u == 0 else 1.0) * 0.5 *
        math.cos((2 * x + 1) * u * math.pi / 16) for x in range(8)]
       for u in range(8)]


def huff_codes(spec):
    bits, vals = spec
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


class Bits:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, code, length):
        self.acc = (self.acc << length) | code
        self.n += length
        while self.n >= 8:
            self.n -= 8
            b = (self.acc >> self.n) & 0xFF
            self.out.append(b)
            if b == 0xFF:
                self.out.append(0)
        self.acc &= (1 << self.n) - 1

    def flush(self):
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)


def qtable(base, quality):
    s = 5000 / quality if quality < 50 else 200 - 2 * quality
    return [min(255, max(1, (q * s + 50) // 100)) for q in base]


def fdct(block):
    tmp = [[sum(COS[u][x] * block[y * 8 + x] for x in range(8)) for u in range(8)]
           for y in range(8)]
    return [sum(COS[v][y] * tmp[y][u] for y in range(8))
            for v in range(8) for u in range(8)]


def magnitude(v):
    n = abs(v).bit_length()
    return n, (v if v >= 0 else v + (1 << n) - 1)


def encode_block(bits, block, q, prev_dc, dc_codes, ac_codes):
    coef = fdct(block)
    z = [int(round(coef[ZIGZAG[i]] / q[ZIGZAG[i]])) for i in range(64)]
    diff = z[0] - prev_dc
    n, v = magnitude(diff)
    bits.put(*dc_codes[n])
    if n:
        bits.put(v, n)
    run = 0
    for i in range(1, 64):
        if z[i] == 0:
            run += 1
            continue
        while run > 15:
            bits.put(*ac_codes[0xF0])
            run -= 16
        n, v = magnitude(z[i])
        bits.put(*ac_codes[(run << 4) | n])
        bits.put(v, n)
        run = 0
    if run:
        bits.put(*ac_codes[0x00])
    return z[0]


def jpeg(w, h, rgb, quality=80):
    """rgb: bytes, 3 per pixel, rows top down."""
    ql, qc = qtable(Q_LUM, quality), qtable(Q_CHR, quality)
    pw, ph = (w + 15) // 16 * 16, (h + 15) // 16 * 16
    Y = [0.0] * (pw * ph)
    Cb = [0.0] * (pw * ph)
    Cr = [0.0] * (pw * ph)
    for y in range(ph):
        sy = min(y, h - 1)
        for x in range(pw):
            i = (sy * w + min(x, w - 1)) * 3
            r, g, b = rgb[i], rgb[i + 1], rgb[i + 2]
            j = y * pw + x
            Y[j] = 0.299 * r + 0.587 * g + 0.114 * b - 128
            Cb[j] = -0.168736 * r - 0.331264 * g + 0.5 * b
            Cr[j] = 0.5 * r - 0.418688 * g - 0.081312 * b
    dcl, acl = huff_codes(DC_LUM), huff_codes(AC_LUM)
    dcc, acc = huff_codes(DC_CHR), huff_codes(AC_CHR)
    bits = Bits()
    py = pcb = pcr = 0
    for my in range(0, ph, 16):
        for mx in range(0, pw, 16):
            for by, bx in ((0, 0), (0, 8), (8, 0), (8, 8)):
                blk = [Y[(my + by + r) * pw + mx + bx + c]
                       for r in range(8) for c in range(8)]
                py = encode_block(bits, blk, ql, py, dcl, acl)
            for plane, which in ((Cb, 0), (Cr, 1)):
                blk = []
                for r in range(8):
                    for c in range(8):
                        j = (my + 2 * r) * pw + mx + 2 * c
                        blk.append((plane[j] + plane[j + 1] + plane[j + pw] +
                                    plane[j + pw + 1]) / 4)
                if which == 0:
                    pcb = encode_block(bits, blk, qc, pcb, dcc, acc)
                else:
                    pcr = encode_block(bits, blk, qc, pcr, dcc, acc)
    bits.flush()

    def seg(marker, data):
        return struct.pack(">HH", marker, len(data) + 2) + data

    out = bytearray(b"\xff\xd8")
    out += seg(0xFFE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    out += seg(0xFFDB, bytes([0]) + bytes(ql[ZIGZAG[i]] for i in range(64)) +
               bytes([1]) + bytes(qc[ZIGZAG[i]] for i in range(64)))
    out += seg(0xFFC0, struct.pack(">BHHB", 8, h, w, 3) +
               bytes([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]))
    for cls, spec in ((0x00, DC_LUM), (0x10, AC_LUM), (0x01, DC_CHR),
                      (0x11, AC_CHR)):
        out += seg(0xFFC4, bytes([cls]) + bytes(spec[0]) + bytes(spec[1]))
    out += seg(0xFFDA, bytes([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]))
    out += bits.out + b"\xff\xd9"
    return bytes(out)


def png(w, h, rgb):
    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d +
                struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF))
    raw = bytearray()
    stride = w * 3
    prev = bytes(stride)
    for y in range(h):
        row = rgb[y * stride:(y + 1) * stride]
        # filter 2 (up): smooth vertical gradients compress well
        raw.append(2)
        raw += bytes((row[i] - prev[i]) & 0xFF for i in range(stride))
        prev = row
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))

# ------------------------------------------------------------ drawing


def mix(a, b, t):
    t = 0.0 if t < 0 else 1.0 if t > 1 else t
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t,
            a[2] + (b[2] - a[2]) * t)


def ridge(x, seed, base, amp, freq=1.0):
    """A hill line: height (0..1 from the top) at x (0..1)."""
    return base - amp * (0.5 * math.sin(x * 6.1 * freq + seed) +
                         0.3 * math.sin(x * 13.7 * freq + seed * 2.3) +
                         0.2 * math.sin(x * 29.3 * freq + seed * 4.1))


def sky(y, top, bottom):
    return mix(top, bottom, y ** 0.8)


class Canvas:
    def __init__(self, w, h, seed):
        self.w, self.h = w, h
        self.px = [[(0.0, 0.0, 0.0)] * w for _ in range(h)]
        self.rnd = random.Random(seed)

    def fill(self, fn):
        for j in range(self.h):
            y = j / self.h
            row = self.px[j]
            for i in range(self.w):
                row[i] = fn(i / self.w, y)

    def paint(self, fn):
        """fn(x, y, old) -> new colour or None (unchanged)."""
        for j in range(self.h):
            y = j / self.h
            row = self.px[j]
            for i in range(self.w):
                c = fn(i / self.w, y, row[i])
                if c is not None:
                    row[i] = c

    def rect(self, x0, y0, x1, y1, col):
        for j in range(max(0, int(y0 * self.h)), min(self.h, int(y1 * self.h))):
            for i in range(max(0, int(x0 * self.w)), min(self.w, int(x1 * self.w))):
                self.px[j][i] = col

    def disc(self, cx, cy, r, col, soft=0.0):
        aspect = self.w / self.h
        for j in range(max(0, int((cy - r * aspect - soft) * self.h)),
                       min(self.h, int((cy + r * aspect + soft) * self.h) + 1)):
            for i in range(max(0, int((cx - r - soft) * self.w)),
                           min(self.w, int((cx + r + soft) * self.w) + 1)):
                d = math.hypot(i / self.w - cx, (j / self.h - cy) / aspect)
                if d < r:
                    self.px[j][i] = col
                elif soft and d < r + soft:
                    self.px[j][i] = mix(col, self.px[j][i], (d - r) / soft)

    def rgb(self, grain=5.0):
        out = bytearray()
        g = self.rnd
        for row in self.px:
            for c in row:
                n = g.gauss(0, grain)
                out += bytes(max(0, min(255, int(v + n))) for v in c)
        return bytes(out)


def water(x, y, horizon, base, light, seed=0.0):
    """Water below the horizon: darker near, ripples, a sheen."""
    t = (y - horizon) / max(0.01, 1 - horizon)
    c = mix(light, base, t ** 0.6)
    rip = math.sin(y * 240 / (0.2 + t) + math.sin(x * 30 + seed) * 2)
    return mix(c, light, 0.08 * (rip > 0.7))


# ------------------------------------------------------------ scenes


def scene_dam(c):
    c.fill(lambda x, y: sky(y, (88, 140, 200), (200, 220, 235)))
    # reservoir behind, valley walls
    c.paint(lambda x, y, o: water(x, y, 0.42, (40, 90, 120), (150, 185, 205))
            if y > 0.42 else None)
    c.paint(lambda x, y, o: mix((70, 98, 60), (40, 60, 38), y)
            if y > ridge(x, 1.0, 0.45, 0.12) and (x < 0.28 or x > 0.72) else None)
    c.paint(lambda x, y, o: mix((110, 125, 95), (80, 95, 70), y)
            if y > ridge(x, 3.0, 0.36, 0.06, 0.5) and y < 0.45 else None)
    # the dam: a concrete wall across the valley, with a spillway
    c.paint(lambda x, y, o: mix((196, 192, 182), (150, 146, 138), (y - 0.5) * 3)
            if 0.5 < y < 0.78 and 0.2 + (y - 0.5) * 0.15 < x < 0.8 - (y - 0.5) * 0.15
            else None)
    c.rect(0.2, 0.49, 0.8, 0.51, (120, 118, 112))
    for k in range(6):
        c.rect(0.26 + k * 0.09, 0.51, 0.29 + k * 0.09, 0.56, (90, 90, 88))
    c.paint(lambda x, y, o: mix((245, 248, 250), (170, 205, 215),
                                abs(math.sin(y * 90 + x * 40)) * 0.6)
            if 0.44 < x < 0.56 and 0.51 < y < 0.8 else None)
    c.paint(lambda x, y, o: water(x, y, 0.78, (50, 80, 70), (200, 220, 220), 2)
            if y > 0.78 and 0.25 < x < 0.75 else None)
    c.paint(lambda x, y, o: mix((85, 100, 60), (50, 62, 40), y)
            if y > 0.78 and (x < 0.25 + (y - 0.78) * -0.3 or x > 0.75 + (y - 0.78) * 0.3)
            else None)


def scene_valley(c):
    c.fill(lambda x, y: sky(y, (70, 130, 200), (215, 230, 240)))
    for cx, cy, r in ((0.2, 0.15, 0.06), (0.28, 0.13, 0.05), (0.7, 0.2, 0.07),
                      (0.78, 0.18, 0.05)):
        c.disc(cx, cy, r, (245, 246, 248), 0.02)
    c.paint(lambda x, y, o: mix((120, 140, 150), (100, 120, 120), y)
            if y > ridge(x, 0.5, 0.4, 0.1) else None)
    c.paint(lambda x, y, o: mix((90, 130, 70), (50, 90, 40), y)
            if y > ridge(x, 2.0, 0.55, 0.08, 1.3) else None)

    def river(x, y, o):
        if y < 0.55:
            return None
        t = (y - 0.55) / 0.45
        centre = 0.5 + 0.18 * math.sin(t * 5.0)
        half = 0.01 + 0.12 * t * t
        if abs(x - centre) < half:
            return water(x, y, 0.55, (45, 95, 130), (160, 200, 220), 1)
        return None
    c.paint(river)


def scene_flood(c):
    c.fill(lambda x, y: sky(y, (120, 125, 130), (190, 190, 185)))
    c.paint(lambda x, y, o: mix((90, 100, 90), (70, 80, 70), y)
            if y > ridge(x, 4.0, 0.42, 0.04, 2) else None)
    c.paint(lambda x, y, o: water(x, y, 0.48, (105, 95, 70), (170, 165, 150), 3)
            if y > 0.48 else None)
    # the road going under, and its posts
    c.paint(lambda x, y, o: mix(o, (80, 80, 80), 0.35)
            if y > 0.5 and abs(x - 0.5) < (y - 0.5) * 0.5 + 0.01 else None)
    for k in range(7):
        t = k / 7
        y0 = 0.5 + t * t * 0.5
        for side in (-1, 1):
            x = 0.5 + side * ((y0 - 0.5) * 0.55 + 0.02)
            c.rect(x - 0.002 - t * 0.006, y0 - 0.03 - t * 0.1, x + 0.002 + t * 0.006,
                   y0, (235, 235, 230))
    for tx in (0.1, 0.17, 0.83, 0.9):
        c.disc(tx, 0.44, 0.04, (45, 65, 45), 0.01)


def scene_delta(c):
    c.fill(lambda x, y: sky(y, (240, 170, 100), (250, 225, 170)))
    c.disc(0.7, 0.42, 0.05, (255, 240, 200), 0.03)

    def fields(x, y, o):
        if y < 0.45:
            return None
        t = (y - 0.45) / 0.55
        u = (x - 0.5) / (0.1 + t) + 0.5
        band = int(u * 9) % 3
        base = [(170, 160, 70), (110, 140, 60), (150, 120, 70)][band]
        c2 = mix(base, (60, 70, 40), 0.4 * (1 - t))
        if abs(y - 0.6 - 0.02 * math.sin(x * 8)) < 0.004 + 0.01 * t:
            return (200, 170, 120)
        return mix(c2, (0, 0, 0), 0.15 * (math.sin(u * 150) > 0.6))
    c.paint(fields)
    c.paint(lambda x, y, o: water(x, y, 0.45, (120, 110, 110), (240, 200, 150), 4)
            if y > 0.45 and abs(x - 0.3 - (y - 0.45) * 0.8) < 0.01 + (y - 0.45) * 0.08
            else None)


def scene_lake(c):
    c.fill(lambda x, y: sky(y, (60, 120, 200), (190, 215, 235)))
    c.paint(lambda x, y, o: mix((110, 120, 110), (90, 100, 90), y)
            if y > ridge(x, 5.0, 0.47, 0.05, 0.7) else None)
    c.paint(lambda x, y, o: water(x, y, 0.5, (30, 80, 120), (140, 180, 210), 5)
            if y > 0.5 else None)
    for bx, by, s in ((0.25, 0.66, 0.06), (0.55, 0.74, 0.09), (0.8, 0.6, 0.04)):
        c.paint(lambda x, y, o, bx=bx, by=by, s=s:
                (150, 60, 40) if by - s * 0.25 < y < by and
                abs(x - bx) < s * (1 - (by - y) / s * 0.8) else None)
        c.rect(bx - 0.002, by - s * 1.2, bx + 0.002, by - s * 0.25, (60, 50, 40))
    c.paint(lambda x, y, o: mix((200, 180, 130), (160, 140, 100), (y - 0.9) * 10)
            if y > 0.9 + 0.02 * math.sin(x * 9) else None)


def scene_drought(c):
    c.fill(lambda x, y: sky(y, (170, 180, 190), (230, 215, 190)))
    c.paint(lambda x, y, o: mix((150, 140, 120), (130, 120, 100), y)
            if y > ridge(x, 6.0, 0.4, 0.04) else None)

    def mud(x, y, o):
        if y < 0.45:
            return None
        t = (y - 0.45) / 0.55
        if abs(x - 0.65 + t * 0.2) < 0.02 + 0.05 * t:
            return water(x, y, 0.45, (90, 100, 90), (170, 170, 150), 6)
        u, v = x * (8 + 20 * (1 - t)), y * 60 / (0.3 + t)
        crack = min(abs(math.sin(u * 3.1 + math.sin(v))), abs(math.sin(v * 0.9 + math.sin(u * 2))))
        base = mix((170, 140, 100), (140, 110, 80), t)
        return mix(base, (70, 55, 40), 0.7) if crack < 0.05 + 0.02 * t else base
    c.paint(mud)


def scene_city(c):
    c.fill(lambda x, y: sky(y, (40, 50, 110), (240, 150, 110)))
    rnd = random.Random(7)
    x = 0.0
    while x < 1:
        w = rnd.uniform(0.03, 0.08)
        top = rnd.uniform(0.3, 0.5)
        shade = rnd.uniform(30, 60)
        c.rect(x, top, x + w, 0.62, (shade, shade * 0.9, shade * 1.2))
        for wy in range(int(top * 100) + 2, 60, 3):
            for wx in range(int(x * 100) + 1, int((x + w) * 100) - 1, 2):
                if rnd.random() < 0.35:
                    c.rect(wx / 100, wy / 100, wx / 100 + 0.006, wy / 100 + 0.01,
                           (250, 220, 140))
        x += w + rnd.uniform(0.0, 0.02)
    c.disc(0.42, 0.36, 0.05, (60, 60, 80))
    c.rect(0.36, 0.36, 0.48, 0.62, (60, 60, 80))
    c.rect(0.418, 0.22, 0.422, 0.3, (60, 60, 80))
    c.paint(lambda x, y, o: water(x, y, 0.62, (20, 25, 60), (230, 140, 100), 7)
            if y > 0.62 else None)


def scene_conference(c):
    c.fill(lambda x, y: sky(y, (90, 150, 210), (220, 235, 245)))

    def facade(x, y, o):
        if not (0.12 < x < 0.88 and 0.22 < y < 0.72):
            return None
        gx, gy = (x - 0.12) * 40 % 1, (y - 0.22) * 24 % 1
        if gx < 0.08 or gy < 0.1:
            return (200, 205, 210)
        return mix((110, 150, 190), (170, 200, 225), (x + y) % 0.4 / 0.4)
    c.paint(facade)
    c.rect(0.1, 0.2, 0.9, 0.23, (220, 222, 225))
    for k, col in enumerate(((200, 40, 40), (40, 90, 170), (230, 200, 60),
                             (40, 140, 80), (200, 40, 40))):
        fx = 0.2 + k * 0.15
        c.rect(fx, 0.55, fx + 0.004, 0.8, (90, 90, 90))
        c.paint(lambda x, y, o, fx=fx, col=col:
                col if fx + 0.004 < x < fx + 0.06 and
                0.55 < y < 0.6 + 0.005 * math.sin(x * 80) else None)
    c.paint(lambda x, y, o: mix((190, 185, 175), (150, 145, 135), (y - 0.72) * 3)
            if y > 0.72 else None)


def scene_satellite(c):
    def terrain(x, y):
        h = (math.sin(x * 11 + 1) * math.cos(y * 9) + 0.5 * math.sin(x * 23 + y * 19) +
             0.25 * math.sin(x * 51 - y * 47))
        return mix((140, 150, 100), (180, 160, 120), (h + 1.5) / 3)
    c.fill(terrain)

    def lake(x, y, o):
        d = math.hypot((x - 0.45) * 1.4, y - 0.45) + 0.05 * math.sin(math.atan2(y - 0.45, x - 0.45) * 5)
        if d < 0.22:
            return mix((20, 50, 90), (60, 110, 140), d / 0.22)
        r = abs(x - (0.62 + 0.2 * math.sin(y * 4))) if y > 0.45 else 1
        if r < 0.012:
            return (40, 80, 110)
        return None
    c.paint(lake)
    c.rect(0.56, 0.5, 0.6, 0.52, (220, 220, 220))


def scene_palace(c):
    c.fill(lambda x, y: sky(y, (50, 110, 200), (200, 225, 245)))
    c.rect(0.15, 0.35, 0.85, 0.75, (225, 210, 180))
    c.paint(lambda x, y, o: (215, 195, 165)
            if 0.15 < x < 0.85 and 0.25 < y < 0.35 and
            y > 0.35 - (0.35 - abs(x - 0.5)) * 0.3 else None)
    for k in range(8):
        cx = 0.2 + k * 0.0857
        c.rect(cx, 0.38, cx + 0.025, 0.72, (245, 238, 220))
        c.rect(cx - 0.004, 0.37, cx + 0.029, 0.385, (200, 185, 160))
    c.rect(0.46, 0.55, 0.54, 0.75, (90, 60, 40))
    c.rect(0.495, 0.08, 0.499, 0.27, (80, 80, 80))
    c.paint(lambda x, y, o: ((30, 120, 70) if y < 0.115 else (240, 240, 240) if y < 0.15
                             else (190, 40, 40))
            if 0.499 < x < 0.57 and 0.08 < y < 0.185 + 0.004 * math.sin(x * 90) else None)
    c.paint(lambda x, y, o: mix((200, 195, 185), (160, 155, 145), (y - 0.75) * 4)
            if y > 0.75 else None)


def scene_canal(c):
    c.fill(lambda x, y: sky(y, (120, 170, 220), (240, 230, 210)))

    def land(x, y, o):
        if y < 0.45:
            return None
        t = (y - 0.45) / 0.55
        half = 0.005 + 0.25 * t
        if abs(x - 0.5) < half:
            return water(x, y, 0.45, (60, 110, 110), (170, 200, 200), 8)
        if abs(x - 0.5) < half * 1.25:
            return (190, 180, 160)
        return mix((215, 190, 140), (190, 160, 110), t + 0.1 * math.sin(x * 40))
    c.paint(land)
    c.rect(0.72, 0.45, 0.726, 0.8, (70, 70, 70))
    c.rect(0.71, 0.44, 0.736, 0.47, (230, 200, 40))
    for k in range(5):
        px = 0.05 + k * 0.05
        c.rect(px, 0.43, px + 0.003, 0.47, (120, 110, 90))


def scene_harbour(c):
    c.fill(lambda x, y: sky(y, (60, 70, 130), (250, 190, 130)))
    c.disc(0.25, 0.47, 0.06, (255, 220, 170), 0.04)
    c.paint(lambda x, y, o: water(x, y, 0.5, (30, 40, 80), (240, 170, 120), 9)
            if y > 0.5 else None)
    c.rect(0.0, 0.47, 0.45, 0.52, (60, 55, 60))
    c.rect(0.55, 0.48, 1.0, 0.53, (60, 55, 60))
    for k, cx in enumerate((0.62, 0.75, 0.88)):
        c.rect(cx, 0.25, cx + 0.008, 0.48, (190, 80, 40))
        c.rect(cx - 0.05 + k * 0.01, 0.25, cx + 0.06, 0.265, (190, 80, 40))
    c.rect(0.3, 0.58, 0.42, 0.62, (40, 40, 50))
    c.rect(0.34, 0.54, 0.38, 0.58, (220, 220, 225))
    c.rect(0.08, 0.43, 0.11, 0.47, (230, 230, 230))


SCENES = [
    ("dam", scene_dam), ("valley", scene_valley), ("flood", scene_flood),
    ("delta", scene_delta), ("lake", scene_lake), ("drought", scene_drought),
    ("city", scene_city), ("conference", scene_conference),
    ("satellite", scene_satellite), ("palace", scene_palace),
    ("canal", scene_canal), ("harbour", scene_harbour),
]


def render(name, fn, w, h):
    c = Canvas(w, h, name)
    fn(c)
    # grain makes a JPEG look like a photo, but would bloat a PNG
    return c.rgb(0 if name == "satellite" else 5.0)


ONLY = sys.argv[1:]   # scene names to redo (default: all)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, fn in SCENES:
        if ONLY and name not in ONLY:
            continue
        for prefix, w, h, q in (("", W, H, 78), ("thumb-", TW, TH, 80)):
            rgb = render(name, fn, w, h)
            if name == "satellite":
                data, ext = png(w, h, rgb), "png"
            else:
                data, ext = jpeg(w, h, rgb, q), "jpg"
            path = os.path.join(OUT, "%s%s.%s" % (prefix, name, ext))
            with open(path, "wb") as f:
                f.write(data)
            print("%-28s %4dx%-4d %6d bytes" % (os.path.basename(path), w, h, len(data)))


if __name__ == "__main__":
    main()
