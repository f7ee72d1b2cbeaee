"""Writes an ANSI X12 835 (005010X221A1) remittance that pays the claims of an 837P file, the way a
payer would answer it: per service line 70 % paid, 20 % contractual adjustment (CO-45), 10 %
coinsurance (PR-2), so every claim balances. With --unknown it adds a claim the clinic never sent
(kept for review on import); with --plb, a provider-level adjustment (also kept for review).

CI validates the file with pyx12 (Tests/Claims/validate_x12.py) and imports it with
`ketaclinic billing remittance`.

Run: python3 Tests/Claims/make_835.py claim.837 --trace 8800123 [--unknown] [--plb] > remittance.835
"""

from __future__ import annotations

import argparse
import datetime
import sys
from decimal import Decimal


def segments(text: str) -> list[list[str]]:
    element, terminator = text[3], text[105]
    return [s.strip().split(element) for s in text.split(terminator) if s.strip()]


def claims_of(text: str) -> list[dict]:
    claims, current, member = [], None, ("", "", "")
    for seg in segments(text):
        if seg[0] == "NM1" and seg[1] == "IL":
            member = (seg[3], seg[4], seg[9])
        elif seg[0] == "CLM":
            current = {"id": seg[1], "total": Decimal(seg[2]), "member": member, "lines": []}
            claims.append(current)
        elif seg[0] == "SV1" and current is not None:
            code = seg[1].split(":")[1]
            current["lines"].append({"code": code, "charge": Decimal(seg[2]), "units": seg[4], "date": ""})
        elif seg[0] == "DTP" and seg[1] == "472" and current and current["lines"]:
            current["lines"][-1]["date"] = seg[3]
    return claims


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def money(value: Decimal) -> str:
    text = f"{cents(value):.2f}"
    return text[:-3] if text.endswith(".00") else text


def remittance(claims: list[dict], trace: str, unknown: bool, plb: bool) -> str:
    # The payment is dated yesterday (this machine's calendar): a date that is not in the future for
    # a clinic in any time zone, so the import posts it (near midnight UTC, "today" here is already
    # tomorrow for a clinic in the Americas, and the ledger refuses a future posting date).
    today = (datetime.date.today() - datetime.timedelta(days=1)).strftime("%Y%m%d")
    body: list[str] = []
    total_paid = Decimal("0")
    if unknown:
        claims = claims + [{"id": "KCFFFFFFFFFFFFFFFFFF", "total": Decimal("900"), "member": ("UNKNOWN", "PAT", "X1"),
                            "lines": [{"code": "G2082", "charge": Decimal("900"), "units": "1", "date": today}]}]
    for number, claim in enumerate(claims, start=1):
        lines, claim_paid, claim_pr = [], Decimal("0"), Decimal("0")
        for line in claim["lines"]:
            paid = cents(line["charge"] * Decimal("0.7"))
            pr = cents(line["charge"] * Decimal("0.1"))
            co = line["charge"] - paid - pr
            claim_paid += paid
            claim_pr += pr
            lines += [f"SVC*HC:{line['code']}*{money(line['charge'])}*{money(paid)}**{line['units']}",
                      f"DTM*472*{line['date'] or today}", f"CAS*CO*45*{money(co)}", f"CAS*PR*2*{money(pr)}"]
        total_paid += claim_paid
        family, given, member = claim["member"]
        body += [f"LX*{number}",
                 f"CLP*{claim['id']}*1*{money(claim['total'])}*{money(claim_paid)}*{money(claim_pr)}*12*PCN{number:06d}*11*1",
                 f"NM1*QC*1*{family}*{given}****MI*{member}"] + lines
    plb_segments = []
    if plb:
        plb_segments = [f"PLB*1234567893*{today[:4]}1231*WO:OVERPAY{trace}*25"]
        total_paid -= Decimal("25")
    header = ["ST*835*0001",
              f"BPR*I*{money(total_paid)}*C*CHK************{today}",
              f"TRN*1*{trace}*1999999999",
              f"DTM*405*{today}",
              "N1*PR*CASCADE HEALTH PLAN", "N3*PO BOX 1000", "N4*PORTLAND*OR*97208", "PER*BL*EDI SUPPORT*TE*5035550100",
              "N1*PE*RIVERSIDE KETAMINE CLINIC PLLC*XX*1234567893", "N3*200 HARBOR STREET", "N4*PORTLAND*OR*97201", "REF*TJ*123456789"]
    transaction = header + body + plb_segments
    transaction.append(f"SE*{len(transaction) + 1}*0001")
    now = datetime.datetime.now()
    isa = (f"ISA*00*          *00*          *ZZ*{'CASCADEHP':<15}*ZZ*{'KETACLINIC':<15}*{now:%y%m%d}*{now:%H%M}*^*00501*"
           f"{int(trace) % 1_000_000_000:09d}*0*T*:")
    envelope = [isa, f"GS*HP*CASCADEHP*KETACLINIC*{now:%Y%m%d}*{now:%H%M}*1*X*005010X221A1"] + transaction + [
        "GE*1*1", f"IEA*1*{int(trace) % 1_000_000_000:09d}"]
    return "~\n".join(envelope) + "~\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("claim_file")
    parser.add_argument("--trace", default="8800123", help="the check number (TRN02), digits")
    parser.add_argument("--unknown", action="store_true", help="add a claim the clinic never sent")
    parser.add_argument("--plb", action="store_true", help="add a provider-level adjustment")
    args = parser.parse_args()
    if not args.trace.isdigit():
        parser.error("--trace takes digits")
    with open(args.claim_file, encoding="ascii") as handle:
        claims = claims_of(handle.read())
    if not claims:
        print("no CLM segment in the claim file", file=sys.stderr)
        return 1
    sys.stdout.write(remittance(claims, args.trace, args.unknown, args.plb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
