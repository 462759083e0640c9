"""Technical questions and opinions: asked by the mediator, answered by the investigator."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.accounts.models import User
from odr.audit.operations import record
from odr.cases.models import Case, CaseState
from odr.cases.workflow import Capacity, capacities
from odr.core import storage
from odr.core.db import utcnow
from odr.core.labels import zh
from odr.experts.models import OpinionAttachment, OpinionVisibility, TechnicalOpinion, TechnicalQuestion
from odr.experts.operations import AssignmentError
from odr.extensions import db

NEUTRALS = {
    Capacity.MEDIATOR,
    Capacity.TECHNICAL_INVESTIGATOR,
    Capacity.CLERK,
    Capacity.ARBITRATOR,  # a tribunal hearing the dispute after mediation reads the opinions too
}
ATTACHMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")


def can_read_opinion(opinion, user: User) -> bool:
    """Whoever reads the case's opinions, and the investigator who wrote it, also once released."""
    return opinion.investigator_id == getattr(user, "id", None) or can_read_opinions(opinion.case, user)


def can_read_opinions(case: Case, user: User) -> bool:
    """Neutrals always; the parties only when the case's setting lets them."""
    held = capacities(case, user)
    if held & NEUTRALS:
        return True
    return case.opinion_visibility == OpinionVisibility.PARTIES and case.party_of(user) is not None


def may_ask(case: Case, user: User) -> bool:
    """The mediator while the case is being mediated, or in arbitration the presiding (or sole)
    arbitrator, puts technical questions: a mediation that has ended has no questions left to ask."""
    held = capacities(case, user)
    return (
        Capacity.MEDIATOR in held and case.state == CaseState.MEDIATING
    ) or Capacity.PRESIDING_ARBITRATOR in held


def ask_question(case: Case, mediator: User, text: str) -> TechnicalQuestion:
    held = capacities(case, mediator)
    if not held & {Capacity.MEDIATOR, Capacity.PRESIDING_ARBITRATOR}:
        raise AssignmentError(_l("Only the case's mediator puts technical questions."))
    if not may_ask(case, mediator):
        raise AssignmentError(_l("The mediation has ended: no more technical questions are put in it."))
    if not (text or "").strip():
        raise AssignmentError(_l("Write the question."))
    question = TechnicalQuestion(case_id=case.id, asked_by=mediator, text=text.strip())
    db.session.add(question)
    db.session.flush()
    record("opinion.question_asked", question, case=case, actor=mediator, details={"text": question.text})
    return question


def open_questions(case: Case) -> list[TechnicalQuestion]:
    return db.session.scalars(
        sa.select(TechnicalQuestion)
        .where(TechnicalQuestion.case_id == case.id, TechnicalQuestion.opinion_id.is_(None))
        .order_by(TechnicalQuestion.id)
    ).all()


def may_answer(case: Case, user: User) -> bool:
    """Whether USER answers technical questions on CASE: its serving investigator, or one released
    from the mediation whom the tribunal of the later arbitration calls on with its questions."""
    held = capacities(case, user)
    return Capacity.TECHNICAL_INVESTIGATOR in held or (
        Capacity.FORMER_INVESTIGATOR in held and bool(questions_for(case, user))
    )


def questions_for(case: Case, user: User) -> list[TechnicalQuestion]:
    """The open questions USER may answer: all of them for the serving investigator; for one released
    from the mediation, only those the tribunal put (a released seat otherwise acts on nothing)."""
    held = capacities(case, user)
    if Capacity.TECHNICAL_INVESTIGATOR in held:
        return open_questions(case)
    if Capacity.FORMER_INVESTIGATOR not in held:
        return []
    return [q for q in open_questions(case) if Capacity.PRESIDING_ARBITRATOR in capacities(case, q.asked_by)]


def file_opinion(
    case: Case, investigator: User, *, question_ids, analysis: str, conclusion: str, attachments=()
) -> TechnicalOpinion:
    """File the opinion answering QUESTION_IDS; ATTACHMENTS are (filename, bytes) pairs.

    The opinion is rendered to its PDF at once and the PDF's SHA-256 kept, so what was filed
    can always be shown as it was.
    """
    from odr.experts.pdf import render_technical_opinion

    if not may_answer(case, investigator):
        raise AssignmentError(_l("Only the case's technical investigator files an opinion."))
    questions = [q for q in questions_for(case, investigator) if q.id in set(question_ids)]
    if not questions:
        raise AssignmentError(_l("Choose at least one open question the opinion answers."))
    if not (analysis or "").strip() or not (conclusion or "").strip():
        raise AssignmentError(_l("The opinion needs an analysis and a conclusion."))
    opinion = TechnicalOpinion(
        case=case,
        investigator=investigator,
        analysis=analysis.strip(),
        conclusion=conclusion.strip(),
        filed_at=utcnow(),
    )
    for filename, data in attachments:
        stored = storage.store(data, allowed=ATTACHMENT_TYPES)
        opinion.attachments.append(
            OpinionAttachment(
                filename=filename[:255],
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
        )
    db.session.add(opinion)
    db.session.flush()
    for q in questions:
        q.opinion_id = opinion.id
    pdf = render_technical_opinion(opinion_data(opinion, questions))
    opinion.pdf_sha256 = storage.store(pdf, allowed=("application/pdf",)).sha256
    record(
        "opinion.filed",
        opinion,
        case=case,
        actor=investigator,
        details={
            "questions": [q.id for q in questions],
            "pdf_sha256": opinion.pdf_sha256,
            "attachments": [{"name": a.filename, "sha256": a.sha256} for a in opinion.attachments],
        },
    )
    return opinion


def opinion_data(opinion: TechnicalOpinion, questions=None) -> dict:
    """The plain data the opinion PDF is made from."""
    case = opinion.case
    investigator = opinion.investigator
    return {
        "case_number": case.number,
        "case_title": case.title,
        "ip_type_label": zh(case.ip_type),
        "investigator_name": investigator.name,
        "organisation_name": investigator.organisation.name if investigator.organisation else "",
        "filed_at": opinion.filed_at,
        "questions": [q.text for q in (questions if questions is not None else opinion.questions)],
        "analysis": opinion.analysis,
        "conclusion": opinion.conclusion,
        "attachments": [
            {"name": a.filename, "sha256": a.sha256, "size": a.size} for a in opinion.attachments
        ],
        "visibility_label": zh(OpinionVisibility(case.opinion_visibility)),
    }


def can_set_visibility(case: Case, user: User) -> bool:
    """Who may read the opinions is the mediator's decision, or in arbitration the tribunal's (its
    presiding or sole arbitrator): not the clerk's, nor a party's."""
    return bool(capacities(case, user) & {Capacity.MEDIATOR, Capacity.PRESIDING_ARBITRATOR})


def set_visibility(case: Case, user: User, visibility: str):
    if not can_set_visibility(case, user):
        raise AssignmentError(
            _l("Only the mediator, or in arbitration the tribunal, decides who may read technical opinions.")
        )
    visibility = OpinionVisibility(visibility)
    if case.opinion_visibility == visibility:
        return
    old = case.opinion_visibility
    case.opinion_visibility = visibility.value
    record("opinion.visibility_changed", case, actor=user, details={"from": old, "to": visibility.value})
