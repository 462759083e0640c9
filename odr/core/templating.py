"""Jinja filters and globals: money, local times, labels of enumerated values."""

from decimal import Decimal

from flask import request
from flask_babel import format_date, format_datetime, get_locale

from odr.audit.labels import action_label
from odr.core.labels import label


def money(value):
    """An amount in CNY with two decimals and thousands separators."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    return f"¥{amount:,.2f}"


def local_datetime(value, fmt="yyyy-MM-dd HH:mm"):
    return format_datetime(value, fmt) if value else ""


def local_date(value, fmt="yyyy-MM-dd"):
    return format_date(value, fmt) if value else ""


def url_with(**changes):
    """The current URL with some query arguments changed (for filters and pagination)."""
    from flask import url_for

    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for k, v in changes.items():
        if v is None:
            args.pop(k, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def bounded(count):
    """A paging.Count as shown: the number, or "more than 1,000" past its bound."""
    from flask_babel import format_number
    from flask_babel import gettext as _

    if getattr(count, "exceeded", False):
        return _("more than %(num)s", num=format_number(count.bound))
    return format_number(int(count or 0))


def label_of(code, kind):
    """The label of a stored code (e.g. 'trademark') of an enumeration named KIND."""
    from odr.cases.models import Industry, IPType
    from odr.experts.models import Language, TechnicalField

    enum_cls = {
        "ip_type": IPType,
        "industry": Industry,
        "technical_field": TechnicalField,
        "language": Language,
    }[kind]
    try:
        return enum_cls(code).label
    except ValueError:
        return code


def current_locale():
    """'zh_CN' or 'en': the platform's name for the language of this request."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"


def init_app(app):
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["bounded"] = bounded
    app.jinja_env.filters["dt"] = local_datetime
    app.jinja_env.filters["d"] = local_date
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["label_of"] = label_of
    app.jinja_env.filters["timeline_label"] = action_label
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
