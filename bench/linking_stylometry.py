"""Stylometry: top-1 and top-5 author identification with character-trigram profiles.

Run: PYTHONPATH=src .venv/bin/python bench/linking_stylometry.py [authors] [seed]

Corpus (offline, generated here): words come from the docstrings of Python's standard library
(real English text, present on every machine); each synthetic author gets a personal word
preference, sentence length, punctuation, casing, emoticon and filler habits, and a typo rate.
Each author writes 20 known posts and 5 query posts (25-40 words each); for every author, the
query posts are ranked against all authors' known profiles. A generated corpus is easier than
real forum writing, so these figures are an upper bound: stylometry stays weak evidence alone.
"""

from __future__ import annotations

import importlib
import json
import random
import re
import sys
import time

from wayhome.linking.persona import rank_by_style, style_profile

_MODULES = [
    "argparse", "asyncio", "collections", "csv", "datetime", "decimal", "email", "functools",
    "http.client", "inspect", "json", "logging", "pathlib", "pickle", "random", "shutil",
    "socket", "statistics", "string", "subprocess", "tarfile", "textwrap", "threading",
    "unittest", "urllib.request", "uuid", "zipfile",
]  # fmt: skip
_FILLERS = ["lol", "imho", "btw", "kinda", "tbh", "ну", "короче", "omg", "like", "basically",
            "honestly", "anyway", "xd", "ok so", "fwiw"]  # fmt: skip
_ENDINGS = [".", "!", "...", "!!", ")", " :)", "?!", ""]


def word_pool() -> list[str]:
    """Words from standard-library docstrings, in order of appearance."""
    words: list[str] = []
    for name in _MODULES:
        module = importlib.import_module(name)
        texts = [module.__doc__, *(getattr(module, attr).__doc__ for attr in dir(module)[:80])]
        for text in texts:
            if isinstance(text, str):
                words += re.findall(r"[a-z]{2,12}", text.lower())
    return words


def make_author(rng: random.Random, vocabulary: list[str]) -> dict[str, object]:
    """One author's habits."""
    favourite = rng.sample(vocabulary, 120)
    return {
        "favourite": favourite,
        "favourite_rate": rng.uniform(0.15, 0.45),
        "length": rng.randint(6, 16),
        "ending": rng.choices(_ENDINGS, k=2),
        "lower": rng.random() < 0.5,
        "fillers": rng.sample(_FILLERS, 2),
        "filler_rate": rng.uniform(0.0, 0.12),
        "typo_rate": rng.uniform(0.0, 0.05),
        "comma_rate": rng.uniform(0.0, 0.2),
    }


def write_post(rng: random.Random, author: dict[str, object], vocabulary: list[str]) -> str:
    """One post of 25-40 words in the author's style."""
    words: list[str] = []
    target = rng.randint(25, 40)
    sentences = []
    while len(words) < target:
        sentence = []
        for _ in range(max(3, int(rng.gauss(author["length"], 3)))):  # type: ignore[arg-type]
            if rng.random() < author["filler_rate"]:  # type: ignore[operator]
                sentence.append(rng.choice(author["fillers"]))  # type: ignore[arg-type]
            pool = author["favourite"] if rng.random() < author["favourite_rate"] else vocabulary  # type: ignore[operator]
            word = rng.choice(pool)  # type: ignore[arg-type]
            if rng.random() < author["typo_rate"] and len(word) > 3:  # type: ignore[operator]
                i = rng.randrange(1, len(word) - 1)
                word = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
            if rng.random() < author["comma_rate"]:  # type: ignore[operator]
                word += ","
            sentence.append(word)
        text = " ".join(sentence)
        if not author["lower"]:
            text = text[:1].upper() + text[1:]
        sentences.append(text + rng.choice(author["ending"]))  # type: ignore[arg-type]
        words += sentence
    return " ".join(sentences)


def main() -> None:
    """Generate the corpus, rank, and print top-1/top-5 accuracy."""
    authors_n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = random.Random(seed)
    vocabulary = word_pool()
    authors = [make_author(rng, vocabulary) for _ in range(authors_n)]
    known = {
        f"a{i}": style_profile([write_post(rng, a, vocabulary) for _ in range(20)])
        for i, a in enumerate(authors)
    }
    queries = {
        f"a{i}": style_profile([write_post(rng, a, vocabulary) for _ in range(5)])
        for i, a in enumerate(authors)
    }
    started = time.perf_counter()
    top1 = top5 = 0
    for name, query in queries.items():
        ranked = [candidate for candidate, _ in rank_by_style(query, known)]
        top1 += ranked[0] == name
        top5 += name in ranked[:5]
    print(
        json.dumps(
            {
                "corpus": "generated from Python stdlib docstrings (see module docstring)",
                "vocabulary_words": len(vocabulary),
                "authors": authors_n,
                "known_posts_per_author": 20,
                "query_posts_per_author": 5,
                "top1_accuracy": round(top1 / authors_n, 4),
                "top5_accuracy": round(top5 / authors_n, 4),
                "ranking_seconds": round(time.perf_counter() - started, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
