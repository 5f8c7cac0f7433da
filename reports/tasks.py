"""Background job of the reports app: a report is generated in the worker, never in a request."""

from minyi.jobs.tasks import job


# One attempt: a failure is recorded on the report (status failed, with the reason) and the
# analyst asks for a new version; retrying the same computation would fail the same way.
@job(max_attempts=1)
def report_generation(*, report_id: int) -> str:
    from .services import report_build

    return report_build(report_id=report_id)
