"""What `flask odr evidence verify` prints."""

from odr.core.timeutil import local


def describe_verification(result) -> list[str]:
    """RESULT of `operations.verify` as lines for an operator."""
    lines = [f"SHA-256 {result.sha256}"]
    if not result.deposits:
        lines.append(
            "NO MATCH: no exhibit was deposited with this content (the file differs from every deposit)."
        )
        if result.receipt_of is not None:
            e = result.receipt_of
            lines.append(
                f"  The receipt is that of case {e.case.number or e.case_id}, exhibit {e.number}, whose file has "
                f"SHA-256 {e.sha256}: this file is not that one."
            )
        return lines
    for d in result.deposits:
        e = d.exhibit
        where = f"case {e.case.number or e.case_id}, exhibit {e.number} “{e.title}” ({e.file_name}, {e.size} bytes)"
        if d.entry is None:
            lines.append(f"BROKEN: {where} has no deposit entry on the audit chain.")
            continue
        when = local(d.entry.created_at).strftime("%Y-%m-%d %H:%M:%S Beijing time")
        state = "MATCH" if d.entry_intact else "ALTERED"
        lines.append(
            f"{state}: {where}, deposited {when} by {e.submitted_by.name}, chain position {d.entry.position}."
        )
        if not d.entry_intact:
            lines.append(
                "  The chain entry of this deposit no longer matches its hash: run `flask odr audit verify`."
            )
        if d.receipt_matches is True:
            lines.append("  The receipt is the one issued for this deposit.")
        elif d.receipt_matches is False:
            lines.append("  RECEIPT MISMATCH: the receipt given is not the one issued for this deposit.")
    return lines
