"""Opinion groups from statement votes, following Pol.is's published method.

Pure numpy / scipy / scikit-learn; no Django. References: Small et al., "Polis: Scaling
Deliberation by Mapping High Dimensional Opinion Spaces" (2021) and the Pol.is math
(compdemocracy/polis, ``math/src/polismath/math``: ``pca.clj``, ``clusters.clj``,
``repness.clj``, ``stats.clj``).

Steps:

1. **Vote matrix**: participants × statements; agree = 1, disagree = -1, pass = 0, not seen =
   missing (NaN in :meth:`VoteMatrix.dense`). Kept sparse inside (an "agree" and a "disagree"
   indicator and a "seen" indicator), so 100,000 × 1,000 fits in memory.
2. **Participants in the conversation**: those with at least ``min_votes`` votes (passes count;
   Pol.is uses 7, or every statement when there are fewer than 7).
3. **PCA, 2 components**, over the matrix with every missing vote imputed by its statement's
   mean vote (over the participants kept). Centred, such a matrix is zero wherever a vote is
   missing, so the principal components come from a truncated SVD of a *sparse* matrix: exact
   for the imputed PCA, and cheap.
4. **Sparsity scaling**: a participant's projection is multiplied by
   ``sqrt(n_statements / n_votes)`` (Pol.is's ``sparsity-aware-project-ptpts``), so someone who
   voted on few statements is not pulled towards the centre by the imputed means.
5. **k-means** for k = 2…5 (seeded, ``n_init`` restarts each); the k with the highest silhouette
   wins (ties: the smaller k). Over ``silhouette_sample`` participants the silhouette is computed
   on a seeded sample of that size (exact below it); over ``KMEANS_SAMPLE`` participants the
   restarts run on a seeded sample of that size and the best centres then seed one k-means over
   everyone (the same optimum in practice, at a fraction of the cost for 100,000 participants).
6. **Representativeness ("repness")** of statement s for group g, with Pol.is's pseudocounts:
   ``pa = (na + 1) / (ns + 2)`` (agree), ``pd = (nd + 1) / (ns + 2)`` (disagree), where ns counts
   the group's votes on s including passes; ``ra = pa / pa_rest`` against the participants of all
   other groups; ``pat`` = Pol.is's one-proportion test of the agree share against ½
   (``2·sqrt(ns+1)·((na+1)/(ns+1) − ½)``); ``rat`` = its two-proportion test of group vs rest
   (each count + 1). A statement represents a group when both z-scores of one direction exceed
   1.2816 (one-sided 90 %); direction and order by Pol.is's metric ``r · r_test · p · p_test``.
   At most ``max_repness`` per group are kept.
7. **Consensus**: a statement is consensus (agree) when *every* group's pseudocounted agree
   share ``pa`` is at least ``consensus_share`` (0.6 by default), consensus (disagree) likewise
   with ``pd``; ranked by Pol.is's group-aware consensus, the product over groups of ``pa``
   (``pd``).
   **Divisive**: some group's ``pa`` ≥ ``divisive_share`` (0.5) while another group's ``pd`` ≥
   ``divisive_share``; ranked by the spread of the groups' net agreement ``pa − pd``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy import sparse

Z_90 = 1.2816  # one-sided 90 %, as Pol.is's z-sig-90?
DEFAULT_MIN_VOTES = 7
K_RANGE = (2, 5)
KMEANS_SAMPLE = 20_000
DENSE_SVD_MAX_CELLS = 4_000_000  # above this, a randomized truncated SVD of the sparse matrix


# --- 1. vote matrix -----------------------------------------------------------------------


@dataclass
class VoteMatrix:
    """Votes of ``participants`` (rows) on ``statements`` (columns)."""

    participants: list
    statements: list
    agree: sparse.csr_matrix  # 1 where the participant agreed
    disagree: sparse.csr_matrix  # 1 where the participant disagreed
    seen: sparse.csr_matrix  # 1 where the participant voted (agree, disagree or pass)

    @property
    def shape(self) -> tuple[int, int]:
        return self.seen.shape

    @property
    def values(self) -> sparse.csr_matrix:
        """Vote values (1 / -1; passes and missing votes are both 0 here)."""
        return (self.agree - self.disagree).tocsr()

    def votes_per_participant(self) -> np.ndarray:
        return np.asarray(self.seen.sum(axis=1)).ravel().astype(np.int64)

    def dense(self) -> np.ndarray:
        """The matrix with NaN for missing votes (for small matrices)."""
        out = np.full(self.shape, np.nan)
        seen = self.seen.toarray().astype(bool)
        out[seen] = self.values.toarray()[seen]
        return out

    def rows(self, mask: np.ndarray) -> VoteMatrix:
        index = np.flatnonzero(mask)
        return VoteMatrix(
            participants=[self.participants[i] for i in index],
            statements=list(self.statements),
            agree=self.agree[index],
            disagree=self.disagree[index],
            seen=self.seen[index],
        )


def vote_matrix(
    participant_ids: Sequence[Hashable],
    statement_ids: Sequence[Hashable],
    values: Sequence[int],
    *,
    statements: Sequence[Hashable] | None = None,
) -> VoteMatrix:
    """Build the matrix from parallel sequences of (participant, statement, vote) — one vote per
    pair (a later duplicate replaces an earlier one). ``statements`` fixes the columns and
    their order (votes on other statements are ignored); by default every voted statement, in
    sorted order. Rows are the participants in sorted order."""
    p_ids = np.asarray(participant_ids)
    s_ids = np.asarray(statement_ids)
    vals = np.asarray(values, dtype=np.int8)
    if not (len(p_ids) == len(s_ids) == len(vals)):
        raise ValueError("participant_ids, statement_ids and values must have the same length")
    if vals.size and not np.isin(vals, (-1, 0, 1)).all():
        raise ValueError("a vote is 1, -1 or 0")
    if statements is None:
        columns = np.unique(s_ids) if s_ids.size else np.array([], dtype=object)
        col = np.searchsorted(columns, s_ids)
        keep = np.ones(len(s_ids), dtype=bool)
    else:
        columns = list(statements)
        position = {s: i for i, s in enumerate(columns)}
        col = np.fromiter((position.get(s, -1) for s in s_ids.tolist()), np.int64, len(s_ids))
        keep = col >= 0
    rows_keys, row = np.unique(p_ids[keep], return_inverse=True) if keep.any() else ([], [])
    row = np.asarray(row, dtype=np.int64)
    col, vals = col[keep], vals[keep]
    shape = (len(rows_keys), len(columns))
    # Last vote wins on duplicate (row, col): keep the last occurrence of each pair.
    if row.size:
        key = row * max(shape[1], 1) + col
        _, last = np.unique(key[::-1], return_index=True)
        last = len(key) - 1 - last
        row, col, vals = row[last], col[last], vals[last]

    def indicator(mask: np.ndarray) -> sparse.csr_matrix:
        ones = np.ones(int(mask.sum()), dtype=np.float64)
        return sparse.csr_matrix((ones, (row[mask], col[mask])), shape=shape)

    return VoteMatrix(
        participants=list(np.asarray(rows_keys).tolist()),
        statements=list(np.asarray(columns).tolist()) if statements is None else columns,
        agree=indicator(vals == 1),
        disagree=indicator(vals == -1),
        seen=indicator(np.ones(len(vals), dtype=bool)),
    )


# --- 2-4. PCA with imputation and sparsity scaling -----------------------------------------


@dataclass
class Projection:
    in_conversation: np.ndarray  # bool per participant of the full matrix
    coordinates: np.ndarray  # (n_in, 2), scaled
    components: np.ndarray  # (2, n_statements)
    means: np.ndarray  # statement means over the kept participants
    explained_variance_ratio: np.ndarray  # (2,)


def participants_in_conversation(matrix: VoteMatrix, *, min_votes: int) -> np.ndarray:
    """Pol.is keeps participants with at least min(min_votes, n_statements) votes."""
    threshold = max(1, min(min_votes, matrix.shape[1]))
    return matrix.votes_per_participant() >= threshold


def pca_project(matrix: VoteMatrix, *, min_votes: int = DEFAULT_MIN_VOTES, seed: int = 0):
    """2-component PCA of the kept participants (missing votes imputed by column mean)."""
    keep = participants_in_conversation(matrix, min_votes=min_votes)
    sub = matrix.rows(keep)
    n, m = sub.shape
    if n < 2 or m < 2:
        raise ValueError("too few participants or statements for PCA")
    values = sub.values.tocsr()
    seen = sub.seen.tocsr()
    counts = np.asarray(seen.sum(axis=0)).ravel()
    sums = np.asarray(values.sum(axis=0)).ravel()
    means = np.divide(sums, counts, out=np.zeros(m), where=counts > 0)
    # Centred imputed matrix: observed (x - mean), missing 0 (= imputed mean - mean).
    centred = seen.multiply(-means[None, :]).tocsr() + values
    centred = centred.tocsr()
    centred.eliminate_zeros()
    total_var = float(centred.multiply(centred).sum()) / max(n - 1, 1)
    components = _top_components(centred, 2, seed=seed)
    coords = np.asarray(centred @ components.T)
    n_votes = np.asarray(seen.sum(axis=1)).ravel()
    coords = coords * np.sqrt(m / np.maximum(n_votes, 1))[:, None]
    variance = (np.asarray(centred @ components.T) ** 2).sum(axis=0) / max(n - 1, 1)
    ratio = variance / total_var if total_var > 0 else np.zeros(2)
    return Projection(
        in_conversation=keep,
        coordinates=coords,
        components=components,
        means=means,
        explained_variance_ratio=ratio,
    )


def _top_components(centred: sparse.csr_matrix, k: int, *, seed: int) -> np.ndarray:
    n, m = centred.shape
    if n * m <= DENSE_SVD_MAX_CELLS:
        _, _, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
        vt = vt[:k]
    else:
        from sklearn.utils.extmath import randomized_svd

        _, _, vt = randomized_svd(centred, k, n_oversamples=20, n_iter=7, random_state=seed)
    if vt.shape[0] < k:  # fewer statements than components
        vt = np.vstack([vt, np.zeros((k - vt.shape[0], m))])
    # Deterministic signs: the largest loading of each component is positive.
    signs = np.sign(vt[np.arange(k), np.abs(vt).argmax(axis=1)])
    signs[signs == 0] = 1
    return vt * signs[:, None]


# --- 5. k-means, k by silhouette -------------------------------------------------------------


@dataclass
class Clustering:
    labels: np.ndarray
    k: int
    silhouettes: dict[int, float]


def cluster_by_silhouette(
    coords: np.ndarray,
    *,
    k_range: tuple[int, int] = K_RANGE,
    seed: int = 0,
    n_init: int = 20,
    silhouette_sample: int = 5000,
) -> Clustering:
    from threadpoolctl import threadpool_limits

    n = len(coords)
    distinct = len(np.unique(np.round(coords, 12), axis=0))
    ks = [k for k in range(k_range[0], k_range[1] + 1) if k < n and k <= distinct]
    if not ks:
        raise ValueError("too few distinct participants to form groups")
    best: tuple[float, int, np.ndarray] | None = None
    scores: dict[int, float] = {}
    sample = silhouette_sample if n > silhouette_sample else None
    rng = np.random.default_rng(seed)
    subset = coords[rng.choice(n, KMEANS_SAMPLE, replace=False)] if n > KMEANS_SAMPLE else None
    # k-means and silhouettes over two dimensions gain nothing from OpenMP / BLAS threads, and
    # on a busy worker their spin-waiting costs 20× or more (measured: 1.5 s instead of 0.08 s
    # for k-means over 20,000 points; 8 s instead of 0.2 s for 2,000 participants' silhouettes).
    with threadpool_limits(limits=1):
        for k in ks:
            labels, score = _kmeans_k(coords, subset, k, seed, n_init, sample)
            scores[k] = score
            if best is None or score > best[0] + 1e-12:
                best = (score, k, labels)
    score, k, labels = best  # type: ignore[misc]  # ks is not empty
    return Clustering(labels=labels, k=k, silhouettes=scores)


def _kmeans_k(coords, subset, k: int, seed: int, n_init: int, sample: int | None):
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    if subset is None:
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(coords)
    else:
        start = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(subset)
        model = KMeans(n_clusters=k, init=start.cluster_centers_, n_init=1).fit(coords)
    labels = _relabel_by_size(model.labels_)
    score = float(silhouette_score(coords, labels, sample_size=sample, random_state=seed))
    return labels, score


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Group 0 is the largest (ties: the one whose first member comes first)."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    mapping = np.empty(values.max() + 1, dtype=np.int64)
    for new, i in enumerate(order):
        mapping[values[i]] = new
    return mapping[labels]


# --- 6-7. repness, consensus, divisive ------------------------------------------------------


def prop_test(success: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Pol.is's one-proportion z (pseudocount 1) of success share against ½."""
    success, n = success + 1.0, n + 1.0
    return 2.0 * np.sqrt(n) * (success / n - 0.5)


def two_prop_test(
    success_in: np.ndarray, success_out: np.ndarray, n_in: np.ndarray, n_out: np.ndarray
) -> np.ndarray:
    """Pol.is's two-proportion z (each count + 1) of the group's share against the rest's."""
    s1, s2, n1, n2 = success_in + 1.0, success_out + 1.0, n_in + 1.0, n_out + 1.0
    p1, p2 = s1 / n1, s2 / n2
    p = (s1 + s2) / (n1 + n2)
    denominator = np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / denominator
    return np.where((p >= 1) | (denominator == 0), 0.0, z)


@dataclass
class GroupStatementStats:
    """Counts per group (rows) and statement (columns)."""

    agree: np.ndarray
    disagree: np.ndarray
    votes: np.ndarray  # incl. passes

    @property
    def p_agree(self) -> np.ndarray:
        return (self.agree + 1) / (self.votes + 2)

    @property
    def p_disagree(self) -> np.ndarray:
        return (self.disagree + 1) / (self.votes + 2)


def group_statement_stats(matrix: VoteMatrix, labels: np.ndarray, k: int) -> GroupStatementStats:
    """``matrix`` holds the grouped participants only, ``labels`` their groups 0..k-1."""
    membership = sparse.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    return GroupStatementStats(
        agree=np.asarray((membership @ matrix.agree).todense()),
        disagree=np.asarray((membership @ matrix.disagree).todense()),
        votes=np.asarray((membership @ matrix.seen).todense()),
    )


@dataclass
class Repness:
    statement: Hashable
    direction: str  # "agree" | "disagree"
    n_agree: int
    n_disagree: int
    n_votes: int
    share: float  # pseudocounted share of the group in that direction (pa or pd)
    rest_share: float
    ratio: float  # ra or rd
    z_share: float  # pat or pdt
    z_ratio: float  # rat or rdt
    metric: float


def repness(
    stats: GroupStatementStats, statements: list, *, max_per_group: int = 5
) -> list[list[Repness]]:
    k = stats.votes.shape[0]
    result: list[list[Repness]] = []
    for g in range(k):
        others = [h for h in range(k) if h != g]
        na, nd, ns = stats.agree[g], stats.disagree[g], stats.votes[g]
        ra_n = stats.agree[others].sum(axis=0)
        rd_n = stats.disagree[others].sum(axis=0)
        rs_n = stats.votes[others].sum(axis=0)
        pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
        pa_rest, pd_rest = (ra_n + 1) / (rs_n + 2), (rd_n + 1) / (rs_n + 2)
        ra, rd = pa / pa_rest, pd / pd_rest
        pat, pdt = prop_test(na, ns), prop_test(nd, ns)
        rat, rdt = two_prop_test(na, ra_n, ns, rs_n), two_prop_test(nd, rd_n, ns, rs_n)
        agree_metric = ra * rat * pa * pat
        disagree_metric = rd * rdt * pd * pdt
        rows = []
        for j, statement in enumerate(statements):
            agree_ok = rat[j] > Z_90 and pat[j] > Z_90
            disagree_ok = rdt[j] > Z_90 and pdt[j] > Z_90
            if not (agree_ok or disagree_ok):
                continue
            use_agree = agree_ok and (not disagree_ok or agree_metric[j] >= disagree_metric[j])
            if use_agree:
                values = (pa[j], pa_rest[j], ra[j], pat[j], rat[j], agree_metric[j])
            else:
                values = (pd[j], pd_rest[j], rd[j], pdt[j], rdt[j], disagree_metric[j])
            rows.append(
                (
                    j,
                    Repness(
                        statement=statement,
                        direction="agree" if use_agree else "disagree",
                        n_agree=int(na[j]),
                        n_disagree=int(nd[j]),
                        n_votes=int(ns[j]),
                        share=_r(values[0]),
                        rest_share=_r(values[1]),
                        ratio=_r(values[2]),
                        z_share=_r(values[3]),
                        z_ratio=_r(values[4]),
                        metric=_r(values[5]),
                    ),
                )
            )
        rows.sort(key=lambda r: (-r[1].metric, r[0]))
        result.append([r for _, r in rows[:max_per_group]])
    return result


def consensus_statements(
    stats: GroupStatementStats, statements: list, *, share: float = 0.6
) -> list[dict]:
    pa, pd = stats.p_agree, stats.p_disagree
    out = []
    for direction, p in (("agree", pa), ("disagree", pd)):
        ok = (p >= share).all(axis=0)
        score = p.prod(axis=0)
        for j in np.flatnonzero(ok):
            out.append(
                {
                    "statement": statements[j],
                    "direction": direction,
                    "group_shares": [_r(x) for x in p[:, j]],
                    "score": _r(score[j]),
                }
            )
    out.sort(key=lambda r: (r["direction"] != "agree", -r["score"]))
    return out


def divisive_statements(
    stats: GroupStatementStats, statements: list, *, share: float = 0.5
) -> list[dict]:
    pa, pd = stats.p_agree, stats.p_disagree
    net = pa - pd
    out = []
    for j in range(len(statements)):
        agreeing = [g for g in range(pa.shape[0]) if pa[g, j] >= share]
        disagreeing = [g for g in range(pa.shape[0]) if pd[g, j] >= share]
        if agreeing and disagreeing:
            out.append(
                {
                    "statement": statements[j],
                    "agreeing_groups": agreeing,
                    "disagreeing_groups": disagreeing,
                    "group_net": [_r(x) for x in net[:, j]],
                    "spread": _r(net[:, j].max() - net[:, j].min()),
                }
            )
    out.sort(key=lambda r: -r["spread"])
    return out


def _r(x: float) -> float:
    x = float(x)
    return round(x, 6) if math.isfinite(x) else 0.0


# --- everything together ------------------------------------------------------------------


@dataclass
class OpinionGroups:
    """The result, JSON-ready through :meth:`as_dict` (statements and participants as given)."""

    n_participants: int
    n_statements: int
    n_in_conversation: int
    min_votes: int
    k: int
    silhouettes: dict[int, float]
    explained_variance_ratio: list[float]
    # participant id → group (0-based), for the participants in the conversation
    assignments: dict
    # participant id → [x, y]
    coordinates: dict
    groups: list[dict] = field(default_factory=list)
    consensus: list[dict] = field(default_factory=list)
    divisive: list[dict] = field(default_factory=list)
    reason: str = ""  # why there are no groups, when k == 0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["silhouettes"] = {str(k): v for k, v in self.silhouettes.items()}
        data["assignments"] = {str(p): g for p, g in self.assignments.items()}
        data["coordinates"] = {str(p): xy for p, xy in self.coordinates.items()}
        return data


def opinion_groups(
    matrix: VoteMatrix,
    *,
    min_votes: int = DEFAULT_MIN_VOTES,
    k_range: tuple[int, int] = K_RANGE,
    seed: int = 0,
    n_init: int = 20,
    max_repness: int = 5,
    consensus_share: float = 0.6,
    divisive_share: float = 0.5,
    silhouette_sample: int = 5000,
) -> OpinionGroups:
    from threadpoolctl import threadpool_limits

    # Single-threaded BLAS / OpenMP: the matrices here are thin (2 components, 2-D points), and
    # on a shared worker idle threads spin-wait (see cluster_by_silhouette).
    with threadpool_limits(limits=1):
        return _opinion_groups(
            matrix,
            min_votes=min_votes,
            k_range=k_range,
            seed=seed,
            n_init=n_init,
            max_repness=max_repness,
            consensus_share=consensus_share,
            divisive_share=divisive_share,
            silhouette_sample=silhouette_sample,
        )


def _opinion_groups(
    matrix: VoteMatrix,
    *,
    min_votes: int,
    k_range: tuple[int, int],
    seed: int,
    n_init: int,
    max_repness: int,
    consensus_share: float,
    divisive_share: float,
    silhouette_sample: int,
) -> OpinionGroups:
    n, m = matrix.shape
    empty = OpinionGroups(
        n_participants=n,
        n_statements=m,
        n_in_conversation=0,
        min_votes=min_votes,
        k=0,
        silhouettes={},
        explained_variance_ratio=[],
        assignments={},
        coordinates={},
    )
    keep = participants_in_conversation(matrix, min_votes=min_votes) if n else np.zeros(0, bool)
    empty.n_in_conversation = int(keep.sum())
    if m < 2 or keep.sum() < k_range[0] + 1:
        empty.reason = "too_few_votes"
        return empty
    projection = pca_project(matrix, min_votes=min_votes, seed=seed)
    try:
        clustering = cluster_by_silhouette(
            projection.coordinates,
            k_range=k_range,
            seed=seed,
            n_init=n_init,
            silhouette_sample=silhouette_sample,
        )
    except ValueError:
        empty.reason = "too_few_votes"
        return empty
    sub = matrix.rows(keep)
    labels = clustering.labels
    stats = group_statement_stats(sub, labels, clustering.k)
    statements = list(matrix.statements)
    rep = repness(stats, statements, max_per_group=max_repness)
    groups = []
    for g in range(clustering.k):
        members = labels == g
        groups.append(
            {
                "id": g,
                "size": int(members.sum()),
                "centre": [_r(x) for x in projection.coordinates[members].mean(axis=0)],
                "repness": [asdict(r) for r in rep[g]],
            }
        )
    return OpinionGroups(
        n_participants=n,
        n_statements=m,
        n_in_conversation=int(keep.sum()),
        min_votes=min_votes,
        k=clustering.k,
        silhouettes={k: _r(s) for k, s in clustering.silhouettes.items()},
        explained_variance_ratio=[_r(x) for x in projection.explained_variance_ratio],
        assignments={p: int(g) for p, g in zip(sub.participants, labels, strict=True)},
        coordinates={
            p: [_r(x), _r(y)]
            for p, (x, y) in zip(sub.participants, projection.coordinates, strict=True)
        },
        groups=groups,
        consensus=consensus_statements(stats, statements, share=consensus_share),
        divisive=divisive_statements(stats, statements, share=divisive_share),
    )


def adjusted_rand(ours: dict, theirs: dict) -> tuple[float, int]:
    """ARI over the participants both sides grouped, and how many those are."""
    from sklearn.metrics import adjusted_rand_score

    common = [p for p in ours if p in theirs]
    if not common:
        return 0.0, 0
    return (
        float(adjusted_rand_score([theirs[p] for p in common], [ours[p] for p in common])),
        len(common),
    )
