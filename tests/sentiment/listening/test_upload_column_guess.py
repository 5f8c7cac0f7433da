"""The mapping step of an upload pre-selects the columns a forum or spreadsheet export names
in its own words: the source form's own example maps 發文時間, which was left unchosen (only
the field's name or its label, 發布時間, was recognised)."""

from django.utils import translation

from sentiment.listening.forms import UploadMappingForm


def test_common_column_names_are_chosen_for_their_fields():
    columns = ["編號", "內容", "發文時間", "作者", "網址", "按讚數"]
    with translation.override("zh-hant"):
        form = UploadMappingForm(columns=columns)
        initial = {name: field.initial for name, field in form.fields.items()}
    assert initial["map_id"] == "編號"
    assert initial["map_text"] == "內容"
    assert initial["map_published_at"] == "發文時間"
    assert initial["map_author"] == "作者"
    assert initial["map_url"] == "網址"
    assert initial["map_likes"] == "按讚數"
    assert initial["map_title"] == "" and initial["map_parent_id"] == ""


def test_english_exports_and_last_times_choice():
    columns = ["Post ID", "Content", "Created At", "User", "Date"]
    form = UploadMappingForm(columns=columns, mapping={"published_at": "Date"})
    assert form.fields["map_published_at"].initial == "Date"  # the one chosen last time
    assert form.fields["map_text"].initial == "Content"
    form = UploadMappingForm(columns=["content", " Created_At "])
    assert form.fields["map_published_at"].initial == " Created_At "
