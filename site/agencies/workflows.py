"""What happens when an agency workflow is approved."""


def publish_approved(workflow_state, user=None) -> None:
    """Publish the approved revision.

    The approval is the authorisation: agency staff hold no publish permission
    (so nobody can publish around the workflow), and PeerApprovalTask has already
    checked that the approver is a member of the agency other than the submitter.
    """
    workflow_state.content_object.get_latest_revision().publish(
        user=user, skip_permission_checks=True
    )
