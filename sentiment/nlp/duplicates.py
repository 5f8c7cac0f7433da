"""Near-duplicate and campaign detection: MinHash-LSH over character shingles.

Mail-merge campaigns send one letter many times with a name, a town or a sentence swapped; the
analyses of the 2017 FCC net-neutrality comments grouped such texts and reported how many of
the comments were unique. This module does the same for comments, petitions and posts:

1. each text is canonicalised: NFKC, lower case, placeholders (⟨URL⟩) removed, and every
   punctuation, whitespace and control character dropped, so that re-spaced or re-punctuated
   copies are equal;
2. exact copies are collapsed first (cheap, and it keeps a 10,000-copy campaign from flooding
   the LSH buckets); texts shorter than ``shingle_size`` characters are grouped by exact match only;
3. every other distinct text becomes the set of its character ``shingle_size``-grams, hashed with a
   fixed (unsalted) 64-bit polynomial hash, and gets a MinHash signature of ``num_perm`` values
   computed in numpy with datasketch's own permutation parameters for ``seed`` (so the signature
   equals what ``datasketch.MinHash(seed=seed)`` would produce from the same 32-bit shingle
   hashes, only much faster);
4. datasketch's ``MinHashLSH`` buckets the signatures; texts sharing a bucket are joined when
   their estimated Jaccard similarity reaches ``threshold`` (union-find, so a chain of
   near-copies forms one group).

Everything is deterministic: no salted hashes, seeded permutations, groups ordered by size and
then by first position.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np

PLACEHOLDER_RE = re.compile(r"⟨[^⟩]*⟩")
SEED = 1
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_HASH_BASE = np.uint64(0x100000001B3)  # FNV-1a prime: an odd multiplier for the polynomial hash
_CHUNK_SHINGLES = 1 << 16  # shingles per numpy block: bounds memory at ~32 MB for 128 perms


def canonical(text: str) -> str:
    """The form compared for duplicates: no placeholders, punctuation, spaces or case."""
    text = PLACEHOLDER_RE.sub("", unicodedata.normalize("NFKC", text or "")).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


def _fmix64(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's 64-bit finaliser: spreads the polynomial hash over all bits.
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def shingle_hashes(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of all character k-grams of all texts, and each text's start offset.

    Every text must have at least k characters. Computed on one concatenated array of code
    points; k-grams that would run across two texts are dropped.
    """
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    total = codes.size
    n_grams = total - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(n_grams, dtype=np.uint64)
        for j in range(k):
            h = h * _HASH_BASE + codes[j : j + n_grams] + np.uint64(1)
        h = _fmix64(h)
    ends = np.cumsum(lengths)
    # A k-gram starting at p belongs to text d when it starts inside d and p <= ends[d] - k.
    owner = np.repeat(np.arange(len(texts)), lengths)[:n_grams]
    valid = np.arange(n_grams) <= (ends[owner] - k)
    hashes = (h[valid] >> np.uint64(32)).astype(np.uint64)
    per_text = lengths - k + 1
    offsets = np.concatenate([[0], np.cumsum(per_text)[:-1]])
    return hashes, offsets


class _Signer:
    """MinHash signatures with datasketch's permutations, vectorised over many texts."""

    def __init__(self, num_perm: int, seed: int):
        from datasketch import MinHash

        try:
            template = MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
        except TypeError:  # datasketch < 2.0 has only the legacy scheme
            template = MinHash(num_perm=num_perm, seed=seed)
        self.scheme = getattr(template, "scheme", "legacy")
        a, b = template.permutations
        self.a = np.asarray(a)[:, None]
        self.b = np.asarray(b)[:, None]
        self.num_perm = num_perm
        self.seed = seed

    def _permute(self, hv: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            if self.scheme == "legacy":
                prime = np.uint64((1 << 61) - 1)
                return ((self.a * hv[None, :] + self.b) % prime) & np.uint64(0xFFFFFFFF)
            x = hv.astype(np.uint32)
            # datasketch's affine32 scheme: MurmurHash3 32-bit finaliser, then a*x + b mod 2^32.
            x ^= x >> np.uint32(16)
            x *= np.uint32(0x85EBCA6B)
            x ^= x >> np.uint32(13)
            x *= np.uint32(0xC2B2AE35)
            x ^= x >> np.uint32(16)
            return self.a.astype(np.uint32) * x[None, :] + self.b.astype(np.uint32)

    def sign(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures (texts × num_perm): the minimum permuted hash of each text's shingles."""
        n = len(offsets)
        out = np.empty((n, self.num_perm), dtype=np.uint64)
        ends = np.append(offsets[1:], hashes.size)
        first = 0
        while first < n:
            # Take as many whole texts as fit in one block (at least one).
            last = int(np.searchsorted(ends, offsets[first] + _CHUNK_SHINGLES, side="right"))
            last = max(last, first + 1)
            lo, hi = int(offsets[first]), int(ends[last - 1])
            permuted = self._permute(hashes[lo:hi])
            local = (offsets[first:last] - lo).astype(np.int64)
            out[first:last] = np.minimum.reduceat(permuted, local, axis=1).T
            first = last
        return out

    def lean(self, values: np.ndarray):
        from datasketch import LeanMinHash

        if self.scheme == "legacy":
            return LeanMinHash(seed=self.seed, hashvalues=values)
        return LeanMinHash(seed=self.seed, hashvalues=values, scheme=self.scheme)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller index stays root, so results do not depend on bucket order.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def find_near_duplicates(
    texts: list[str],
    ids: list | None = None,
    *,
    threshold: float = 0.8,
    shingle_size: int = 5,
    num_perm: int = 128,
) -> dict:
    """Group near-identical texts.

    Returns ``{"groups": [{"ids", "size", "representative", "similarity"}], "unique_share",
    "texts", "campaign_share"}``:

    * a group has at least two texts; ``representative`` is its earliest text as written, and
      ``similarity`` the mean estimated Jaccard similarity of the others to it;
    * ``unique_share`` counts each group once (its representative) plus every text in no group,
      over all texts: the "unique comments" figure of the FCC analyses;
    * ``campaign_share`` is the share of all texts that belong to some group;
    * texts that are empty once punctuation and spaces are gone are never grouped.
    """
    n = len(texts)
    if ids is None:
        ids = list(range(n))
    elif len(ids) != n:
        raise ValueError("ids and texts must have the same length")
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    if shingle_size < 1:
        raise ValueError("shingle_size must be at least 1")
    if n == 0:
        return {"groups": [], "unique_share": 1.0, "texts": 0, "campaign_share": 0.0}

    canon = [canonical(t) for t in texts]
    # 1. Exact copies collapse onto their first occurrence.
    first_of: dict[str, int] = {}
    distinct: list[int] = []  # positions of the first occurrence of each distinct canonical text
    for i, c in enumerate(canon):
        if c and c not in first_of:
            first_of[c] = i
            distinct.append(i)
    uf = _UnionFind(n)
    for i, c in enumerate(canon):
        if c and first_of[c] != i:
            uf.union(first_of[c], i)

    # 2. MinHash-LSH over the distinct texts long enough to have a shingle.
    long_ones = [i for i in distinct if len(canon[i]) >= shingle_size]
    signatures = {}
    if len(long_ones) > 1:
        signer = _Signer(num_perm, SEED)
        hashes, offsets = shingle_hashes([canon[i] for i in long_ones], shingle_size)
        sig = signer.sign(hashes, offsets)
        signatures = {pos: sig[row] for row, pos in enumerate(long_ones)}
        _join_similar(long_ones, sig, signer, threshold, uf)

    # 3. Collect groups.
    members: dict[int, list[int]] = {}
    for i in range(n):
        if canon[i]:
            members.setdefault(uf.find(i), []).append(i)
    groups = []
    in_groups = 0
    for positions in members.values():
        if len(positions) < 2:
            continue
        in_groups += len(positions)
        rep = positions[0]
        rep_sig = signatures.get(first_of[canon[rep]])
        sims = []
        for pos in positions[1:]:
            other = signatures.get(first_of[canon[pos]])
            if canon[pos] == canon[rep] or rep_sig is None or other is None:
                sims.append(1.0)
            else:
                sims.append(float(np.mean(rep_sig == other)))
        groups.append(
            (
                -len(positions),
                rep,
                {
                    "ids": [ids[p] for p in positions],
                    "size": len(positions),
                    "representative": texts[rep],
                    "similarity": round(float(np.mean(sims)), 4),
                },
            )
        )
    groups = [group for _, _, group in sorted(groups, key=lambda g: (g[0], g[1]))]
    duplicates = sum(g["size"] - 1 for g in groups)
    return {
        "groups": groups,
        "unique_share": round((n - duplicates) / n, 4),
        "texts": n,
        "campaign_share": round(in_groups / n, 4),
    }


@functools.lru_cache(maxsize=32)
def _lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's optimal (bands, rows) for the threshold: an integration it would otherwise
    redo (~0.15 s) for every call."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def _join_similar(positions: list[int], sig: np.ndarray, signer: _Signer, threshold, uf) -> None:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(
        threshold=threshold,
        num_perm=signer.num_perm,
        params=_lsh_bands(float(threshold), signer.num_perm),
    )
    with lsh.insertion_session() as session:
        for row in range(len(positions)):
            session.insert(row, signer.lean(sig[row]), check_duplication=False)
    for table in lsh.hashtables:
        for key in table.keys():  # noqa: SIM118 (a datasketch storage, not a dict)
            bucket = table.get(key)
            if len(bucket) < 2:
                continue
            rows = sorted(bucket)
            # Compare each member with the bucket's representatives only (usually one), not all
            # pairs: a 10,000-member bucket then costs 10,000 comparisons, not 50 million.
            reps: list[int] = []
            for row in rows:
                for rep in reps:
                    if np.count_nonzero(sig[rep] == sig[row]) >= threshold * signer.num_perm:
                        uf.union(positions[rep], positions[row])
                        break
                else:
                    reps.append(row)
