"""Synthetic question banks of realistic size, the same bytes for the same (size, seed) on every machine.

Section lengths follow issue 7 (short ~40 words, deep dive ~180 with a list, example ~60, mistakes ~60 as a
list, in production ~70), so page counts and layout work scale like a real bank's. Text is English-like words
plus a few `inline code` spans and the characters —, ² and → that only the fallback font covers, so font
selection and subsetting are exercised the way real content exercises them.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOPICS: tuple[tuple[str, str], ...] = (
    ("deep-learning", "Deep Learning Fundamentals"),
    ("ml-production", "Machine Learning in Production"),
    ("statistics", "Statistics and Experimentation"),
    ("data-engineering", "Data Engineering"),
    ("distributed-systems", "Distributed Systems"),
    ("databases", "Databases and Storage"),
    ("algorithms", "Algorithms and Data Structures"),
    ("system-design", "System Design"),
    ("security", "Security Engineering"),
    ("leadership", "Engineering Leadership"),
)

TAGS: tuple[str, ...] = (
    "training", "inference", "latency", "throughput", "caching", "indexing", "consistency", "replication",
    "partitioning", "monitoring", "alerting", "testing", "debugging", "profiling", "memory", "concurrency",
    "networking", "storage", "queues", "streaming", "batch", "feature-store", "drift", "evaluation",
    "regularisation", "optimisation", "architecture", "backpropagation", "attention", "embeddings",
    "sampling", "hypothesis-testing", "privacy", "authentication", "encryption", "incident-response",
    "code-review", "hiring", "planning", "cost",
)

ADJECTIVES: tuple[str, ...] = (
    "stale", "sparse", "dense", "noisy", "skewed", "hot", "cold", "eventual", "strong", "partial", "lossy",
    "greedy", "lazy", "eager", "shared", "global", "local", "remote", "batched", "streaming", "cached",
    "sharded", "replicated", "quantised", "distilled", "nested", "sorted", "unbounded", "idempotent",
    "atomic", "durable", "adaptive", "weighted", "stratified", "calibrated", "online", "offline", "implicit",
)

NOUNS: tuple[str, ...] = (
    "gradient", "optimiser", "embedding", "index", "cache", "replica", "leader", "follower", "partition",
    "queue", "consumer", "producer", "schema", "migration", "snapshot", "checkpoint", "tokeniser", "feature",
    "label", "sample", "batch", "shard", "lock", "transaction", "query", "planner", "histogram", "estimator",
    "baseline", "rollout", "canary", "deadline", "timeout", "retry", "backoff", "quorum", "heartbeat",
    "pipeline", "scheduler", "allocator", "buffer", "compaction", "tombstone", "bloom filter", "heap",
    "trie", "graph", "hash table", "model", "metric", "threshold", "dashboard", "budget", "team", "review",
)

VERBS: tuple[str, ...] = (
    "reduces", "increases", "hides", "exposes", "bounds", "amortises", "delays", "reorders", "duplicates",
    "drops", "retries", "caches", "compacts", "rebalances", "invalidates", "serialises", "samples",
    "normalises", "overfits", "underfits", "saturates", "stalls", "throttles", "validates", "replaces",
)

FILLER: tuple[str, ...] = (
    "the", "a", "each", "every", "most", "some", "under", "after", "before", "while", "because", "when",
    "so", "and", "but", "with", "without", "across", "per", "through", "until", "unless", "only", "often",
    "usually", "rarely", "then", "which", "that", "its", "their", "one", "two", "many", "few", "more", "less",
)

CODE_SPANS: tuple[str, ...] = (
    "batch_size", "max_depth", "fit()", "torch.no_grad()", "SELECT ... FOR UPDATE", "fsync()", "retry_after",
    "EXPLAIN ANALYZE", "lr=3e-4", "git bisect", "kubectl rollout undo", "p99", "O(n log n)", "asyncio.gather",
)

QUESTION_SHAPES: tuple[str, ...] = (
    "How does a {a} {n} affect the {n2} under load?",
    "What is the difference between a {a} {n} and a {a2} {n2}?",
    "Why would you choose a {a} {n} over a {a2} {n2}?",
    "When does a {a} {n} fail, and how would you detect it?",
    "How would you debug a {a} {n} that slows down the {n2}?",
    "What trade-offs come with a {a} {n} in front of the {n2}?",
    "How do you test a {a} {n} before it reaches the {n2}?",
)

DIFFICULTIES = ("easy", "medium", "hard")
EDIT_SENTENCE = " This sentence was appended by the benchmark to time a rebuild after one edit."


@dataclass(frozen=True)
class SyntheticBank:
    content: Path
    records: tuple[Path, ...]  # in reading order: topic by topic, file name order within a topic


class _Writer:
    """Draws words, sentences and sections from one seeded generator, so a bank is a pure function of the seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self, words: int) -> str:
        parts: list[str] = []
        count = 0  # words, not parts: a code span or "bloom filter" is several
        while count < words:
            roll = self.rng.random()
            # About one code span per hundred words, like prose that names the odd function or setting.
            if roll < 0.008:
                part = f"`{self.rng.choice(CODE_SPANS)}`"
            elif roll < 0.023:
                part = "—"
            elif roll < 0.028:
                part = f"n² {self.rng.choice(NOUNS)}"
            elif roll < 0.033:
                part = f"{self.rng.choice(NOUNS)} → {self.rng.choice(NOUNS)}"
            else:
                part = self.rng.choice(self.rng.choice((ADJECTIVES, NOUNS, NOUNS, VERBS, FILLER, FILLER, FILLER)))
            parts.append(part)
            count += len(part.split())
        text = " ".join(parts)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, words: int) -> str:
        """Sentences of 8-18 words until about `words` words, so line breaks fall at varied places."""
        sentences: list[str] = []
        target = round(words * self.rng.uniform(0.85, 1.15))
        written = 0
        while written < target:
            length = min(self.rng.randint(8, 18), max(target - written, 4))
            sentences.append(self.sentence(length))
            written += length
        return " ".join(sentences)

    def bullets(self, items: int, words: int) -> str:
        return "\n".join(f"- {self.paragraph(words // items)}" for _ in range(items))

    def answer(self) -> dict[str, str]:
        return {
            "short": self.paragraph(40),
            "deep_dive": f"{self.paragraph(100)}\n\n{self.bullets(4, 80)}",
            "example": self.paragraph(60),
            "mistakes": self.bullets(self.rng.randint(3, 4), 60),
            "in_production": self.paragraph(70),
        }

    def question(self) -> str:
        shape = self.rng.choice(QUESTION_SHAPES)
        return shape.format(a=self.rng.choice(ADJECTIVES), a2=self.rng.choice(ADJECTIVES),
                            n=self.rng.choice(NOUNS), n2=self.rng.choice(NOUNS))

    @staticmethod
    def unique(draw: Callable[[], str], seen: set[str], key: Callable[[str], str] = str) -> str:
        """Redraw until unseen: the schema rejects duplicate ids and duplicate questions."""
        while True:
            value = draw()
            if key(value) not in seen:
                seen.add(key(value))
                return value


def _question_key(text: str) -> str:
    # The same folding the loader uses to call two questions the same (case and punctuation ignored).
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _block(text: str) -> str:
    """A YAML literal block scalar body, indented under its key inside `answer:`."""
    return "\n".join(f"    {line}" if line else "" for line in text.split("\n"))


def _record_yaml(record: dict[str, Any]) -> str:
    lines = [
        f"id: {record['id']}",
        f"question: {json.dumps(record['question'], ensure_ascii=False)}",  # JSON strings are YAML strings
        f"difficulty: {record['difficulty']}",
        f"tags: [{', '.join(record['tags'])}]",
        f"see_also: [{', '.join(record['see_also'])}]",
        "answer:",
    ]
    for field, text in record["answer"].items():
        lines += [f"  {field}: |", _block(text)]
    return "\n".join(lines) + "\n"


def _book_yaml(writer: _Writer) -> str:
    lines = ["title: Synthetic Benchmark Handbook", "subtitle: Generated by bench/synth.py",
             "author: The prepbook benchmark", "edition: \"1\"", "topics:"]
    for topic_id, title in TOPICS:
        lines += [f"  - id: {topic_id}", f"    title: {title}",
                  f"    description: {json.dumps(writer.paragraph(18), ensure_ascii=False)}"]
    return "\n".join(lines) + "\n"


def write_bank(root: Path, size: int, seed: int) -> SyntheticBank:
    """Replace root/content with a bank of `size` records spread round-robin over the ten topics."""
    writer = _Writer(seed)
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)  # a fresh copy also undoes an edit left behind by an interrupted run
    content.mkdir(parents=True)
    (content / "book.yaml").write_text(_book_yaml(writer), encoding="utf-8")

    ids: set[str] = set()
    questions: set[str] = set()
    records: list[dict[str, Any]] = []
    for index in range(size):
        question = writer.unique(writer.question, questions, _question_key)
        record_id = writer.unique(lambda: _slug(" ".join(writer.rng.sample(ADJECTIVES + NOUNS, 3))), ids)
        records.append({"id": record_id, "question": question, "difficulty": DIFFICULTIES[index % 3],
                        "tags": writer.rng.sample(TAGS, writer.rng.randint(2, 4)), "answer": writer.answer()})
    all_ids = [record["id"] for record in records]
    for record in records:
        others = [other for other in all_ids if other != record["id"]]
        record["see_also"] = writer.rng.sample(others, min(writer.rng.randint(0, 2), len(others)))

    paths: dict[str, list[Path]] = {topic_id: [] for topic_id, _ in TOPICS}
    for topic_id in paths:
        (content / topic_id).mkdir()  # every declared topic needs its folder, even with fewer records than topics
    for index, record in enumerate(records):
        topic_id = TOPICS[index % len(TOPICS)][0]
        path = content / topic_id / f"{len(paths[topic_id]) + 1:04d}-{record['id']}.yaml"
        path.write_text(_record_yaml(record), encoding="utf-8")
        paths[topic_id].append(path)
    return SyntheticBank(content, tuple(path for topic_paths in paths.values() for path in topic_paths))


def append_to_short_answer(path: Path) -> str:
    """Append a sentence to the record's short answer (one line in our files); return the original text."""
    original = path.read_text(encoding="utf-8")
    lines = original.split("\n")
    at = lines.index("  short: |") + 1
    lines[at] += EDIT_SENTENCE
    path.write_text("\n".join(lines), encoding="utf-8")
    return original
