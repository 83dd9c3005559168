"""Extracts the small labelled image sets the quality tests use from installed packages into a folder, with one
sub-folder per class, so nothing is downloaded at test time beyond package installs:

  DIR/textiles/{nominal,local,global}/textile_NNNN.jpg   PyPI conformal-clip-data 0.1.4 (MIT): the first
                                                         --textiles-per-class (40) files of each class by name,
                                                         copied byte for byte (250x250 RGB JPEGs)
  DIR/fashion-mnist/<k>_<class>/t10k_NNNNN.png           Debian dataset-fashion-mnist (MIT): the first
                                                         --fashion-per-class (30) test-set images of each class in
                                                         file order, as 28x28 grey PNGs (lossless)
  DIR/samples/*.png|jpg                                  scikit-image's colour sample photos (BSD-3), unlabelled
  DIR/manifest.json                                      every file with its sha256, class and source

Fashion-MNIST is optional: without the Debian package (apt-get install dataset-fashion-mnist, 31 MB download,
30 MB installed, a few seconds) that set is left out with a warning, or the script fails with --require-fashion.
Idempotent: when DIR/manifest.json already describes the same selection and every file matches, nothing is
written; otherwise the folder is built in a temporary sibling and renamed into place.

  python prepare_datasets.py --out DIR [--textiles-per-class 40] [--fashion-per-class 30] [--require-fashion]
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

import preprocess

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_CLASSES = ["tshirt_top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
                   "ankle_boot"]
TEXTILE_CLASSES = ["nominal", "local", "global"]
LAYOUT_VERSION = 1


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def plan(textiles_per_class: int, fashion_per_class: int, require_fashion: bool) -> list[dict]:
    """The files to write: relative path, bytes, class, source."""
    items = []
    import conformal_clip_data as ccd
    for cls in TEXTILE_CLASSES:
        src = Path(ccd.textile_simulated_root()) / cls
        for p in sorted(src.glob("*.jpg"))[:textiles_per_class]:
            items.append(dict(path=f"textiles/{cls}/{p.name}", data=p.read_bytes(), cls=cls,
                              source=f"conformal-clip-data==0.1.4:textile_images/simulated/{cls}/{p.name}"))
    images, labels = FASHION_DIR / "t10k-images-idx3-ubyte.gz", FASHION_DIR / "t10k-labels-idx1-ubyte.gz"
    if images.is_file() and labels.is_file():
        x, y = _idx(images), _idx(labels)
        for k, name in enumerate(FASHION_CLASSES):
            for i in np.flatnonzero(y == k)[:fashion_per_class]:
                buf = io.BytesIO()
                Image.fromarray(x[i]).save(buf, format="PNG", optimize=False)
                items.append(dict(path=f"fashion-mnist/{k}_{name}/t10k_{i:05d}.png", data=buf.getvalue(),
                                  cls=f"{k}_{name}", source=f"debian:dataset-fashion-mnist:t10k[{i}]"))
    elif require_fashion:
        raise SystemExit(f"{images} not found: apt-get install dataset-fashion-mnist (Debian), or drop "
                         f"--require-fashion")
    else:
        print(f"warning: {images} not found (Debian package dataset-fashion-mnist); Fashion-MNIST left out",
              file=sys.stderr)
    for p in preprocess.sample_photo_paths():
        items.append(dict(path=f"samples/{p.name}", data=p.read_bytes(), cls=None,
                          source=f"scikit-image:skimage/data/{p.name}"))
    return items


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--textiles-per-class", type=int, default=40)
    ap.add_argument("--fashion-per-class", type=int, default=30)
    ap.add_argument("--require-fashion", action="store_true")
    args = ap.parse_args(argv)
    items = plan(args.textiles_per_class, args.fashion_per_class, args.require_fashion)
    manifest = {"layout_version": LAYOUT_VERSION,
                "files": [dict(path=i["path"], sha256=_sha(i["data"]), cls=i["cls"], source=i["source"])
                          for i in items]}
    out = args.out
    try:
        old = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = None
    if old == manifest and all((out / f["path"]).is_file() and _sha((out / f["path"]).read_bytes()) == f["sha256"]
                               for f in manifest["files"]):
        print(f"{out}: up to date ({len(items)} files); nothing to do")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="." + out.name + ".tmp-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    try:
        for i in items:
            target = tmp / i["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(i["data"])
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        if out.exists():
            trash = Path(tempfile.mkdtemp(prefix="." + out.name + ".old-", dir=out.parent))
            os.rename(out, trash / "dir")
            os.rename(tmp, out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    counts = {}
    for i in items:
        counts[i["path"].split("/")[0]] = counts.get(i["path"].split("/")[0], 0) + 1
    print(f"{out}: wrote {len(items)} files ({', '.join(f'{k} {v}' for k, v in counts.items())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
