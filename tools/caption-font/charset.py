"""Prints the code points the shipped caption font keeps, one U+XXXX range per line (pyftsubset --unicodes-file).

Kept: printable ASCII and Latin-1, general punctuation, CJK symbols and punctuation, full- and half-width forms,
and every character of GB2312 (the 6,763 common simplified Chinese characters plus its symbols, Greek, Cyrillic
and kana), which covers every Chinese character of the walkthroughs this SDK grows from.
"""

ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
points = set()
for lo, hi in ranges:
    points.update(range(lo, hi + 1))
for first in range(0xA1, 0xF8):
    for second in range(0xA1, 0xFF):
        try:
            points.add(ord(bytes([first, second]).decode("gb2312")))
        except UnicodeDecodeError:
            pass
for p in sorted(points):
    print(f"U+{p:04X}")
