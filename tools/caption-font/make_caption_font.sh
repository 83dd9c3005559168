#!/usr/bin/env bash
# Makes core/src/main/resources/dev/imgsearch/pipeline/render/fonts/DroidSansFallback-GB2312.ttf, the font the
# result grid falls back to for captions no installed font can display (Chinese text on a machine without CJK
# fonts). Source: Debian's fonts-droid-fallback (Droid Sans Fallback, Apache License 2.0), subset to the code
# points charset.py prints, with hinting dropped to keep it small.
#
# Needs: apt-get (Debian package download, no root needed), dpkg-deb, python3. Run from anywhere:
#   tools/caption-font/make_caption_font.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/core/src/main/resources/dev/imgsearch/pipeline/render/fonts"
work="$root/target/caption-font"
version="1:6.0.1r16-1.1"
sha256="d2096d4edde128fedf6749be2dd204a5810210a6201126d99b8d412344f71056"

rm -rf "$work" && mkdir -p "$work" "$out"
cd "$work"
apt-get download "fonts-droid-fallback=$version"
deb="$(ls fonts-droid-fallback_*.deb)"
echo "$sha256  $deb" | sha256sum -c -
dpkg-deb -x "$deb" extracted

python3 -m venv venv
venv/bin/pip install -q -r "$here/requirements.txt"
python3 "$here/charset.py" > unicodes.txt
venv/bin/pyftsubset extracted/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf \
  --unicodes-file=unicodes.txt --no-hinting --desubroutinize --layout-features='' \
  --name-IDs='*' --name-languages='*' --drop-tables+=DSIG \
  --output-file="$out/DroidSansFallback-GB2312.ttf"
cp extracted/usr/share/doc/fonts-droid-fallback/copyright "$out/DroidSansFallback-LICENSE.txt"
ls -l "$out"
