"""Claim-chart pages: drawing up the chart, the respondent's answers, the investigator's comments, the PDF."""

from io import BytesIO

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from odr.cases.models import Side
from odr.cases.views import flash_form_errors, load_case, run
from odr.cases.workflow import Capacity, capacities
from odr.evidence import charts
from odr.evidence.access import side_of
from odr.evidence.forms import ChartForm, ChartRowForm, RowAnswerForm, RowCommentForm
from odr.evidence.models import ChartState, ClaimChart, ClaimChartRow, Exhibit, Visibility
from odr.evidence.views import bp
from odr.extensions import db


def _me():
    return current_user._get_current_object()


def load_chart(chart_id) -> ClaimChart:
    chart = db.session.get(ClaimChart, chart_id)
    if chart is None or not chart.can_view(current_user):
        abort(404)
    return chart


def _row(chart, row_id) -> ClaimChartRow:
    row = db.session.get(ClaimChartRow, row_id)
    if row is None or row.chart_id != chart.id:
        abort(404)
    return row


def _back(chart):
    return redirect(url_for("evidence.chart", chart_id=chart.id))


def _row_form(chart, formdata=None):
    form = ChartRowForm(formdata=formdata) if formdata is not None else ChartRowForm(formdata=None)
    exhibits = db.session.scalars(
        sa.select(Exhibit)
        .where(
            Exhibit.case_id == chart.case_id,
            Exhibit.side == Side.CLAIMANT,
            Exhibit.visibility != Visibility.CONFIDENTIAL,
        )
        .order_by(Exhibit.seq)
    )
    form.exhibit_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(e.id, f"{e.number} {e.title}") for e in exhibits
    ]
    return form


@bp.route("/cases/<int:case_id>/claim-charts/new", methods=["GET", "POST"])
@login_required
def new_chart(case_id):
    case = load_case(case_id)
    if side_of(case, current_user) != Side.CLAIMANT or not charts.charts_apply(case):
        abort(403)
    form = ChartForm()
    if form.validate_on_submit():
        chart = run(
            charts.create_chart,
            case,
            _me(),
            claim=form.claim.data,
            accused_product=form.accused_product.data,
            success=_("Claim chart started. Add the claim's features one by one."),
        )
        if chart:
            return _back(chart)
    elif request.method == "POST":
        flash(_("Please correct the marked fields; nothing was saved."), "danger")
    return render_template("evidence/chart_new.html", case=case, form=form)


@bp.route("/claim-charts/<int:chart_id>")
@login_required
def chart(chart_id):
    return _chart_page(load_chart(chart_id))


def _chart_page(chart, row_form=None, status=200, answer_forms=None, comment_forms=None):
    me = _me()
    case = chart.case
    side = side_of(case, me)
    is_investigator = Capacity.TECHNICAL_INVESTIGATOR in capacities(case, me)
    editing = side == Side.CLAIMANT and chart.state == ChartState.DRAFT
    answering = side == Side.RESPONDENT and chart.state == ChartState.SUBMITTED
    answer_forms = answer_forms or {}
    comment_forms = comment_forms or {}
    for row in chart.rows:
        if answering and row.id not in answer_forms:
            answer_forms[row.id] = RowAnswerForm(
                formdata=None,
                prefix=f"a{row.id}",
                position=row.respondent_position.value if row.respondent_position else None,
                reason=row.respondent_reason,
            )
        if is_investigator and row.id not in comment_forms:
            comment_forms[row.id] = RowCommentForm(
                formdata=None, prefix=f"c{row.id}", comment=row.investigator_comment
            )
    return (
        render_template(
            "evidence/chart.html",
            chart=chart,
            case=case,
            editing=editing,
            answering=answering,
            row_form=row_form or (_row_form(chart) if editing else None),
            answer_forms=answer_forms,
            comment_forms=comment_forms if is_investigator else {},
        ),
        status,
    )


@bp.route("/claim-charts/<int:chart_id>/rows", methods=["POST"])
@login_required
def add_row(chart_id):
    chart = load_chart(chart_id)
    form = _row_form(chart, request.form)
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields; the row was not added."), "danger")
        return _chart_page(chart, row_form=form, status=400)
    if run(
        charts.add_row,
        chart,
        _me(),
        claim_feature=form.claim_feature.data,
        accused_feature=form.accused_feature.data,
        exhibit_id=form.exhibit_id.data or None,
        success=_("Row added."),
    ):
        return _back(chart)
    return _chart_page(chart, row_form=form, status=400)


@bp.route("/claim-charts/<int:chart_id>/rows/<int:row_id>/delete", methods=["POST"])
@login_required
def remove_row(chart_id, row_id):
    chart = load_chart(chart_id)
    run(charts.remove_row, _row(chart, row_id), _me(), success=_("Row removed."))
    return _back(chart)


@bp.route("/claim-charts/<int:chart_id>/submit", methods=["POST"])
@login_required
def submit_chart(chart_id):
    chart = load_chart(chart_id)
    run(charts.submit, chart, _me(), success=_("The claim chart has been sent to the respondent."))
    return _back(chart)


@bp.route("/claim-charts/<int:chart_id>/rows/<int:row_id>/answer", methods=["POST"])
@login_required
def answer_row(chart_id, row_id):
    chart = load_chart(chart_id)
    row = _row(chart, row_id)
    form = RowAnswerForm(prefix=f"a{row.id}")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _chart_page(chart, status=400, answer_forms={row.id: form})
    if run(charts.answer_row, row, _me(), form.position.data, form.reason.data, success=_("Saved.")):
        return redirect(url_for("evidence.chart", chart_id=chart.id) + f"#row-{row.id}")
    return _chart_page(chart, status=400, answer_forms={row.id: form})


@bp.route("/claim-charts/<int:chart_id>/complete", methods=["POST"])
@login_required
def complete_chart(chart_id):
    chart = load_chart(chart_id)
    run(charts.complete, chart, _me(), success=_("Your answers have been sent back."))
    return _back(chart)


@bp.route("/claim-charts/<int:chart_id>/rows/<int:row_id>/comment", methods=["POST"])
@login_required
def comment_row(chart_id, row_id):
    chart = load_chart(chart_id)
    row = _row(chart, row_id)
    form = RowCommentForm(prefix=f"c{row.id}")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _chart_page(chart, status=400, comment_forms={row.id: form})
    if run(charts.comment_row, row, _me(), form.comment.data, success=_("Comment saved.")):
        return redirect(url_for("evidence.chart", chart_id=chart.id) + f"#row-{row.id}")
    return _chart_page(chart, status=400, comment_forms={row.id: form})


@bp.route("/claim-charts/<int:chart_id>/pdf")
@login_required
def chart_pdf(chart_id):
    from odr.evidence.pdf import render_claim_chart

    chart = load_chart(chart_id)
    pdf = render_claim_chart(charts.chart_data(chart))
    return send_file(
        BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{chart.case.number or 'case'}-claim-chart-{chart.id}.pdf",
    )
