"""Background job of the reports app: a report is generated in the worker, never in a request."""

from minyi.jobs.tasks import job


# One attempt: a failure is recorded on the report (status failed, with the reason) and the
# analyst asks for a new version; retrying the same computation would fail the same way.
@job(max_attempts=1)
def report_generation(*, report_id: int) -> str:
    from .services import report_build

    return report_build(report_id=report_id)


# Printing again is safe (the file is replaced whole); a worker that died mid-print is retried.
@job(max_attempts=2, backoff_seconds=5)
def report_pdf_render(*, pdf_id: int, base_url: str) -> str:
    from .services import report_pdf_build

    return report_pdf_build(pdf_id=pdf_id, base_url=base_url)
