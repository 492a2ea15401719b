"""The topics of the knowledge file: the questions a list of facts answers."""

from enum import Enum


class Topic(str, Enum):
    """The questions answered by a list of facts; each has an action `action_answer_<topic>`."""

    PRESENTATION = "presentation"
    CONDITIONS = "conditions"
    FREE = "free"
    ANONYMOUS = "anonymous"
    APPOINTMENT = "appointment"
    AUDIENCE = "audience"
    HOURS = "hours"
    ADDRESS = "address"
    CONTACT = "contact"
    SERVICES = "services"
    ADVISERS = "advisers"
    PRINCIPLES = "principles"
    ORG_CHART = "org_chart"
