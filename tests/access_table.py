"""Who may reach each route of the platform: one table, keyed by endpoint, read by
tests/test_access_map.py against every demo account and objects of their own and of other cases.

Each entry names the people allowed, in the domain's words (DESIGN §1: what a user may see is
decided per object, not per role). Role words need only the account; case words are decided on the
case the route's object belongs to, from the case's own records (its parties and approved agents,
its receiving organisation, the experts' seats, the tribunal, the courts applied to), never by
asking the platform's access code:

role words
  anyone          also a visitor who has not signed in
  signed_in       any account
  party_role      an account of a party (claimant, respondent, agent)
  clerk           a clerk of the mediation centre      arb_clerk   a clerk of an arbitration commission
  court           a court liaison officer               credit      a credit officer (market regulator)
  admin           the platform's administrator          expert      a mediator, arbitrator or investigator
case words
  party           a party of the case or its approved agent; claimant, respondent: of that side
  case_clerk      the mediation clerk of the case (not in a dispute filed directly for arbitration)
  mediator        a mediator serving on the case         former_mediator   one released from it
  investigator    the technical investigator serving     former_investigator
  tribunal        an arbitrator serving on its tribunal  chair       its presiding or sole arbitrator
  asked           an arbitrator asked to sit, not yet answered
  commission      a clerk of the commission the arbitration went to
  org_clerk       a clerk of the organisation that received the case (the commission, for a dispute
                  filed directly for arbitration)
  liaison         a liaison officer of a court an application of the case was sent to
  viewer          any of the case words
object words
  owner           the person or side the object is about: the expert an assignment asks or a profile
                  describes, the principal and agent of a power of attorney, the entity a list entry names,
                  the side (its parties and their agents) whose exhibit, preservation request or caucus
                  file it is, the obliged party of a breach report, a session's participants, the
                  investigator who wrote an opinion, the account a sign-in session is of
  addressee       a liaison officer of the court a request was sent to (preservation, enforcement),
                  and of an exhibit attached to a preservation request

``sample`` picks the objects the route is tried with (a model and, if needed, a filter); ``args``
fills the route's other arguments. A POST route is tried only by those the entry does not allow, with
the form as a page shows it to someone allowed, every box filled in: it must be refused (an error
status, the way to sign in, or a message saying why) and change nothing.
"""

from dataclasses import dataclass, field

CASE_WORDS = {
    "party",
    "claimant",
    "respondent",
    "case_clerk",
    "mediator",
    "former_mediator",
    "investigator",
    "former_investigator",
    "tribunal",
    "chair",
    "asked",
    "commission",
    "liaison",
    "org_clerk",
}
# Of the object itself (see above).
OBJECT_WORDS = {"owner", "addressee"}
ROLE_WORDS = {
    "anyone",
    "signed_in",
    "party_role",
    "clerk",
    "arb_clerk",
    "court",
    "credit",
    "admin",
    "expert",
}


@dataclass(frozen=True)
class Rule:
    who: frozenset
    sample: str | None = None  # a key of SAMPLES: which objects the route is tried with
    args: dict = field(default_factory=dict)
    # Only that nothing fails: the route answers for anyone, its content depending on a token or
    # a state the sweep does not set up (a reset link, an invitation).
    smoke: bool = False


def R(who: str, sample: str | None = None, smoke: bool = False, **args) -> Rule:
    words = frozenset(who.split())
    if "viewer" in words:
        words = (words - {"viewer"}) | CASE_WORDS
    unknown = words - CASE_WORDS - ROLE_WORDS - OBJECT_WORDS
    assert not unknown, f"unknown words {unknown}"
    return Rule(words, sample, args, smoke)


STAFF_LISTS = "clerk arb_clerk admin"
TRIBUNAL_OR_COMMISSION = "tribunal commission"

ACCESS: dict[str, Rule] = {
    # Public pages and the way in
    "core.index": R("anyone"),
    "core.favicon": R("anyone"),
    "core.healthz": R("anyone"),
    "core.switch_language": R("anyone", code="en"),
    "policies.privacy": R("anyone"),
    "policies.terms": R("anyone"),
    "accounts.login": R("anyone"),
    "accounts.register": R("anyone"),
    "accounts.forgot_password": R("anyone"),
    "accounts.reset_password": R("anyone", smoke=True, token="not-a-real-token"),
    "accounts.second_factor": R("anyone", smoke=True),
    "accounts.logout": R("anyone", smoke=True),
    "cases.invitation": R("anyone", smoke=True, token="not-a-real-token"),
    "registry.index": R("anyone"),
    "registry.changes": R("anyone"),
    "registry.entry": R("anyone", sample="published_entry"),
    "stats.public": R("anyone"),
    "stats.public_csv": R("anyone", table_id="by_ip_type"),
    "evidence.verify": R("anyone"),
    # Checking a document's audit checkpoint against the platform's public key
    "audit.checkpoint": R("anyone", smoke=True),
    "audit.public_key": R("anyone", smoke=True),
    "static": R("anyone", filename="css/app.css"),
    # One's own account
    "accounts.account": R("signed_in"),
    "accounts.end_all_sessions": R("signed_in", smoke=True),
    "accounts.end_session": R("owner", sample="login_session"),
    "accounts.two_factor": R("signed_in"),
    "accounts.two_factor_action": R("signed_in", smoke=True, action="disable"),
    "cases.dashboard": R("signed_in"),
    "cases.index": R("signed_in"),
    "notifications.index": R("signed_in"),
    "rooms.calendar": R("signed_in"),
    "identity.mine": R("party_role"),
    "survey.index": R("signed_in"),
    "survey.answer": R("signed_in", smoke=True, sample="survey_invitation"),
    # Administration
    "admin.new_user": R("admin"),
    "admin.organisations": R("admin"),
    "admin.outbox": R("admin"),
    "admin.users": R("admin"),
    "admin.reset_two_factor": R("admin", sample="user"),
    "admin.set_active": R("admin", sample="user"),
    "admin.sign_out_everywhere": R("admin", sample="user"),
    "agreements.clauses": R("admin"),
    "agreements.clause_edit": R("admin", sample="clause_template"),
    "restdays.index": R("admin"),
    "restdays.import_rows": R("admin"),
    "restdays.remove_day": R("admin", day="2027-01-01"),
    "restdays.seed": R("admin"),
    "restdays.set_day": R("admin"),
    "experts.index": R("admin clerk arb_clerk"),
    "experts.show": R("admin clerk arb_clerk owner", sample="expert_profile"),
    "experts.new": R("admin clerk arb_clerk"),
    "experts.edit": R("admin clerk arb_clerk", sample="expert_profile"),
    "experts.suspend": R("admin clerk arb_clerk", sample="expert_profile"),
    "experts.reinstate": R("admin clerk arb_clerk", sample="expert_profile"),
    "experts.mine": R("expert"),
    "experts.remove": R("expert", smoke=True, kind="training", item_id="1"),
    # Staff desks
    "cases.intake": R("clerk arb_clerk"),
    "identity.queue": R("clerk arb_clerk"),
    "identity.review": R("clerk arb_clerk", sample="identity_request"),
    "identity.document": R("clerk arb_clerk", sample="identity_document"),
    "identity.revoke": R("clerk arb_clerk", sample="user"),
    "assignments.overview": R("clerk arb_clerk"),
    "assignments.caseload": R("expert"),
    "arbitration.queue": R("arb_clerk"),
    "court.queue": R("court"),
    "evidence.court_requests": R("court"),
    "handover.queue": R("court arb_clerk"),
    "stats.dashboard": R(STAFF_LISTS + " court"),
    "stats.dashboard_csv": R(STAFF_LISTS + " court", table_id="by_ip_type"),
    "reports.annual": R("admin"),
    "reports.annual_pdf": R("admin", year="2026"),
    "reports.add_typical": R("admin", year="2026"),
    "reports.remove_typical": R("admin", sample="typical_case"),
    "survey.staff_results": R("clerk arb_clerk admin court"),
    "survey.expert_results": R("expert"),
    # The list of infringers (the credit officers' desk)
    "registry.desk": R("credit"),
    "registry.manage": R("credit owner", sample="entry"),
    "registry.export": R("credit", what="entries", format="csv"),
    "registry.judgments": R("court"),
    "registry.record_judgment": R("court", smoke=True, sample="handover"),
    "registry.new_finding": R("credit"),
    "registry.finding_document": R("credit", sample="finding_with_document"),
    "registry.scan": R("credit"),
    "registry.review": R("credit", sample="entry"),
    "registry.notify": R("credit", sample="entry"),
    "registry.publish": R("credit", sample="entry"),
    "registry.withdraw": R("credit", sample="entry"),
    "registry.archive": R("credit", sample="entry"),
    "registry.correct": R("credit", sample="entry"),
    "registry.decide_objection": R("credit", sample="entry"),
    "registry.decide_repair": R("credit", sample="repair"),
    "registry.repair_proof": R("credit", smoke=True, sample="repair"),
    "registry.mine": R("signed_in"),
    "registry.object_to": R("party_role", smoke=True, sample="entry"),
    "registry.apply_for_repair": R("party_role", smoke=True, sample="entry"),
    # Filing
    "cases.new": R("party_role"),
    "arbitration.apply_directly": R("party_role"),
    # The case and what hangs on it
    "cases.show": R("viewer", sample="case"),
    "cases.accept": R("case_clerk", sample="case"),
    "cases.refuse": R("case_clerk", sample="case"),
    "cases.refer": R("case_clerk", sample="case"),
    "cases.close": R("case_clerk", sample="case"),
    "cases.terminate": R("mediator", sample="case"),
    "cases.withdraw": R("claimant", sample="case"),
    "cases.answer": R("respondent", sample="case"),
    "cases.reissue_invitation": R("case_clerk", sample="case_party"),
    "cases.record_representative": R("owner org_clerk", sample="case_party"),
    "attorneys.file_power": R("party", sample="case"),
    "attorneys.decide": R("org_clerk", sample="power"),
    "attorneys.revoke": R("party org_clerk", sample="power"),
    "attorneys.document": R("org_clerk owner", sample="power"),
    "deadlines.propose": R("party mediator", sample="case"),
    "deadlines.answer": R("party", sample="extension"),
    "deadlines.withdraw": R("mediator", sample="extension"),
    # Experts on the case
    "assignments.candidates": R("case_clerk", sample="case", seat="mediator"),
    "assignments.choose_mediator": R("party", sample="case"),
    "assignments.answer": R("case_clerk owner", sample="assignment"),
    "assignments.request_recusal": R("party", sample="assignment"),
    "assignments.decide_recusal": R("case_clerk", sample="recusal"),
    "assignments.ask_question": R("mediator chair", sample="case"),
    "assignments.opinion_visibility": R("mediator chair", sample="case"),
    "assignments.new_opinion": R("investigator", sample="case"),
    # Read by the neutrals and the investigator who wrote it; the parties only where the mediator lets
    # them (not in the demo case).
    "assignments.show_opinion": R("mediator investigator case_clerk tribunal owner", sample="opinion"),
    "assignments.opinion_pdf": R("mediator investigator case_clerk tribunal owner", sample="opinion"),
    "assignments.opinion_attachment": R(
        "mediator investigator case_clerk tribunal owner", sample="attachment"
    ),
    # Rooms and sessions
    "rooms.show": R("party mediator", sample="joint_room"),
    "rooms.transcript": R("party mediator former_mediator case_clerk", sample="joint_room"),
    # A file shared in the joint room is for both sides; one in a caucus for its side (and the mediator).
    "rooms.download": R("owner mediator", sample="room_file"),
    "rooms.upload": R("party mediator", sample="joint_room"),
    "rooms.open_room": R("mediator", sample="joint_room"),
    "rooms.close_room": R("mediator", sample="joint_room"),
    "rooms.move": R("mediator", sample="joint_room"),
    "rooms.invite": R("mediator", sample="joint_room", user_id="1"),
    "rooms.mute": R("mediator", sample="joint_room", user_id="1"),
    "rooms.schedule": R("mediator", sample="joint_room"),
    # A session's participants and the mediators; the clerk keeps the joint room's record, not a caucus's.
    "rooms.session_page": R("owner mediator former_mediator case_clerk", sample="joint_session"),
    "rooms.session_record": R("owner mediator former_mediator", sample="caucus_session"),
    # Evidence
    "evidence.docket": R("party mediator investigator case_clerk", sample="case"),
    "evidence.summary": R("mediator investigator case_clerk", sample="case"),
    "evidence.evidence_list": R("party mediator investigator case_clerk", sample="case"),
    "evidence.deposit": R("party", sample="case"),
    # An exhibit not shared is its side's (the party and its agents) and the neutrals'; a shared one
    # (the claimant's) both sides', and the other side answers it; a confidential one stays its side's.
    # The court asked to preserve evidence reads the exhibits attached to the request.
    "evidence.show": R("owner mediator investigator case_clerk addressee", sample="private_exhibit"),
    "evidence.download": R("party mediator investigator case_clerk addressee", sample="shared_exhibit"),
    "evidence.receipt": R("owner mediator investigator case_clerk addressee", sample="confidential_exhibit"),
    "evidence.respond": R("respondent", sample="shared_exhibit"),
    "evidence.visibility": R("owner", sample="private_exhibit"),
    "evidence.show_in_room": R("owner", sample="private_exhibit"),
    "evidence.new_chart": R("claimant", smoke=True, sample="case"),
    # A claim chart in draft is the claimant's (and the neutrals'); once sent, the case's; the respondent
    # answers its rows and sends it back, the investigator comments.
    "evidence.chart": R("viewer", sample="submitted_chart"),
    "evidence.chart_pdf": R("claimant mediator investigator case_clerk", sample="draft_chart"),
    "evidence.add_row": R("claimant", sample="draft_chart"),
    "evidence.remove_row": R("claimant", sample="draft_row"),
    "evidence.submit_chart": R("claimant", sample="draft_chart"),
    "evidence.answer_row": R("respondent", sample="chart_row"),
    "evidence.complete_chart": R("respondent", sample="submitted_chart"),
    "evidence.comment_row": R("investigator", sample="chart_row"),
    "evidence.new_preservation": R("party", sample="case"),
    # Asked of a court without the other side's knowledge: the asking side, the neutrals, the court.
    "evidence.preservation_request": R(
        "owner mediator investigator case_clerk addressee", sample="preservation"
    ),
    "evidence.decide_preservation": R("addressee", sample="preservation"),
    "evidence.withdraw_preservation": R("owner", sample="preservation"),
    # The agreement, its confirmation, performance and enforcement
    "agreements.start": R("mediator", sample="case"),
    "agreements.edit": R("mediator", sample="agreement"),
    "agreements.share": R("mediator", sample="agreement"),
    "agreements.finalise": R("mediator", sample="agreement"),
    "agreements.reopen": R("mediator", sample="agreement"),
    "agreements.abandon": R("mediator", sample="agreement"),
    "agreements.sign": R("party mediator", sample="agreement"),
    "agreements.version": R("viewer", sample="agreement", number="1"),
    "agreements.version_pdf": R("viewer", sample="agreement", number="1"),
    "agreements.compare": R("viewer", sample="agreement"),
    "agreements.signed_pdf": R("viewer", sample="effective_agreement"),
    "agreements.name_court": R("party", sample="agreement"),
    "agreements.apply": R("party", sample="agreement"),
    "agreements.resume": R("case_clerk", sample="case"),
    "agreements.join": R("party", sample="confirmation"),
    "agreements.supply": R("party", sample="confirmation"),
    "agreements.application_pdf": R("viewer", sample="confirmation", kind="application"),
    "agreements.materials_file": R("viewer", sample="materials"),
    "agreements.report": R("party", sample="obligation"),
    "agreements.breach": R("party", sample="obligation"),
    # The obliged party answers a breach report; its evidence is for the case's file, the other side's too.
    "agreements.answer_breach": R("owner", sample="breach"),
    "agreements.breach_evidence": R("viewer", sample="breach"),
    "agreements.answer": R("party", sample="obligation"),
    "agreements.proof": R("viewer", smoke=True, sample="obligation"),
    "agreements.enforce": R("party", sample="agreement"),
    "agreements.enforcement_pdf": R("viewer", sample="enforcement"),
    "court.application": R("liaison", sample="confirmation"),
    "court.accept": R("liaison", sample="confirmation"),
    "court.decide": R("liaison", sample="confirmation"),
    "court.extend": R("liaison", sample="confirmation"),
    "court.request_materials": R("liaison", sample="confirmation"),
    "court.accept_enforcement": R("addressee", sample="enforcement"),
    # Failed mediation: the hand-over
    "handover.record_fact": R("mediator", sample="case"),
    "handover.answer_fact": R("party", sample="fact"),
    "handover.show": R("party case_clerk liaison commission", sample="handover"),
    "handover.summary_pdf": R("party case_clerk liaison commission", sample="handover"),
    "handover.evidence_file": R(
        "party case_clerk liaison commission", smoke=True, sample="handover", sha256="0" * 64
    ),
    # Arbitration
    "arbitration.apply_from_mediation": R("claimant case_clerk", sample="case"),
    "arbitration.accept": R("commission", sample="arbitration"),
    "arbitration.refuse": R("commission", sample="arbitration"),
    "arbitration.record_service": R("commission", sample="arbitration"),
    "arbitration.answer": R("respondent", sample="arbitration"),
    "arbitration.withdraw": R("claimant", sample="arbitration"),
    "arbitration.panel": R("party commission", sample="arbitration", role="sole"),
    "arbitration.answer_seat": R("asked", sample="seat"),
    "arbitration.challenge": R("party", sample="seat"),
    "arbitration.decide_challenge": R("commission", sample="challenge"),
    "arbitration.add_note": R("tribunal", sample="arbitration"),
    "arbitration.draft_award": R("chair", sample="arbitration"),
    "arbitration.record_settlement": R("chair", sample="arbitration"),
    "arbitration.withdraw_draft": R("chair", sample="arbitration"),
    "arbitration.review_award": R("commission", sample="award"),
    "arbitration.sign_award": R("tribunal", sample="award"),
    "arbitration.award_pdf": R("party tribunal commission", sample="issued_award"),
    "arbitration.report_performance": R("respondent", sample="issued_award"),
    "arbitration.answer_performance": R("claimant", sample="issued_award"),
    "arbitration.apply_for_enforcement": R("claimant", sample="issued_award"),
    "arbitration.performance_proof": R("party tribunal commission", smoke=True, sample="issued_award"),
}
