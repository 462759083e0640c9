"""How the list's audit actions read in a timeline."""

from odr.audit import labels
from odr.registry.workflow import Action


def register():
    from flask_babel import lazy_gettext as _l

    labels.register({f"registry.{a.value}": a.label for a in Action})
    labels.register(
        {
            "registry.finding_recorded": _l("A decision was recorded for the list of infringers"),
            "registry.repair_applied": _l("Credit repair applied for"),
            "registry.repair_refused": _l("Credit repair refused"),
            "registry.exported": _l("The list was exported"),
        }
    )
