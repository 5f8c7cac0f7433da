"""Decision reports, mounted under /reports/ (and /en/reports/)."""

from django.urls import path

from . import views

app_name = "reports"
_version = "consultations/<int:consultation_id>/v<int:version>/"
urlpatterns = [
    path("consultations/<int:consultation_id>/", views.report_index, name="index"),
    path(
        "consultations/<int:consultation_id>/generate/",
        views.report_generate_view,
        name="generate",
    ),
    path("consultations/<int:consultation_id>/latest/", views.report_latest, name="latest"),
    path(
        "consultations/<int:consultation_id>/readings/",
        views.comment_readings_view,
        name="readings",
    ),
    path(_version, views.report_detail, name="detail"),
    path(_version + "status.json", views.report_status, name="status"),
    path(_version + "publish/", views.report_publish_view, name="publish"),
    path(_version + "report.html", views.report_html, name="html"),
    path(_version + "report.xlsx", views.report_xlsx, name="xlsx"),
    path(_version + "report.pdf", views.report_pdf, name="pdf"),
    path(_version + "report-pdf.json", views.report_pdf_status, name="pdf_status"),
    path(_version + "tables/<slug:table>.csv", views.table_csv, name="table_csv"),
    path(_version + "response-table.xlsx", views.response_table_xlsx, name="response_xlsx"),
    path(_version + "response-table.doc", views.response_table_doc, name="response_doc"),
]
