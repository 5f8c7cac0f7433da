"""Where I stand: a consultation's opinion groups shown to its own participants, as Pol.is does.

The groups come from the same method as the decision report (:mod:`participation.opinion_groups`).
They are computed by the task worker, never in a request, and stored (:class:`OpinionMap`) with
the time of the latest vote they include. A reader who finds the map older than the latest vote
asks for a new one: at most one computation per consultation is queued every ``REFRESH_SECONDS``,
so a busy consultation is recomputed about twice a minute however many people vote or look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from .models import ConsultationPage, ModerationState, OpinionMap, Participant, Statement, Vote
from .opinion_groups import DEFAULT_MIN_VOTES, K_RANGE, opinion_groups, vote_matrix

MIN_VOTES = DEFAULT_MIN_VOTES  # Pol.is shows a participant's place after 7 votes
# The fewest participants in the conversation for which groups can be looked for (k ≥ 2 needs
# one more person than groups: opinion_groups' own rule).
MIN_PARTICIPANTS = K_RANGE[0] + 1
REFRESH_SECONDS = 30
POINTS_MAX = 800  # dots drawn on the map (a seeded sample); sizes count everyone
SHOWN_STATEMENTS = 5
GROUP_LETTERS = "ABCDE"
_OUT_OF_CONVERSATION = {ModerationState.REJECTED, ModerationState.HIDDEN, ModerationState.HELD}


def _conversation(consultation_id: int):
    """The statements in the vote matrix: all but the removed and held (as in the report)."""
    return Statement.objects.filter(consultation_id=consultation_id).exclude(
        moderation_state__in=_OUT_OF_CONVERSATION
    )


def votes_to_join(statement_count: int) -> int:
    """Votes that put a participant on the map: ``MIN_VOTES``, or every statement when there
    are fewer (as ``opinion_groups.participants_in_conversation`` counts them)."""
    return max(1, min(MIN_VOTES, statement_count))


def consultation_votes_to_join(consultation_id: int) -> int:
    return votes_to_join(_conversation(consultation_id).count())


def conversation_statement_ids(consultation_id: int) -> list[int]:
    return list(_conversation(consultation_id).order_by("pk").values_list("pk", flat=True))


def _latest_vote_at(consultation_id: int):
    return Vote.objects.filter(statement__consultation_id=consultation_id).aggregate(
        latest=Max("updated_at")
    )["latest"]


def opinion_map_compute(*, consultation_id: int) -> OpinionMap:
    """Compute the consultation's opinion groups and store them (the task worker)."""
    latest = _latest_vote_at(consultation_id)  # first: a vote during the work makes it stale
    current = OpinionMap.objects.filter(consultation_id=consultation_id).first()
    if current is not None and current.last_vote_at == latest:
        return current  # queued twice: already up to date
    statement_ids = conversation_statement_ids(consultation_id)
    triples = np.array(
        list(
            Vote.objects.filter(statement_id__in=statement_ids).values_list(
                "participant_id", "statement_id", "value"
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    participants, voted, values = (triples[:, i].tolist() for i in range(3))
    matrix = vote_matrix(participants, voted, values, statements=statement_ids)
    result = opinion_groups(matrix, min_votes=MIN_VOTES, seed=0, n_init=10)
    texts = dict(Statement.objects.filter(pk__in=statement_ids).values_list("pk", "text"))
    stored, _created = OpinionMap.objects.update_or_create(
        consultation_id=consultation_id,
        defaults={
            "last_vote_at": latest,
            "computed_at": timezone.now(),
            "data": _map_data(result.as_dict(), texts),
        },
    )
    return stored


def _map_data(groups: dict, texts: dict[int, str]) -> dict:
    """What the page needs of the result, small enough to read on every view."""
    coordinates, assignments = groups["coordinates"], groups["assignments"]
    keys = sorted(coordinates, key=int)
    if len(keys) > POINTS_MAX:
        rng = np.random.default_rng(0)
        keys = sorted(rng.choice(keys, POINTS_MAX, replace=False).tolist(), key=int)
    shown = {r["statement"] for g in groups["groups"] for r in g["repness"][:SHOWN_STATEMENTS]}
    shown |= {r["statement"] for r in groups["consensus"][:SHOWN_STATEMENTS]}
    shown |= {r["statement"] for r in groups["divisive"][:SHOWN_STATEMENTS]}
    return {
        "k": groups["k"],
        "reason": groups["reason"],
        "in_conversation": groups["n_in_conversation"],
        "groups": [
            {"id": g["id"], "size": g["size"], "repness": g["repness"][:SHOWN_STATEMENTS]}
            for g in groups["groups"]
        ],
        "consensus": groups["consensus"][:SHOWN_STATEMENTS],
        "divisive": groups["divisive"][:SHOWN_STATEMENTS],
        "assignments": assignments,
        "coordinates": coordinates,
        "points": [[*coordinates[k], assignments[k]] for k in keys],
        "texts": {str(s): texts[s] for s in sorted(shown)},
    }


def opinion_map_request(*, consultation_id: int) -> None:
    """Queue a recomputation unless one was queued in the last ``REFRESH_SECONDS``."""
    from .tasks import opinion_map_refresh

    if cache.add(f"minyi:opinion-map-queued:{consultation_id}", 1, timeout=REFRESH_SECONDS):
        opinion_map_refresh.enqueue(consultation_id)


# --- What one participant sees ---------------------------------------------------------------


@dataclass
class GroupView:
    letter: str
    size: int
    share: float  # of the participants in the map
    mine: bool
    statements: list[dict] = field(default_factory=list)  # what sets the group apart

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class Standing:
    votes_cast: int
    votes_needed: int  # more votes before a place on the map (0: enough)
    votes_to_join: int  # votes that put anyone on the map (fewer than 7 with few statements)
    ready: bool  # a map with groups exists
    updating: bool  # the map is older than the latest vote (a new one is queued)
    reason: str = ""  # why there are no groups yet
    my_group: GroupView | None = None
    my_position: tuple[float, float] | None = None
    groups: list[GroupView] = field(default_factory=list)
    consensus: list[dict] = field(default_factory=list)
    divisive: list[dict] = field(default_factory=list)
    points: list[list] = field(default_factory=list)
    in_conversation: int = 0
    computed_at: object = None


def _group_letter(group_id: int) -> str:
    return GROUP_LETTERS[group_id] if group_id < len(GROUP_LETTERS) else str(group_id + 1)


def participant_standing(*, consultation: ConsultationPage, user) -> Standing:
    """The reader's votes, place and group in the consultation's latest opinion map."""
    participant_id = (
        Participant.objects.filter(consultation=consultation, user=user)
        .values_list("pk", flat=True)
        .first()
    )
    votes_cast = (
        Vote.objects.filter(participant_id=participant_id)
        .exclude(statement__moderation_state__in=_OUT_OF_CONVERSATION)
        .count()
        if participant_id
        else 0
    )
    to_join = consultation_votes_to_join(consultation.pk)
    needed = max(0, to_join - votes_cast)
    stored = OpinionMap.objects.filter(consultation=consultation).first()
    updating = stored is None or stored.last_vote_at != _latest_vote_at(consultation.pk)
    if updating:
        opinion_map_request(consultation_id=consultation.pk)
        if stored is None:  # a worker that runs tasks at once (development) has it ready now
            stored = OpinionMap.objects.filter(consultation=consultation).first()
    standing = Standing(
        votes_cast=votes_cast,
        votes_needed=needed,
        votes_to_join=to_join,
        ready=False,
        updating=updating,
    )
    if stored is None:
        return standing
    data = stored.data
    standing.reason, standing.computed_at = data["reason"], stored.computed_at
    standing.in_conversation = data["in_conversation"]
    if not data["k"]:
        return standing
    _fill_groups(standing, data, participant_id)
    return standing


def _fill_groups(standing: Standing, data: dict, participant_id: int | None) -> None:
    texts = data["texts"]
    mine = data["assignments"].get(str(participant_id)) if participant_id else None
    people = sum(g["size"] for g in data["groups"]) or 1
    standing.ready = True
    standing.points = data["points"]
    for g in data["groups"]:
        view = GroupView(
            letter=_group_letter(g["id"]),
            size=g["size"],
            share=g["size"] / people,
            mine=g["id"] == mine,
            statements=[
                {
                    **r,
                    "text": texts.get(str(r["statement"]), ""),
                    "percent": round(r["share"] * 100),
                    "rest_percent": round(r["rest_share"] * 100),
                }
                for r in g["repness"]
            ],
        )
        standing.groups.append(view)
        if view.mine:
            standing.my_group = view
            standing.my_position = tuple(data["coordinates"][str(participant_id)])
    standing.consensus = [
        {**r, "text": texts.get(str(r["statement"]), "")} for r in data["consensus"]
    ]
    standing.divisive = [
        {
            **r,
            "text": texts.get(str(r["statement"]), ""),
            "groups": [
                {"letter": _group_letter(i), "net": net} for i, net in enumerate(r["group_net"])
            ],
        }
        for r in data["divisive"]
    ]


# --- The map as drawn (an SVG in the page: no script, readable on a phone) -------------------

MAP_SIZE = 300
MAP_PADDING = 16


@dataclass(frozen=True)
class MapDot:
    x: float
    y: float
    group: int


def opinion_map_layout(standing: Standing) -> dict:
    """Participants' places scaled into a ``MAP_SIZE`` square (y up), the reader's among them."""
    places = [(p[0], p[1]) for p in standing.points]
    if standing.my_position:
        places.append(standing.my_position)
    if not places:
        return {"dots": [], "me": None, "size": MAP_SIZE}
    xs, ys = [x for x, _y in places], [y for _x, y in places]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    inner = MAP_SIZE - 2 * MAP_PADDING
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def place(x: float, y: float) -> tuple[float, float]:
        return (
            round(MAP_SIZE / 2 + (x - centre_x) / span * inner, 1),
            round(MAP_SIZE / 2 - (y - centre_y) / span * inner, 1),
        )

    dots = [MapDot(*place(x, y), group=int(g)) for x, y, g in standing.points]
    me = place(*standing.my_position) if standing.my_position else None
    return {"dots": dots, "me": me, "size": MAP_SIZE}
