"""Hashed n-grams of a normalised title: what the reader's TF-IDF vectors count.

Character 3-5-grams within each word padded with a space on either side (as scikit-learn's
``char_wb``), then word unigrams and bigrams, each hashed with CRC-32 into a fixed number of
buckets: no vocabulary to keep, and the same buckets in every process and on every machine.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

CHAR_BUCKETS = 2**20
WORD_BUCKETS = 2**18


def grams(text: str) -> list[int]:
    """The hashed n-grams of one text: character 3-5-grams within each word padded with a
    space on either side (as scikit-learn's ``char_wb``), then word unigrams and bigrams.
    CRC-32 is the hash: the same in every process and on every machine."""
    out: list[int] = []
    words = text.split()
    for word in words:
        padded = f" {word} "
        size = len(padded)
        for n in (3, 4, 5):
            if size < n:
                break
            out.extend(
                zlib.crc32(padded[i : i + n].encode()) % CHAR_BUCKETS for i in range(size - n + 1)
            )
    for i, word in enumerate(words):
        out.append(CHAR_BUCKETS + zlib.crc32(b"w " + word.encode()) % WORD_BUCKETS)
        if i:
            pair = f"{words[i - 1]} {word}"
            out.append(CHAR_BUCKETS + zlib.crc32(b"w " + pair.encode()) % WORD_BUCKETS)
    return out


def ngram_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Counts of the hashed n-grams of each text, one row per text. Hashing keeps no
    vocabulary: nothing to store or load."""
    indptr = [0]
    indices: list[int] = []
    for text in texts:
        indices.extend(grams(text))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    matrix = sp.csr_matrix(
        (data, np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int64)),
        shape=(len(texts), CHAR_BUCKETS + WORD_BUCKETS),
    )
    matrix.sum_duplicates()
    return matrix
