"""Writes the reference token ids of token_texts.TEXTS, from the reference tokenizers themselves:
open_clip's SimpleTokenizer (context 77, truncation keeping the end token; the same ids as OpenAI clip.tokenize
with truncate=True) and cn_clip.clip.tokenize (context 52).

Usage: python reference_tokens.py <out.json>
"""
import json
import sys

import reference_packages
import token_texts


def main(out):
    clip = reference_packages.open_clip_tokenizer()
    chinese_clip = reference_packages.cn_clip_tokenize()
    rows = [{"text": text,
             "clip": clip([text])[0].tolist(),
             "chinese_clip": chinese_clip([text])[0].tolist()} for text in token_texts.TEXTS]
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"clip_context": 77, "chinese_clip_context": 52, "texts": rows}, f, ensure_ascii=False)
    print(f"wrote {len(rows)} texts to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
