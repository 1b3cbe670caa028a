"""Free-text selector extraction throughput on realistic mixed chat/forum/notes text.

Run: PYTHONPATH=src .venv/bin/python bench/intake_extract.py [--mb 8] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time

from wayhome.intake import synthetic
from wayhome.intake.selectors.extract import extract_selectors

_WORDS = [
    "hey",
    "so",
    "i",
    "was",
    "thinking",
    "we",
    "could",
    "meet",
    "after",
    "school",
    "tomorrow",
    "if",
    "your",
    "parents",
    "are",
    "out",
    "dont",
    "tell",
    "anyone",
    "about",
    "this",
    "ok",
    "it",
    "is",
    "our",
    "secret",
    "the",
    "game",
    "was",
    "fun",
    "last",
    "night",
    "lol",
    "send",
    "me",
    "more",
    "when",
    "you",
    "can",
    "i",
    "have",
    "new",
    "stuff",
    "for",
    "you",
    "check",
    "the",
    "link",
    "later",
    "the",
    "officer",
    "noted",
    "that",
    "the",
    "subject",
    "used",
    "several",
    "accounts",
    "across",
    "platforms",
    "and",
    "moved",
    "funds",
    "between",
    "wallets",
    "before",
    "the",
    "account",
    "was",
    "suspended",
    "report",
    "received",
    "from",
    "partner",
    "agency",
    "via",
    "secure",
    "channel",
    "version",
    "2.4.1",
    "at",
    "12:30:45",
    "on",
    "2024-03-02",
    "room",
    "17",
    "floor",
    "3",
]


def _selector_snippet(rng: random.Random) -> str:
    choice = rng.randrange(14)
    if choice == 0:
        return f"mail me {synthetic.handle_name(rng)}@example-mail.org"
    if choice == 1:
        return f"telegram: @{synthetic.handle_name(rng)}"
    if choice == 2:
        return f"https://forum.example.net/thread/{rng.randint(1, 99999)}?page=2"
    if choice == 3:
        return f"ip {synthetic.ipv4_address(rng)}"
    if choice == 4:
        return f"call {synthetic.phone_number(rng, 'GB')}"
    if choice == 5:
        return f"btc {synthetic.btc_p2pkh(rng)}"
    if choice == 6:
        return f"send to {synthetic.eth_address(rng)}"
    if choice == 7:
        return f"xmr {synthetic.xmr_address(rng)}"
    if choice == 8:
        return f"mirror {synthetic.onion_address(rng)}"
    if choice == 9:
        return f"session id: {synthetic.session_id(rng)}"
    if choice == 10:
        return f"t.me/{synthetic.handle_name(rng)}"
    if choice == 11:
        return f"sha256 {synthetic.random_bytes(rng, 32).hex()}"
    if choice == 12:
        return f"v6 {synthetic.ipv6_address(rng)}"
    return f"user: {synthetic.handle_name(rng)}"


def build_corpus(size_bytes: int, seed: int) -> tuple[str, int]:
    """Chat-log-like text of about `size_bytes` with a selector every ~8 lines."""
    rng = random.Random(seed)
    lines: list[str] = []
    planted = 0
    total = 0
    while total < size_bytes:
        words = rng.choices(_WORDS, k=rng.randint(6, 24))
        if rng.random() < 0.12:
            words.insert(rng.randrange(len(words) + 1), _selector_snippet(rng))
            planted += 1
        line = (
            f"[2024-03-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}] "
        )
        line += f"{synthetic.handle_name(rng)}: " + " ".join(words)
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines), planted


def main() -> None:
    """Build the corpus, extract, and print MB/s."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text, planted = build_corpus(int(args.mb * 1_000_000), args.seed)
    size = len(text.encode("utf-8"))
    best_wall = best_cpu = float("inf")
    found = 0
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        found = len(extract_selectors(text, region="GB"))
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"corpus {size / 1e6:.2f} MB, {planted} planted snippets, {found} selectors found")
    print(
        f"best of {args.repeat}: wall {best_wall:.3f} s -> {size / 1e6 / best_wall:.2f} MB/s; "
        f"CPU {best_cpu:.3f} s -> {size / 1e6 / best_cpu:.2f} MB/s (one core)"
    )


if __name__ == "__main__":
    main()
