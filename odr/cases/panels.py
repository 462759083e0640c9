"""Sections other parts of the platform add to a case page.

A panel is a function (case, user) -> (template name, context) or None; the case page renders
every panel that answers, in the order registered.
"""

_PANELS = []


def register(panel):
    if panel not in _PANELS:
        _PANELS.append(panel)


def for_case(case, user):
    return [p for p in (panel(case, user) for panel in _PANELS) if p is not None]


_DASHBOARD = []


def register_dashboard(widget):
    """A section of the dashboard: widget(user) -> (template name, context) or None."""
    if widget not in _DASHBOARD:
        _DASHBOARD.append(widget)


def for_dashboard(user):
    return [w for w in (widget(user) for widget in _DASHBOARD) if w is not None]
