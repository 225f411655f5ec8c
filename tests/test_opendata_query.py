"""Reading the parameters of an OParl list (pure functions, no database)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from council.bodies.models import MembershipRole, OrganizationKind
from council.errors import ValidationFailed
from council.meetings.models import MeetingState
from council.opendata.freshness import end_of_second
from council.opendata.query import DEFAULT_LIMIT, MAX_LIMIT, ListQuery, parse_list_query, parse_moment
from council.papers.models import ConsultationRole, PaperKind
from web.oparl.format import oparl_object
from web.oparl.urls import OParlUrls, with_query
from web.oparl.vocabulary import (
    CONSULTATION_ROLES,
    MEETING_STATES,
    MEMBERSHIP_ROLES,
    ORGANIZATION_TYPES,
    PAPER_TYPES,
)

BERLIN_WINTER = dt.timezone(dt.timedelta(hours=1))


def parse(**parameters: str | list[str]) -> ListQuery:
    return parse_list_query({k: v if isinstance(v, list) else [v] for k, v in parameters.items()})


def refused(**parameters: str | list[str]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        parse(**parameters)
    return caught.value.errors


def test_no_parameters_mean_the_first_full_page_of_everything():
    assert parse() == ListQuery(limit=DEFAULT_LIMIT, page=1)
    assert not parse().includes_deleted


def test_the_four_date_filters_are_read_with_their_zone():
    query = parse(
        created_since="2014-01-01T00:00:00+01:00",
        created_until="2014-01-31T23:59:59+01:00",
        modified_since="2014-01-01T02:00:00Z",
        modified_until="2014-02-01T00:00:00.250000-05:00",
    )
    assert query.created_since == dt.datetime(2014, 1, 1, tzinfo=BERLIN_WINTER)
    assert query.created_until == dt.datetime(2014, 1, 31, 23, 59, 59, tzinfo=BERLIN_WINTER)
    assert query.modified_since == dt.datetime(2014, 1, 1, 2, tzinfo=dt.UTC)
    assert query.modified_until == dt.datetime(2014, 2, 1, 5, 0, 0, 250000, tzinfo=dt.UTC)
    assert query.includes_deleted


def test_an_unencoded_plus_of_the_zone_is_read_as_plus():
    assert parse_moment("2014-01-01T02:00:00 01:00") == dt.datetime(2014, 1, 1, 2, tzinfo=BERLIN_WINTER)
    assert parse_moment("2014-01-01T02:00 0100") == dt.datetime(2014, 1, 1, 2, tzinfo=BERLIN_WINTER)


@pytest.mark.parametrize(
    "value",
    ["2014-01-01", "2014-01-01T00:00:00", "gestern", "", "2014-13-01T00:00:00+01:00", "2014-01-01T25:00:00Z"],
)
def test_a_date_filter_without_time_or_zone_or_sense_is_refused(value):
    assert set(refused(modified_since=value)) == {"modified_since"}


def test_omit_internal_is_true_or_false():
    assert parse(omit_internal="true").omit_internal
    assert not parse(omit_internal="false").omit_internal
    assert set(refused(omit_internal="yes")) == {"omit_internal"}


def test_the_page_size_is_capped_and_must_be_positive():
    assert parse(limit="7").limit == 7
    assert parse(limit=str(MAX_LIMIT * 10)).limit == MAX_LIMIT
    for bad in ("0", "-1", "zehn", "1.5", " 5", "1234567890"):
        assert set(refused(limit=bad)) == {"limit"}, bad


def test_the_page_number_starts_at_one():
    assert parse(page="3", limit="10").offset == 20
    assert set(refused(page="0")) == {"page"}


def test_a_parameter_given_twice_is_refused():
    assert set(refused(limit=["5", "6"])) == {"limit"}


def test_every_bad_parameter_is_named_at_once_and_unknown_ones_are_ignored():
    errors = refused(created_since="gestern", limit="0", page="x", omit_internal="1")
    assert set(errors) == {"created_since", "limit", "page", "omit_internal"}
    assert parse(body="1", sort="name") == ListQuery()


def test_link_parameters_are_canonical_and_keep_the_filters():
    query = parse(
        page="2",
        omit_internal="true",
        modified_since="2014-01-01T02:00:00+01:00",
        limit="100",
        created_until="2030-01-01T00:00:00Z",
    )
    assert query.link_parameters(3) == [
        ("created_until", "2030-01-01T00:00:00+00:00"),
        ("modified_since", "2014-01-01T02:00:00+01:00"),
        ("omit_internal", "true"),
        ("page", "3"),
    ]
    assert parse(limit="20").link_parameters(1) == [("limit", "20")]
    url = with_query(OParlUrls("https://rats.example.org").list("paper", ("body", 1)), query.link_parameters(1))
    assert url == (
        "https://rats.example.org/oparl/v1.1/body/1/paper?created_until=2030-01-01T00%3A00%3A00%2B00%3A00"
        "&modified_since=2014-01-01T02%3A00%3A00%2B01%3A00&omit_internal=true"
    )


moments = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from([dt.UTC, BERLIN_WINTER, dt.timezone(dt.timedelta(hours=-5, minutes=-30))]),
)


@given(
    created_since=st.none() | moments,
    modified_until=st.none() | moments,
    omit_internal=st.booleans(),
    limit=st.integers(1, MAX_LIMIT),
    page=st.integers(1, 10_000),
)
def test_a_link_reads_back_as_the_query_it_came_from(created_since, modified_until, omit_internal, limit, page):
    query = ListQuery(
        created_since=created_since, modified_until=modified_until, omit_internal=omit_internal, limit=limit, page=page
    )
    link = with_query("https://rats.example.org/oparl/v1.1/body", query.link_parameters(page))

    assert parse_list_query(parse_qs(urlsplit(link).query)) == query


def test_until_takes_in_the_whole_second_that_objects_show():
    moment = dt.datetime(2024, 5, 1, 12, 0, 0, 700000, tzinfo=dt.UTC)
    assert end_of_second(moment) == dt.datetime(2024, 5, 1, 12, 0, 1, tzinfo=dt.UTC)
    assert end_of_second(moment.replace(microsecond=0)) == dt.datetime(2024, 5, 1, 12, 0, 1, tzinfo=dt.UTC)


def test_objects_leave_out_empty_properties_but_keep_required_ones():
    shown = oparl_object("Body", {"id": "u", "name": "Stadt", "website": None, "legislativeTerm": [], "ags": ""})
    assert shown == {"id": "u", "type": "https://schema.oparl.org/1.1/Body", "name": "Stadt", "legislativeTerm": []}
    item = oparl_object("AgendaItem", {"id": "u", "order": 0, "public": False, "name": "TOP", "created": "c"})
    assert item["order"] == 0 and item["public"] is False


def test_a_deleted_object_keeps_only_its_identity_and_what_its_schema_requires():
    properties = {"id": "u", "accessUrl": "a", "name": "Plan", "created": "c", "modified": "m"}
    assert oparl_object("File", properties, deleted=True) == {
        "id": "u",
        "type": "https://schema.oparl.org/1.1/File",
        "accessUrl": "a",
        "created": "c",
        "modified": "m",
        "deleted": True,
    }


@pytest.mark.parametrize(
    ("table", "members"),
    [
        (MEETING_STATES, MeetingState),
        (ORGANIZATION_TYPES, OrganizationKind),
        (PAPER_TYPES, PaperKind),
        (MEMBERSHIP_ROLES, MembershipRole),
        (CONSULTATION_ROLES, ConsultationRole),
    ],
)
def test_every_code_value_has_its_german_word(table, members):
    assert set(table) == set(members)
    assert all(type(key) is members for key in table)


def test_an_information_paper_is_a_mitteilungsvorlage_not_a_kenntnisnahme():
    assert PAPER_TYPES[PaperKind.INFORMATION] == "Mitteilungsvorlage"
    assert CONSULTATION_ROLES[ConsultationRole.INFORMATION] == "Kenntnisnahme"
