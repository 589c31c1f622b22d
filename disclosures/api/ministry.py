"""The ministry endpoints: officials and supervisors read their ministry's requests, versions and records.

Read only for now (ministry tokens are read-only and need a second factor verified when made); this
feeds a ministry's own case-management system. Writes for the ministry may come later.
"""

from disclosures.api.organisation import OrganisationRequestViewSet
from disclosures.states import MINISTRY


class MinistryRequestViewSet(OrganisationRequestViewSet):
    """The ministry's requests (drafts included), their submitted versions, files and records."""

    audience_roles = MINISTRY
    http_method_names = ["get", "head", "options"]
