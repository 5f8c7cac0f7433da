"""Declaring background jobs with a bounded retry policy.

``@job(max_attempts=3)`` is ``django_tasks.task`` plus a retry policy: when an
attempt raises, the worker records the failure (exception and traceback stay
visible to administrators on the task result) and, while attempts remain, the
same task result is put back in the queue after an exponential back-off.
Only declare retries for jobs that are safe to run again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django_tasks import task


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    backoff_seconds: float

    def delay_before(self, attempt: int) -> timedelta:
        """The wait before attempt number ``attempt + 1`` (1-based attempts)."""
        return timedelta(seconds=self.backoff_seconds * 2 ** (attempt - 1))


_retry_policies: dict[str, RetryPolicy] = {}


def job(
    *, max_attempts: int = 3, backoff_seconds: float = 10, **task_options: Any
) -> Callable[[Callable[..., Any]], Any]:
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def decorator(function: Callable[..., Any]):
        declared = task(**task_options)(function)
        _retry_policies[declared.module_path] = RetryPolicy(max_attempts, backoff_seconds)
        return declared

    return decorator


def retry_policy_for(task_path: str) -> RetryPolicy | None:
    return _retry_policies.get(task_path)
