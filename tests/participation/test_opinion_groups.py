"""Opinion groups (Pol.is method): every figure recomputed here by plain loops / dense numpy."""

import math

import numpy as np
import pytest

from participation import opinion_groups as og


def planted(seed=1, n_per_group=40, n_statements=20, missing=0.3):
    """Two groups that vote opposite ways on the first half of the statements and agree on
    the rest, with noise and missing votes."""
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    for group in (0, 1):
        for _ in range(n_per_group):
            votes = []
            for s in range(n_statements):
                base = (1 if group == 0 else -1) if s < n_statements // 2 else 1
                value = base if rng.random() > 0.15 else int(rng.choice([0, -base]))
                votes.append(value)
            rows.append(votes)
            truth.append(group)
    triples = []
    for p, votes in enumerate(rows):
        for s, value in enumerate(votes):
            if rng.random() >= missing:
                triples.append((f"p{p:03d}", f"s{s:02d}", value))
    return triples, {f"p{p:03d}": t for p, t in enumerate(truth)}


def as_matrix(triples, statements=None):
    return og.vote_matrix(
        [t[0] for t in triples],
        [t[1] for t in triples],
        [t[2] for t in triples],
        statements=statements,
    )


def test_vote_matrix_last_vote_wins_and_missing_is_nan():
    m = as_matrix([("a", 1, 1), ("a", 2, 0), ("b", 1, -1), ("a", 1, -1)], statements=[1, 2, 3])
    assert m.participants == ["a", "b"]
    dense = m.dense()
    assert dense[0, 0] == -1 and dense[0, 1] == 0 and math.isnan(dense[0, 2])
    assert dense[1, 0] == -1 and math.isnan(dense[1, 1])
    assert m.votes_per_participant().tolist() == [2, 1]


def test_votes_on_other_statements_are_ignored():
    m = as_matrix([("a", 1, 1), ("a", 9, 1)], statements=[1])
    assert m.shape == (1, 1)


def test_participants_with_few_votes_are_left_out():
    triples, _ = planted()
    triples += [("few", "s00", 1), ("few", "s01", 1)]
    m = as_matrix(triples)
    result = og.opinion_groups(m, min_votes=7)
    assert "few" not in result.assignments
    expected = sum(1 for p in {t[0] for t in triples} if sum(1 for t in triples if t[0] == p) >= 7)
    assert result.n_in_conversation == expected
    assert og.opinion_groups(m, min_votes=1).n_in_conversation == expected + 1


def independent_projection(m, min_votes):
    """Dense numpy: impute column means, covariance eigenvectors, scale by sqrt(m / n_votes)."""
    dense = m.dense()
    n_votes = (~np.isnan(dense)).sum(axis=1)
    keep = n_votes >= min(min_votes, dense.shape[1])
    x = dense[keep]
    means = np.array(
        [np.mean(col[~np.isnan(col)]) if (~np.isnan(col)).any() else 0.0 for col in x.T]
    )
    filled = np.where(np.isnan(x), means, x)
    centred = filled - filled.mean(axis=0)
    cov = centred.T @ centred / (len(x) - 1)
    values, vectors = np.linalg.eigh(cov)
    top = vectors[:, np.argsort(values)[::-1][:2]]
    coords = centred @ top
    coords *= np.sqrt(x.shape[1] / n_votes[keep])[:, None]
    return keep, coords, values[np.argsort(values)[::-1][:2]] / values.sum()


def test_projection_matches_dense_pca_with_imputation_and_scaling():
    triples, _ = planted(seed=3)
    m = as_matrix(triples)
    projection = og.pca_project(m, min_votes=7)
    keep, coords, ratio = independent_projection(m, 7)
    assert (projection.in_conversation == keep).all()
    for axis in range(2):  # equal up to the sign of each component
        ours, theirs = projection.coordinates[:, axis], coords[:, axis]
        sign = np.sign(ours @ theirs)
        assert np.allclose(ours, sign * theirs, atol=1e-8)
    assert np.allclose(projection.explained_variance_ratio, ratio, atol=1e-8)


def test_sparse_path_equals_dense_path(monkeypatch):
    triples, _ = planted(seed=4)
    m = as_matrix(triples)
    dense = og.pca_project(m)
    monkeypatch.setattr(og, "DENSE_SVD_MAX_CELLS", 0)
    randomized = og.pca_project(m)
    assert np.allclose(dense.coordinates, randomized.coordinates, atol=1e-6)


def silhouette(points, labels):
    n = len(points)
    dist = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    scores = []
    for i in range(n):
        own = labels == labels[i]
        if own.sum() == 1:
            scores.append(0.0)
            continue
        a = dist[i, own].sum() / (own.sum() - 1)
        b = min(dist[i, labels == other].mean() for other in set(labels.tolist()) - {labels[i]})
        scores.append((b - a) / max(a, b))
    return float(np.mean(scores))


def test_planted_groups_are_found_and_silhouette_recomputes():
    triples, truth = planted(seed=5)
    m = as_matrix(triples)
    result = og.opinion_groups(m)
    assert result.k == 2
    ari, matched = og.adjusted_rand(result.assignments, truth)
    assert matched == len(result.assignments) and ari > 0.9  # noisy planted groups
    # Silhouette of the chosen grouping, by the textbook formula.
    keys = list(result.coordinates)
    points = np.array([result.coordinates[k] for k in keys])
    labels = np.array([result.assignments[k] for k in keys])
    assert result.silhouettes[2] == pytest.approx(silhouette(points, labels), abs=1e-4)
    assert result.k == max(result.silhouettes, key=lambda k: (result.silhouettes[k], -k))
    # k-means fixed point: every participant is nearest to its own group's centre.
    centres = np.array([points[labels == g].mean(axis=0) for g in range(result.k)])
    nearest = np.argmin(((points[:, None] - centres[None]) ** 2).sum(-1), axis=1)
    assert (nearest == labels).all()
    # group 0 is the largest; sizes add up
    sizes = [g["size"] for g in result.groups]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == result.n_in_conversation


def loop_stats(triples, assignments, statements):
    """na, nd, ns per (group, statement) by counting votes one by one."""
    out = {}
    for participant, statement, value in triples:
        if participant not in assignments or statement not in statements:
            continue
        key = (assignments[participant], statement)
        na, nd, ns = out.get(key, (0, 0, 0))
        out[key] = (na + (value == 1), nd + (value == -1), ns + 1)
    return out


def test_repness_consensus_and_divisive_recomputed_by_loops():
    triples, _ = planted(seed=7)
    m = as_matrix(triples)
    result = og.opinion_groups(m, max_repness=100)
    statements = m.statements
    # last vote per pair (planted() has no repeats, but be explicit)
    final = {(p, s): v for p, s, v in triples}
    triples = [(p, s, v) for (p, s), v in final.items()]
    stats = loop_stats(triples, result.assignments, set(statements))
    groups = range(result.k)

    def counts(g, s):
        return stats.get((g, s), (0, 0, 0))

    def rest(g, s):
        na = nd = ns = 0
        for h in groups:
            if h != g:
                a, d, n = counts(h, s)
                na, nd, ns = na + a, nd + d, ns + n
        return na, nd, ns

    def z_one(succ, n):
        return 2 * math.sqrt(n + 1) * ((succ + 1) / (n + 1) - 0.5)

    def z_two(s1, s2, n1, n2):
        s1, s2, n1, n2 = s1 + 1, s2 + 1, n1 + 1, n2 + 1
        p = (s1 + s2) / (n1 + n2)
        if p == 1:
            return 0.0
        return (s1 / n1 - s2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))

    for g in groups:
        expected = []
        for s in statements:
            na, nd, ns = counts(g, s)
            ra_, rd_, rs_ = rest(g, s)
            pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
            agree = (pa / ((ra_ + 1) / (rs_ + 2)), z_two(na, ra_, ns, rs_), pa, z_one(na, ns))
            disagree = (pd / ((rd_ + 1) / (rs_ + 2)), z_two(nd, rd_, ns, rs_), pd, z_one(nd, ns))
            ok_a = agree[1] > 1.2816 and agree[3] > 1.2816
            ok_d = disagree[1] > 1.2816 and disagree[3] > 1.2816
            if not (ok_a or ok_d):
                continue
            metric_a = math.prod(agree)
            metric_d = math.prod(disagree)
            if ok_a and (not ok_d or metric_a >= metric_d):
                expected.append((s, "agree", pa, agree[0], metric_a))
            else:
                expected.append((s, "disagree", pd, disagree[0], metric_d))
        expected.sort(key=lambda e: -e[4])
        got = result.groups[g]["repness"]
        assert [(r["statement"], r["direction"]) for r in got] == [(e[0], e[1]) for e in expected]
        for r, e in zip(got, expected, strict=True):
            assert r["share"] == pytest.approx(e[2], abs=1e-5)
            assert r["ratio"] == pytest.approx(e[3], abs=1e-5)
        assert got, "planted groups have representative statements"

    consensus = set()
    divisive = set()
    for s in statements:
        pas = [(counts(g, s)[0] + 1) / (counts(g, s)[2] + 2) for g in groups]
        pds = [(counts(g, s)[1] + 1) / (counts(g, s)[2] + 2) for g in groups]
        if all(p >= 0.6 for p in pas):
            consensus.add((s, "agree"))
        if all(p >= 0.6 for p in pds):
            consensus.add((s, "disagree"))
        if any(p >= 0.5 for p in pas) and any(p >= 0.5 for p in pds):
            divisive.add(s)
    assert {(c["statement"], c["direction"]) for c in result.consensus} == consensus
    assert {d["statement"] for d in result.divisive} == divisive
    # planted: the second half is agreed by everyone, the first half splits the groups
    assert {s for s, d in consensus if d == "agree"} >= {f"s{i:02d}" for i in range(12, 20)}
    assert {f"s{i:02d}" for i in range(0, 10)} <= divisive


def test_too_few_participants_give_no_groups():
    m = as_matrix([("a", 1, 1), ("a", 2, 1), ("b", 1, -1), ("b", 2, 1)])
    result = og.opinion_groups(m, min_votes=1)
    assert result.k == 0 and result.reason == "too_few_votes"
    assert og.opinion_groups(as_matrix([])).k == 0


def test_deterministic():
    triples, _ = planted(seed=11)
    a = og.opinion_groups(as_matrix(triples)).as_dict()
    b = og.opinion_groups(as_matrix(list(reversed(triples)))).as_dict()
    assert a == b
