"""Builds the tokenizer.json files of the test models from the vocabularies that the reference packages ship.

CLIP: the BPE merges of open_clip's bpe_simple_vocab_16e6.txt.gz, laid out as Hugging Face's CLIP converter
lays them out (byte-level BPE with the "</w>" word suffix, NFC + whitespace collapse + lowercase, CLIP's split
pattern, <|startoftext|> ... <|endoftext|> added around every text).
Chinese-CLIP: cn_clip's vocab.txt as a BERT WordPiece tokenizer (BERT normaliser: clean text, CJK characters
split, lowercase and accents stripped; [CLS] ... [SEP]; words over 200 characters are [UNK], as cn_clip does).

Usage: python build_tokenizers.py <models-dir>   (writes <models-dir>/clip/tokenizer.json and
<models-dir>/chinese-clip/tokenizer.json)
"""
import sys
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers import AddedToken

import reference_packages

CLIP_SPLIT = r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""


def clip_tokenizer() -> Tokenizer:
    reference = reference_packages.open_clip_tokenizer()
    # open_clip names the two special tokens <start_of_text>/<end_of_text>; OpenAI CLIP and the Hugging Face
    # exports call them <|startoftext|>/<|endoftext|>. Same ids (49406, 49407).
    renamed = {"<start_of_text>": "<|startoftext|>", "<end_of_text>": "<|endoftext|>"}
    vocab = {renamed.get(token, token): index for token, index in reference.encoder.items()}
    merges = sorted(reference.bpe_ranks, key=reference.bpe_ranks.get)
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges, dropout=None, continuing_subword_prefix="",
                                     end_of_word_suffix="</w>", fuse_unk=False, unk_token="<|endoftext|>"))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(CLIP_SPLIT), behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens([
        AddedToken("<|startoftext|>", special=True, normalized=True),
        AddedToken("<|endoftext|>", special=True, normalized=False),
    ])
    sot, eot = vocab["<|startoftext|>"], vocab["<|endoftext|>"]
    tokenizer.post_processor = processors.RobertaProcessing(
        ("<|endoftext|>", eot), ("<|startoftext|>", sot), trim_offsets=False, add_prefix_space=False)
    return tokenizer


def chinese_clip_tokenizer() -> Tokenizer:
    vocab = {}
    with open(reference_packages.cn_clip_vocab_file(), encoding="utf-8") as f:
        for line in f:
            token = line.rstrip("\n")
            if token and token not in vocab:
                vocab[token] = len(vocab)
    tokenizer = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=200))
    tokenizer.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                      strip_accents=None, lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    tokenizer.add_special_tokens([AddedToken(t, special=True) for t in
                                  ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")])
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    return tokenizer


def main(models_dir: Path):
    for name, tokenizer in (("clip", clip_tokenizer()), ("chinese-clip", chinese_clip_tokenizer())):
        out = models_dir / name / "tokenizer.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        tokenizer.save(str(out), pretty=False)
        print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
