"""Prints the Lucene and FAISS results side by side: QPS at equal recall@10 (0.90 and 0.95), flat search, build."""
import json
import sys


def load(path):
    """The result lines, each tagged with its round (run.sh with ROUNDS writes {"round": N} before each round)."""
    rows, current = [], None
    for line in open(path):
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if "round" in r and "system" not in r:
            current = r["round"]
            continue
        r["_round"] = current
        rows.append(r)
    return rows


def per_round_ratios(lucene, faiss, kind, target, key, faiss_kind="hnsw"):
    """Each round's QPS ratio at equal recall (Lucene kind / FAISS HNSW, or another Lucene kind as faiss_kind)."""
    rounds = sorted({r["_round"] for r in lucene if r.get("_round")})
    ratios = []
    for rnd in rounds:
        lq, _ = qps_at([r for r in lucene if r["_round"] == rnd and r["kind"] == kind], target, key)
        fq, _ = qps_at([r for r in faiss if r["_round"] == rnd and r["kind"] == faiss_kind], target, key)
        if lq and fq:
            ratios.append(lq / fq)
    return ratios


def summary(ratios):
    if not ratios:
        return "-"
    ratios = sorted(ratios)
    n = len(ratios)
    median = ratios[n // 2] if n % 2 else (ratios[n // 2 - 1] + ratios[n // 2]) / 2
    return f"median {median:.2f}, range {ratios[0]:.2f}-{ratios[-1]:.2f} ({n} rounds)"


def qps_at(points, target, key):
    """QPS at exactly `target` recall, interpolated between the two sweep points around it (None if not reached)."""
    pts = sorted((p["recall"], p[key], p["ef"]) for p in points)
    for (r0, q0, e0), (r1, q1, e1) in zip(pts, pts[1:]):
        if r0 <= target <= r1 and r1 > r0:
            return q0 + (q1 - q0) * (target - r0) / (r1 - r0), f"ef {e0}-{e1}"
    best = [p for p in pts if p[0] >= target]
    return (best[0][1], f"ef {best[0][2]} (recall {best[0][0]:.3f})") if best else (None, "not reached")


def best_rounds(rows):
    """Sweeps repeated in rounds (run.sh with ROUNDS): each side's best round per (kind, ef), by CPU and by wall."""
    best = {}
    for r in rows:
        if "ef" not in r:
            continue
        key = (r["system"], r["kind"], r["ef"])
        if key in best:
            b = best[key]
            b["qps"], b["cpu_qps"] = max(b["qps"], r["qps"]), max(b["cpu_qps"], r["cpu_qps"])
        else:
            best[key] = dict(r)
    return [r for r in rows if "ef" not in r] + list(best.values())


def main():
    raw_lucene, raw_faiss = load(sys.argv[1]), load(sys.argv[2])
    rows = best_rounds(raw_lucene + raw_faiss)
    by = lambda s, k: [r for r in rows if r["system"] == s and r["kind"] == k]
    jvm = [r for r in rows if r["kind"] == "jvm"]
    if jvm:
        print("Lucene side on Java " + jvm[0]["java"])
    print("\n== HNSW sweep: ef: recall@10 / QPS by CPU time / QPS by wall time (single query, 1 thread)")
    kinds = ["hnsw", "hnsw-lucene-leaf", "hnsw-lucene-query"]
    for q in ("sq8", "sq4", "sq2", "sq1", "int8"):
        kinds += [f"hnsw-{q}", f"hnsw-{q}-norefine", f"hnsw-{q}-lucene-leaf"]
    series = [("lucene", k) for k in kinds] + [("faiss", "hnsw")]
    series = [x for x in series if by(*x)]
    for s, k in series:
        print(f"  {s} {k}")
        for r in by(s, k):
            print(f"    ef={r['ef']:<4} {r['recall']:.4f}  {r['cpu_qps']:8.0f}  {r['qps']:8.0f}")
    for key, label in (("cpu_qps", "CPU time of the querying thread"), ("qps", "wall time")):
        print(f"\n== QPS at equal recall@10 ({label})")
        for kind in [k for s, k in series if s == "lucene"]:
            print(f"  {'recall':>6}  {'lucene ' + kind:>16}  {'faiss hnsw':>10}  {'ratio':>6}")
            for target in (0.90, 0.95):
                lq, ln = qps_at(by("lucene", kind), target, key)
                fq, fn = qps_at(by("faiss", "hnsw"), target, key)
                ratio = f"{lq / fq:.2f}" if lq and fq else "-"
                print(f"  {target:6.2f}  {lq or 0:16.0f}  {fq or 0:10.0f}  {ratio:>6}   (lucene {ln}; faiss {fn})")
    if any(r.get("_round") for r in raw_lucene):
        print("\n== Per-round ratios at equal recall@10 (CPU time): Lucene series / FAISS HNSW, and store / bare Lucene")
        for kind in [k for s, k in series if s == "lucene"]:
            for target in (0.90, 0.95):
                print(f"  {kind:>24} @ {target:.2f}: {summary(per_round_ratios(raw_lucene, raw_faiss, kind, target, 'cpu_qps'))}")
        for target in (0.90, 0.95):
            overhead = per_round_ratios(raw_lucene, raw_lucene, "hnsw", target, "cpu_qps", "hnsw-lucene-leaf")
            print(f"  store / Lucene leaf (float) @ {target:.2f}: {summary(overhead)}")
    if not (by("lucene", "flat") and by("faiss", "flat")):
        return  # a sweep-only run (ROUNDS)
    lf, ff = by("lucene", "flat")[0], by("faiss", "flat")[0]
    print("\n== Exact search (single query, 1 thread): QPS by CPU time / wall time")
    print(f"  lucene FLAT {lf['cpu_qps']:.1f} / {lf['qps']:.1f} (recall {lf['recall']:.3f});  faiss IndexFlatL2 "
          f"{ff['cpu_qps']:.1f} / {ff['qps']:.1f} (recall {ff['recall']:.3f});  ratio {lf['cpu_qps'] / ff['cpu_qps']:.2f}"
          f" / {lf['qps'] / ff['qps']:.2f}")
    print("\n== HNSW build (1 thread): CPU / wall seconds, and size on disk")
    for s, k in series:
        if not by(s, k + "-build"):
            continue  # the ceiling series search the float graph's index
        b = by(s, k + "-build")[0]
        print(f"  {s} {k}: {b['cpu_seconds']:.1f} / {b['seconds']:.1f} s, {b['bytes'] / 2**20:.1f} MiB")
    print(f"  flat:   lucene {lf['bytes'] / 2**20:.1f} MiB (build {lf['build_seconds']:.1f} s)   faiss"
          f" {ff['bytes'] / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
