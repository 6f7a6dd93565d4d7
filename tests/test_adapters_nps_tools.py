"""Survicate, Wootric (InMoment), Retently and AskNicely: an API page and a CSV of each.

Every fixture is built here from the tool's published description of its format; the
docstring of each fixture says where its shape comes from and what was assumed. Expected
instants are worked out by hand from the offsets the tools write.
"""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from nps_helpers.adapters import detect_format, read_export
from nps_helpers.adapters.mapping import ExportMapping
from nps_helpers.errors import NpsInputError
from nps_helpers.io.ingest import ingest_files
from nps_helpers.io.store import Store


def utc(*args) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(*args), tz="UTC")


def records(batch, *cols):
    """Rows as dicts, with missing values as None (pandas holds them as NaN)."""
    frame = batch.responses[list(cols)].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def rejects(batch) -> list[list]:
    return batch.rejects[["source_row", "column", "value", "reason"]].values.tolist()


def accounted(batch) -> bool:
    return batch.read == len(batch.responses) + batch.unanswered + len(batch.rejects)


def write(folder, name: str, content: object):
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


# --- Wootric (InMoment) --------------------------------------------------------------------


def wootric_page() -> list[dict]:
    """Page 2 of ``GET /v1/responses?page=2&per_page=5``.

    Shape: Wootric's API reference, "Get All Responses" (docs.wootric.com/api; source
    Wootric/slate ``source/includes/_responses.md``): a bare JSON array, times as
    ``2016-12-16 09:05:00 -0800``, end-user properties under ``end_user.properties``. Pages
    are chosen by the ``page``/``per_page`` query parameters, so the page itself carries no
    paging fields. Rows 1-2 are the reference's own example values; 3-5 are made here: one
    Wootric excludes from calculations, one with a score of 11, one without a score.
    """
    props = {"persona": "Individual", "pricing_plan": "Small Business", "purchase_date": 1473177881,
             "revenue_amount": 5000}
    base = {"completed": False, "excluded_from_calculations": False, "ip_address": "127.0.0.1",
            "origin_url": "https://wootric.com", "notes": []}
    return [
        {**base, "id": 1, "end_user_id": 1, "survey_id": 1, "score": 0,
         "text": "Better performance would mean a higher score. Site is often slow.",
         "created_at": "2016-12-16 09:05:00 -0800", "updated_at": "2016-12-16 09:05:13 -0800",
         "tags": ["PERFORMANCE"], "end_user": {"properties": {**props, "product_plan": "Mobile"}}},
        {**base, "id": 2, "end_user_id": 2, "survey_id": 2, "score": 10, "text": "Great service.",
         "created_at": "2017-12-16 09:10:43 -0800", "updated_at": "2017-12-16 09:11:00 -0800",
         "tags": [], "end_user": {"properties": {**props, "product_plan": "Web"}}},
        {**base, "id": 3, "end_user_id": 3, "survey_id": 3, "score": 9, "text": "test response",
         "excluded_from_calculations": True, "created_at": "2017-12-17 10:00:00 -0800",
         "updated_at": "2017-12-17 10:00:00 -0800", "tags": [], "end_user": {"properties": {}}},
        {**base, "id": 4, "end_user_id": 4, "survey_id": 4, "score": 11, "text": None,
         "created_at": "2017-12-18 10:00:00 -0800", "updated_at": "2017-12-18 10:00:00 -0800",
         "tags": [], "end_user": {"properties": {}}},
        {**base, "id": 5, "end_user_id": 5, "survey_id": 5, "score": None, "text": None,
         "created_at": "2017-12-19 10:00:00 -0800", "updated_at": "2017-12-19 10:00:00 -0800",
         "tags": [], "end_user": {"properties": {}}},
    ]


WOOTRIC_CSV = (
    # Wootric does not publish its dashboard CSV layout. This is the API's fields as a CSV,
    # as the Singer tap (singer-io/tap-wootric, schemas/responses.json) writes them: field
    # names of the API, times moved to UTC ("%Y-%m-%dT%H:%M:%S.%fZ").
    "id,end_user_id,survey_id,score,text,completed,excluded_from_calculations,created_at,updated_at\n"
    "101,7,70,6,\"Slow, but it works\",false,false,2016-12-16T17:05:00.000000Z,2016-12-16T17:05:13.000000Z\n"
    "102,8,80,9,,false,true,2016-12-16T18:00:00.000000Z,2016-12-16T18:00:00.000000Z\n"
    "103,9,90,ten,,false,false,2016-12-16T19:00:00.000000Z,2016-12-16T19:00:00.000000Z\n"
)


def test_wootric_api_page_exact_values(tmp_path):
    path = write(tmp_path, "wootric_page2.json", wootric_page())
    assert detect_format(path) == "wootric"
    batch = read_export(path)
    assert accounted(batch) and (batch.read, len(batch.responses), batch.unanswered) == (5, 2, 1)
    assert records(batch, "response_id", "customer_id", "score", "comment", "product_plan", "pricing_plan") == [
        {"response_id": "1", "customer_id": "1", "score": 0, "product_plan": "Mobile", "pricing_plan": "Small Business",
         "comment": "Better performance would mean a higher score. Site is often slow."},
        {"response_id": "2", "customer_id": "2", "score": 10, "comment": "Great service.", "product_plan": "Web",
         "pricing_plan": "Small Business"},
    ]
    # -0800 is eight hours behind UTC.
    assert batch.responses["responded_at"].tolist() == [utc(2016, 12, 16, 17, 5), utc(2017, 12, 16, 17, 10, 43)]
    assert rejects(batch) == [
        [3, "excluded_from_calculations", "true", "excluded_from_calculations"],
        [4, "score", "11", "score_out_of_range"],
    ]


def test_wootric_unix_second_times_read_as_utc(tmp_path):
    """The create-response example of api-evangelist/wootric (examples/create-survey-response.json)
    writes ``created_at`` as Unix seconds; such a page reads as UTC."""
    page = [{"id": 1122334, "end_user_id": 987654, "score": 9, "text": "Love the product!", "created_at": 1718236800,
             "end_user": {"id": 987654, "email": "jane.doe@example.com", "external_id": "usr_12345"}}]
    batch = read_export(write(tmp_path, "w.json", page))
    assert batch.responses["responded_at"].tolist() == [utc(2024, 6, 13)]
    mapped = read_export(write(tmp_path, "w2.json", page), mapping=ExportMapping(columns={"customer_id": "end_user.external_id"}))
    assert mapped.responses["customer_id"].tolist() == ["usr_12345"]


def test_wootric_csv_of_api_fields(tmp_path):
    path = write(tmp_path, "wootric.csv", WOOTRIC_CSV)
    assert detect_format(path) == "wootric"
    batch = read_export(path)
    assert accounted(batch) and batch.read == 3
    assert records(batch, "response_id", "customer_id", "score", "comment", "source_row") == [
        {"response_id": "101", "customer_id": "7", "score": 6, "comment": "Slow, but it works", "source_row": 2},
    ]
    assert batch.responses["responded_at"].tolist() == [utc(2016, 12, 16, 17, 5)]
    assert rejects(batch) == [
        [3, "excluded_from_calculations", "true", "excluded_from_calculations"],
        [4, "score", "ten", "score_not_a_number"],
    ]


# --- Retently -----------------------------------------------------------------------------


def retently_page() -> dict:
    """Page 2 of ``GET /api/v2/feedback?page=2&limit=5``.

    Shape: Retently's API reference (retently.com/api) puts every list in ``{"message",
    "code", "data": {<records>, "page", "pages", "limit", "sort", "total"}}`` (its "Get
    customers" example); feedback records sit under ``data.responses`` (PostHog's
    connector, products/warehouse_sources/.../retently/settings.py, and its tests) with
    the fields of Airbyte's schema (airbytehq/airbyte source-retently/manifest.yaml:
    id, customerId, email, campaignName, createdDate "yyyy-MM-dd'T'HH:mm:ss.SSSZ", score,
    comment, customProps, channel, metricsType...). ``customProps`` items are assumed to be
    ``{label, name, type, value}`` like the customers' ``properties`` in the reference.
    """
    base = {"email": "john@example.com", "firstName": "John", "lastName": "Smith", "companyName": "ACME",
            "campaignId": "5f1ec45y27b8313876299999", "campaignName": "Quarterly NPS", "channel": "email",
            "country": "Poland", "tags": ["foo"], "feedbackTags": [], "notes": [], "status": "open",
            "resolved": False, "isBogus": False, "metricsType": "NPS", "customProps": []}
    return {"message": "Success.", "code": 200, "data": {"responses": [
        {**base, "id": "5a9d595701c85b37224ab2d0", "customerId": "5a9d595701c85b38114b5a1",
         "createdDate": "2019-07-28T04:33:13.217Z", "score": 9, "comment": "Great onboarding",
         "ratingCategory": "promoter", "customProps": [
             {"label": "Subscription name", "name": "subscription_name", "type": "text", "value": "Professional plan"}]},
        {**base, "id": "5a9d595701c85b37224ab2d1", "customerId": "5a9d595701c85b38114b5a2",
         "createdDate": "2019-07-29T23:59:59.000Z", "score": 3, "comment": None, "ratingCategory": "detractor",
         "channel": "sms", "country": "Slovenia"},
        {**base, "id": "5a9d595701c85b37224ab2d2", "customerId": "5a9d595701c85b38114b5a3",
         "createdDate": "2019-07-30T08:00:00.000Z", "score": 4, "comment": "ok", "metricsType": "CSAT"},
        {**base, "id": "5a9d595701c85b37224ab2d3", "customerId": "5a9d595701c85b38114b5a4",
         "createdDate": "2019-07-30T09:00:00.000Z", "score": 7.5, "comment": "meh"},
        {**base, "id": "5a9d595701c85b37224ab2d4", "customerId": "5a9d595701c85b38114b5a5",
         "createdDate": "2019-07-30T10:00:00.000Z", "score": None, "comment": None},
    ], "page": 2, "pages": 3, "limit": 5, "sort": "-createdDate", "total": 12}}


RETENTLY_CSV = (
    # Retently does not publish its dashboard CSV layout: the API's feedback fields as columns.
    "id,customerId,email,campaignName,channel,createdDate,score,comment,metricsType\n"
    "f1,c1,a@x.eu,Quarterly NPS,email,2019-07-28T04:33:13.217Z,10,\"Fast; friendly\",NPS\n"
    "f2,c2,b@x.eu,Quarterly CES,email,2019-07-28T05:00:00.000Z,5,,CES\n"
    "f3,c3,c@x.eu,Quarterly NPS,email,,8,no date,NPS\n"
)


def test_retently_api_page_exact_values(tmp_path):
    path = write(tmp_path, "retently_page2.json", retently_page())
    assert detect_format(path) == "retently"
    batch = read_export(path)
    assert accounted(batch) and (batch.read, len(batch.responses), batch.unanswered) == (5, 2, 1)
    assert records(batch, "response_id", "customer_id", "score", "comment", "campaign", "channel", "country",
                   "subscription_name") == [
        {"response_id": "5a9d595701c85b37224ab2d0", "customer_id": "5a9d595701c85b38114b5a1", "score": 9,
         "comment": "Great onboarding", "campaign": "Quarterly NPS", "channel": "email", "country": "Poland",
         "subscription_name": "Professional plan"},
        {"response_id": "5a9d595701c85b37224ab2d1", "customer_id": "5a9d595701c85b38114b5a2", "score": 3,
         "comment": None, "campaign": "Quarterly NPS", "channel": "sms", "country": "Slovenia",
         "subscription_name": None},
    ]
    assert batch.responses["responded_at"].tolist() == [
        pd.Timestamp("2019-07-28 04:33:13.217", tz="UTC"), utc(2019, 7, 29, 23, 59, 59),
    ]
    assert rejects(batch) == [
        [3, "metricsType", "CSAT", "not_nps_survey"],
        [4, "score", "7.5", "score_not_whole"],
    ]


def test_retently_records_joined_from_several_pages(tmp_path):
    """The ``data.responses`` items of two pages saved as one JSON list read the same way."""
    items = retently_page()["data"]["responses"]
    path = write(tmp_path, "retently_all.json", items[:2] + items[:1])
    assert detect_format(path) == "retently"
    batch = read_export(path)
    assert batch.responses["score"].tolist() == [9, 3, 9] and batch.read == 3


def test_retently_csv_of_api_fields(tmp_path):
    path = write(tmp_path, "retently.csv", RETENTLY_CSV)
    assert detect_format(path) == "retently"
    batch = read_export(path)
    assert accounted(batch)
    assert records(batch, "response_id", "customer_id", "score", "comment", "campaign", "source_row") == [
        {"response_id": "f1", "customer_id": "c1", "score": 10, "comment": "Fast; friendly", "campaign": "Quarterly NPS",
         "source_row": 2},
    ]
    assert batch.responses["responded_at"].tolist() == [pd.Timestamp("2019-07-28 04:33:13.217", tz="UTC")]
    assert rejects(batch) == [[3, "metricsType", "CES", "not_nps_survey"], [4, "createdDate", "", "date_missing"]]


# --- AskNicely ------------------------------------------------------------------------------


def asknicely_page() -> dict:
    """Page 2 of ``GET /api/v1/responses/desc/5/2/0/json/raw``.

    Shape: AskNicely's "Get Responses" reference (demo.asknice.ly/help/apidocs/responses),
    whose example is transcribed in api-evangelist/asknicely examples/asknicely-examples.yml:
    ``{success, total, totalpages, pagenumber, pagesize, since_time, end_time, data}``, every
    value text, times Unix seconds. Row 1 is the reference's own record; the others are made
    here: a comment with an HTML character reference and a ``_c`` custom field (custom
    fields are "snake_case suffixed with _c", per the reference's quick start), a CSAT
    response, a sent survey not answered (the ``raw`` filter lists those; assumed ``answer``
    blank and ``responded`` "0") and a score of 11.
    """
    base = {"answerlabel": "", "data": None, "note": None, "status": "", "dontcontact": None, "published": "",
            "publishedname": "", "segment": None, "question_type": "nps", "city_c": ""}
    return {"success": True, "total": "10395", "totalpages": "2079", "pagenumber": "2", "pagesize": "5",
            "since_time": "0", "end_time": "1642981569", "data": [
        {**base, "response_id": "54120", "person_id": "54121", "contact_id": "54121", "name": "Aiman Shakeel",
         "email": "3d2c555c.39829842@example.com", "answer": "8", "answerlabel": "8", "comment": "",
         "sent": "1614192119", "opened": "1614192119", "responded": "1614192119", "lastemailed": "1614192119",
         "created": "1614192119"},
        {**base, "response_id": "54130", "person_id": "54131", "contact_id": "54131", "name": "Erwin Schrodinger",
         "email": "schrodinger@example.com", "answer": "10", "comment": "Love it &amp; I&#39;ll tell friends",
         "sent": "1614278000", "opened": "1614278100", "responded": "1614278519", "lastemailed": "1614278000",
         "created": "1418350105", "segment": "VIP Customer", "city_c": "Portland"},
        {**base, "response_id": "54140", "person_id": "54141", "contact_id": "54141", "name": "C S", "email": "c@x.eu",
         "answer": "4", "comment": "ok", "sent": "1614192119", "opened": "1614192119", "responded": "1614192200",
         "lastemailed": "1614192119", "created": "1614192119", "question_type": "csat"},
        {**base, "response_id": "54150", "person_id": "54151", "contact_id": "54151", "name": "N A", "email": "n@x.eu",
         "answer": "", "comment": "", "sent": "1614192119", "opened": "0", "responded": "0",
         "lastemailed": "1614192119", "created": "1614192119"},
        {**base, "response_id": "54160", "person_id": "54161", "contact_id": "54161", "name": "E L", "email": "e@x.eu",
         "answer": "11", "comment": "", "sent": "1614192119", "opened": "1614192119", "responded": "1614192119",
         "lastemailed": "1614192119", "created": "1614192119"},
    ]}


ASKNICELY_CSV = (
    # The same endpoint with format "csv": the reference says csv returns the data in csv
    # format; the columns are assumed to be the JSON record's fields.
    "response_id,person_id,contact_id,name,email,answer,answerlabel,comment,sent,responded,segment,question_type,store_c\n"
    "9001,501,501,Ann,ann@x.eu,9,9,\"Quick, kind\",1614192119,1614192119,Retail,nps,Ljubljana\n"
    "9002,502,502,Bob,bob@x.eu,,,,1614192119,0,Retail,nps,Maribor\n"
    "9003,503,503,Cid,cid@x.eu,5,5,,1614192119,1614192119,Retail,5star,Koper\n"
)


def test_asknicely_api_page_exact_values(tmp_path):
    path = write(tmp_path, "asknicely_page2.json", asknicely_page())
    assert detect_format(path) == "asknicely"
    batch = read_export(path)
    assert accounted(batch) and (batch.read, len(batch.responses), batch.unanswered) == (5, 2, 1)
    assert records(batch, "response_id", "customer_id", "score", "comment", "segment", "city") == [
        {"response_id": "54120", "customer_id": "54121", "score": 8, "comment": None, "segment": None, "city": None},
        {"response_id": "54130", "customer_id": "54131", "score": 10, "comment": "Love it & I'll tell friends",
         "segment": "VIP Customer", "city": "Portland"},
    ]
    assert batch.responses["responded_at"].tolist() == [utc(2021, 2, 24, 18, 41, 59), utc(2021, 2, 25, 18, 41, 59)]
    assert rejects(batch) == [
        [3, "question_type", "csat", "not_nps_survey"],
        [5, "answer", "11", "score_out_of_range"],
    ]


def test_asknicely_csv_format(tmp_path):
    path = write(tmp_path, "asknicely.csv", ASKNICELY_CSV)
    assert detect_format(path) == "asknicely"
    batch = read_export(path)
    assert accounted(batch) and (batch.read, batch.unanswered) == (3, 1)
    assert records(batch, "response_id", "customer_id", "score", "comment", "segment", "store", "source_row") == [
        {"response_id": "9001", "customer_id": "501", "score": 9, "comment": "Quick, kind", "segment": "Retail",
         "store": "Ljubljana", "source_row": 2},
    ]
    assert batch.responses["responded_at"].tolist() == [utc(2021, 2, 24, 18, 41, 59)]
    assert rejects(batch) == [[4, "question_type", "5star", "not_nps_survey"]]


# --- Survicate ------------------------------------------------------------------------------


def survicate_page() -> dict:
    """One page of ``GET /v2/surveys/{survey_id}/responses?items_per_page=4``.

    Shape: the envelope ``{"data": [...], "pagination_data": {"has_more", "next_url"}}`` is
    PostHog's connector (products/warehouse_sources/.../survicate/survicate.py, built on
    developers.survicate.com/data-export/response); the record is Airbyte's schema read from
    live responses (airbytehq/airbyte source-survicate/manifest.yaml): uuid, collected_at
    ("%Y-%m-%dT%H:%M:%S.%fZ"), respondent {uuid, attributes}, answers [{question_id,
    question_type, answer {id, content, rating}}]. Assumed: an NPS answer's score is in
    ``content`` (Fivetran's ``nps_response.answer_content``), a text answer's words too,
    and attributes are ``{name, value}`` pairs. Made here: a response left before the NPS
    question and one with an impossible date.
    """
    def nps(score):
        return {"question_id": 501, "question_type": "nps", "action_performed": False,
                "answer": {"id": score, "content": str(score), "rating": None}}

    def text(words):
        return {"question_id": 502, "question_type": "text", "answer": {"id": None, "content": words}}

    return {"data": [
        {"uuid": "0f6f2b1e-0001", "collected_at": "2024-05-06T10:00:00.000000Z", "device_type": "desktop",
         "language": "en", "operating_system": "macOS", "url": "https://app.example.com/billing",
         "respondent": {"uuid": "a1b2-visitor-1", "attributes": [{"name": "plan", "value": "Pro"},
                                                               {"name": "Company Size", "value": "11-50"}]},
         "answers": [nps(9), text("Setup took minutes")]},
        {"uuid": "0f6f2b1e-0002", "collected_at": "2024-05-07T23:30:15.250000Z", "device_type": "mobile",
         "language": "pl", "respondent": {"uuid": "a1b2-visitor-2", "attributes": []},
         "answers": [nps(6)]},
        {"uuid": "0f6f2b1e-0003", "collected_at": "2024-05-08T08:00:00.000000Z",
         "respondent": {"uuid": "a1b2-visitor-3", "attributes": []}, "answers": [text("left early")]},
        {"uuid": "0f6f2b1e-0004", "collected_at": "2024-13-45T08:00:00.000000Z",
         "respondent": {"uuid": "a1b2-visitor-4", "attributes": []}, "answers": [nps(10)]},
    ], "pagination_data": {"has_more": True, "next_url": "/surveys/8f2c/responses?start=0f6f2b1e-0004"}}


SURVICATE_CSV = (
    # Survicate does not publish its dashboard CSV layout: the API's response fields as
    # Fivetran names them (uuid, collected_at, respondent_uuid), then one column per question.
    "uuid,collected_at,respondent_uuid,How likely are you to recommend Acme to a friend?,"
    "What is the main reason for your score?,plan\n"
    "r-1,2024-05-06T10:00:00.000000Z,v-1,10,\"Fast, friendly\",Pro\n"
    "r-2,2024-05-06T11:00:00.000000Z,v-2,,,Free\n"
    "r-3,2024-05-06T12:00:00.000000Z,v-3,7.5,hm,Free\n"
)


def test_survicate_api_page_exact_values(tmp_path):
    path = write(tmp_path, "survicate_page.json", survicate_page())
    assert detect_format(path) == "survicate"
    batch = read_export(path)
    assert accounted(batch) and (batch.read, len(batch.responses), batch.unanswered) == (4, 2, 1)
    assert records(batch, "response_id", "customer_id", "score", "comment", "plan", "company_size") == [
        {"response_id": "0f6f2b1e-0001", "customer_id": "a1b2-visitor-1", "score": 9, "comment": "Setup took minutes",
         "plan": "Pro", "company_size": "11-50"},
        {"response_id": "0f6f2b1e-0002", "customer_id": "a1b2-visitor-2", "score": 6, "comment": None,
         "plan": None, "company_size": None},
    ]
    assert batch.responses["responded_at"].tolist() == [
        utc(2024, 5, 6, 10), pd.Timestamp("2024-05-07 23:30:15.250", tz="UTC"),
    ]
    assert rejects(batch) == [[4, "collected_at", "2024-13-45T08:00:00.000000Z", "date_unreadable"]]


def test_survicate_several_nps_questions_need_a_mapping(tmp_path):
    page = survicate_page()
    page["data"][0]["answers"].append({"question_id": 777, "question_type": "nps", "answer": {"content": "4"}})
    path = write(tmp_path, "two_nps.json", page)
    with pytest.raises(NpsInputError, match="several NPS questions .*question_501, question_777"):
        read_export(path)
    batch = read_export(path, mapping=ExportMapping(columns={"score": "question_777"}))
    # Only the first response answered question 777; an unanswered row's date is not checked.
    assert batch.responses["score"].tolist() == [4] and (batch.unanswered, len(batch.rejects)) == (3, 0)


def test_survicate_csv_of_api_fields(tmp_path):
    path = write(tmp_path, "survicate.csv", SURVICATE_CSV)
    assert detect_format(path) == "survicate"
    batch = read_export(path)
    assert accounted(batch) and (batch.read, batch.unanswered) == (3, 1)
    assert records(batch, "response_id", "customer_id", "score", "comment", "plan") == [
        {"response_id": "r-1", "customer_id": "v-1", "score": 10, "comment": "Fast, friendly", "plan": "Pro"},
    ]
    assert batch.responses["responded_at"].tolist() == [utc(2024, 5, 6, 10)]
    assert rejects(batch) == [[4, "How likely are you to recommend Acme to a friend?", "7.5", "score_not_whole"]]


def test_survicate_respondent_and_date_layout_with_format_option(tmp_path):
    """The layout the issue names ("Respondent ID", "Date", question texts) is not detected
    (no published source; "Respondent ID" and "Date" are common words) but reads with
    --format survicate: the respondent is the customer, the response id a hash of the row."""
    path = write(tmp_path, "survicate_export.csv",
                 "Respondent ID,Date,How likely are you to recommend us?,Why?\nv-9,2024-05-06 10:00,8,ok\n")
    assert detect_format(path) == "generic"
    batch = read_export(path, fmt="survicate")
    assert records(batch, "customer_id", "score", "comment") == [{"customer_id": "v-9", "score": 8, "comment": "ok"}]
    assert len(batch.responses["response_id"].iloc[0]) == 32


# --- All four -------------------------------------------------------------------------------

EXPORTS = {
    "wootric_page2.json": wootric_page,
    "wootric.csv": lambda: WOOTRIC_CSV,
    "retently_page2.json": retently_page,
    "retently.csv": lambda: RETENTLY_CSV,
    "asknicely_page2.json": asknicely_page,
    "asknicely.csv": lambda: ASKNICELY_CSV,
    "survicate_page.json": survicate_page,
    "survicate.csv": lambda: SURVICATE_CSV,
}


@pytest.mark.parametrize("name", EXPORTS)
def test_reingest_adds_nothing_and_every_row_is_accounted_for(tmp_path, name):
    path = write(tmp_path, name, EXPORTS[name]())
    store = Store(tmp_path / "store")
    first = ingest_files([path], client_id="acme", store=store)[0]
    assert first.read == first.stored + first.duplicates + first.unanswered + first.rejected_total
    assert first.stored > 0 and first.rejected_total > 0
    rejects_before = store.read_rejects("acme")
    second = ingest_files([path], client_id="acme", store=store)[0]
    assert (second.stored, second.duplicates, second.unanswered) == (0, first.stored, first.unanswered)
    assert second.rejected == first.rejected
    pd.testing.assert_frame_equal(store.read_rejects("acme"), rejects_before)
    assert len(store.read("responses", "acme")) == first.stored


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plain.csv", "Respondent ID,Date,How likely are you to recommend us?\n1,2021-03-01,9\n"),
        ("plain.json", [{"id": 1, "date": "2021-03-01", "score": 9, "created_at": "2021-03-01"}]),
        ("envelope.json", {"data": [{"id": 1, "date": "2021-03-01", "nps": 9}], "page": 1}),
    ],
)
def test_other_exports_stay_generic(tmp_path, name, content):
    assert detect_format(write(tmp_path, name, content)) == "generic"


@pytest.mark.parametrize("fmt", ["survicate", "wootric", "retently", "asknicely"])
@pytest.mark.parametrize("content", ["[1, 2]", '{"data": "x"}', '"text"', "{}"])
def test_json_that_is_not_a_page_of_records_is_an_input_error(tmp_path, fmt, content):
    path = tmp_path / "odd.json"
    path.write_text(content)
    with pytest.raises(NpsInputError):
        read_export(path, fmt=fmt)
