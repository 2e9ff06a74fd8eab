"""A posted invoice or credit note as a Factur-X file: a PDF/A-3 drawn with fpdf2 (its font,
DejaVu Sans, embedded; an sRGB output intent from Pillow's colour management) with the
invoice's Cross Industry Invoice XML of the EN 16931 profile embedded by the ``factur-x``
package, which checks the XML against the profile's XSD before embedding it.

Everything printed comes from the posted invoice itself (its number, dates, lines, totals and
the seller and its terms, and the buyer, as they were at posting), so every download of an
invoice says the same thing; only the PDF's own creation stamp differs. The file is drawn on
each download (some 80 ms), not stored.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Final

import facturx
from fpdf import FPDF
from fpdf.enums import OutputIntentSubType
from fpdf.fonts import FontFace
from fpdf.output import PDFICCProfile
from lxml import etree
from PIL import ImageCms

from runtime.kit.money import minor_unit_exponent
from services.billing.models import (
    CREDIT_NOTE_KIND,
    GOODS,
    MIXED,
    RECOVERY_INDEMNITY_MINOR,
    Invoice,
    PartyDoc,
    SellerProfile,
)
from services.billing.validation import line_tax_minor

FONT: Final = Path(__file__).parent / "fonts" / "DejaVuSans.ttf"
MEDIA_TYPE: Final = "application/pdf"
PROFILE: Final = "en16931"

RSM: Final = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT: Final = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT: Final = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP: Final = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
GUIDELINE: Final = "urn:cen.eu:en16931:2017"
# UNTDID 1001: a commercial invoice, a credit note.
TYPE_CODES: Final = {CREDIT_NOTE_KIND: "381"}
INVOICE_TYPE_CODE: Final = "380"
OPERATIONS: Final = {GOODS: "livraison de biens", MIXED: "opération mixte"}


def amount_text(amount_minor: int, currency: str) -> str:
    """An amount in major units with its currency's decimals ("49.90")."""
    exponent = minor_unit_exponent(currency) or 0
    return f"{Decimal(amount_minor).scaleb(-exponent):.{exponent}f}"


def _percent(basis_points: int) -> str:
    return f"{Decimal(basis_points) / 100:.2f}"


def _day(value: str) -> str:
    return value.replace("-", "")


def _french_day(value: str) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y")


class _Xml:
    def __init__(self) -> None:
        self.root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    @staticmethod
    def sub(
        parent: etree._Element, tag: str, text: str | None = None, **attributes: str
    ) -> etree._Element:
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attributes)
        if text is not None:
            element.text = text
        return element

    def date(self, parent: etree._Element, tag: str, value: str) -> None:
        holder = self.sub(parent, tag)
        self.sub(holder, "udt:DateTimeString", _day(value), format="102")


def _party(
    xml: _Xml, parent: etree._Element, tag: str, party: PartyDoc, *, address_only: bool = False
) -> None:
    node = xml.sub(parent, tag)
    xml.sub(node, "ram:Name", party["name"])
    if party["siren"] and not address_only:
        legal = xml.sub(node, "ram:SpecifiedLegalOrganization")
        # ISO 6523 scheme 0002: the SIREN.
        xml.sub(legal, "ram:ID", party["siren"], schemeID="0002")
    address = xml.sub(node, "ram:PostalTradeAddress")
    where = party["address"]
    if where["postal_code"]:
        xml.sub(address, "ram:PostcodeCode", where["postal_code"])
    if where["line1"]:
        xml.sub(address, "ram:LineOne", where["line1"])
    if where["line2"]:
        xml.sub(address, "ram:LineTwo", where["line2"])
    if where["city"]:
        xml.sub(address, "ram:CityName", where["city"])
    xml.sub(address, "ram:CountryID", where["country"] or "FR")
    if party["vat_number"] and not address_only:
        registration = xml.sub(node, "ram:SpecifiedTaxRegistration")
        xml.sub(registration, "ram:ID", party["vat_number"], schemeID="VA")


def vat_breakdown(invoice: Invoice) -> list[tuple[int, int, int]]:
    """(rate in basis points, basis, tax) per VAT rate, in minor units, the highest rate first."""
    basis: dict[int, int] = defaultdict(int)
    tax: dict[int, int] = defaultdict(int)
    for line in invoice["lines"]:
        rate = line["vat_basis_points"]
        basis[rate] += line["net_minor"]
        tax[rate] += line_tax_minor(line["net_minor"], rate)
    return [(rate, basis[rate], tax[rate]) for rate in sorted(basis, reverse=True)]


def notes(invoice: Invoice, seller: SellerProfile | None) -> list[tuple[str, str]]:
    """The mentions printed as notes, with their UNTDID 4451 subject codes."""
    buyer = invoice.get("buyer")
    found: list[tuple[str, str]] = []
    if seller is not None:
        identity = f"{invoice['seller']['name']}, {seller['legal_form']}"
        if seller["share_capital"] is not None:
            capital = seller["share_capital"]
            identity += (
                f" au capital de {amount_text(capital['amount_minor'], capital['currency'])} "
                f"{capital['currency']}"
            )
        identity += f", SIRET {seller['siret']}"
        if seller["registry"]:
            identity += f", {seller['registry']}"
        found.append(("REG", identity))
        found.append(("AAB", seller["early_payment_discount"]))
        penalty = f"Pénalités de retard : {seller['late_penalty_rate']}."
        if buyer is not None and buyer["professional"]:
            penalty += (
                " Indemnité forfaitaire pour frais de recouvrement due au créancier en cas de "
                f"retard de paiement : {amount_text(RECOVERY_INDEMNITY_MINOR, 'EUR')} EUR "
                "(art. L441-10 et D441-5 du Code de commerce)."
            )
        found.append(("PMD", penalty))
        if seller["vat_on_debits"]:
            found.append(("TXD", "Option pour le paiement de la taxe d'après les débits."))
    category = invoice.get("operation_category", "")
    found.append(("AAI", f"Opération : {OPERATIONS.get(category, 'prestation de services')}."))
    return found


def cii_xml(invoice: Invoice, seller: SellerProfile | None, credited_number: str = "") -> bytes:
    """The invoice's CII XML of the EN 16931 profile (``seller``: the profile's terms; the
    parties themselves come from the posted invoice)."""
    currency = invoice["currency"]

    def money(minor: int) -> str:
        return amount_text(minor, currency)

    xml = _Xml()
    context = xml.sub(xml.root, "rsm:ExchangedDocumentContext")
    guideline = xml.sub(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    xml.sub(guideline, "ram:ID", GUIDELINE)
    document = xml.sub(xml.root, "rsm:ExchangedDocument")
    xml.sub(document, "ram:ID", invoice["number"])
    xml.sub(document, "ram:TypeCode", TYPE_CODES.get(invoice["kind"], INVOICE_TYPE_CODE))
    xml.date(document, "ram:IssueDateTime", invoice["issue_date"])
    for subject, text in notes(invoice, seller):
        note = xml.sub(document, "ram:IncludedNote")
        xml.sub(note, "ram:Content", text)
        xml.sub(note, "ram:SubjectCode", subject)
    transaction = xml.sub(xml.root, "rsm:SupplyChainTradeTransaction")
    for number, line in enumerate(invoice["lines"], start=1):
        item = xml.sub(transaction, "ram:IncludedSupplyChainTradeLineItem")
        xml.sub(xml.sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(number))
        xml.sub(xml.sub(item, "ram:SpecifiedTradeProduct"), "ram:Name", line["designation"])
        agreement = xml.sub(item, "ram:SpecifiedLineTradeAgreement")
        price = xml.sub(agreement, "ram:NetPriceProductTradePrice")
        xml.sub(price, "ram:ChargeAmount", money(line["unit_price_minor"]))
        delivery = xml.sub(item, "ram:SpecifiedLineTradeDelivery")
        # UN/ECE recommendation 20: C62, one (a unit).
        xml.sub(delivery, "ram:BilledQuantity", line["quantity"], unitCode="C62")
        settlement = xml.sub(item, "ram:SpecifiedLineTradeSettlement")
        tax = xml.sub(settlement, "ram:ApplicableTradeTax")
        xml.sub(tax, "ram:TypeCode", "VAT")
        xml.sub(tax, "ram:CategoryCode", "S" if line["vat_basis_points"] else "E")
        xml.sub(tax, "ram:RateApplicablePercent", _percent(line["vat_basis_points"]))
        gross = round(Decimal(line["quantity"]) * line["unit_price_minor"])
        if gross > line["net_minor"]:
            allowance = xml.sub(settlement, "ram:SpecifiedTradeAllowanceCharge")
            indicator = xml.sub(allowance, "ram:ChargeIndicator")
            xml.sub(indicator, "udt:Indicator", "false")
            xml.sub(allowance, "ram:ActualAmount", money(int(gross) - line["net_minor"]))
            xml.sub(allowance, "ram:Reason", "Remise")
        summation = xml.sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        xml.sub(summation, "ram:LineTotalAmount", money(line["net_minor"]))
    agreement = xml.sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(xml, agreement, "ram:SellerTradeParty", invoice["seller"])
    _party(xml, agreement, "ram:BuyerTradeParty", invoice["buyer"])
    delivery = xml.sub(transaction, "ram:ApplicableHeaderTradeDelivery")
    # The delivery address (an e-invoice mention): the buyer's address.
    _party(xml, delivery, "ram:ShipToTradeParty", invoice["buyer"], address_only=True)
    supplied = invoice.get("supply_date") or invoice["issue_date"]
    event = xml.sub(delivery, "ram:ActualDeliverySupplyChainEvent")
    xml.date(event, "ram:OccurrenceDateTime", supplied)
    settlement = xml.sub(transaction, "ram:ApplicableHeaderTradeSettlement")
    xml.sub(settlement, "ram:InvoiceCurrencyCode", currency)
    if seller is not None and seller["iban"]:
        means = xml.sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        xml.sub(means, "ram:TypeCode", "58")  # SEPA credit transfer
        account = xml.sub(means, "ram:PayeePartyCreditorFinancialAccount")
        xml.sub(account, "ram:IBANID", seller["iban"])
    for rate, basis, amount in vat_breakdown(invoice):
        tax = xml.sub(settlement, "ram:ApplicableTradeTax")
        xml.sub(tax, "ram:CalculatedAmount", money(amount))
        xml.sub(tax, "ram:TypeCode", "VAT")
        if not rate:
            xml.sub(tax, "ram:ExemptionReason", invoice["exemption_reference"])
        xml.sub(tax, "ram:BasisAmount", money(basis))
        xml.sub(tax, "ram:CategoryCode", "S" if rate else "E")
        if rate and seller is not None:
            # UNTDID 2005: 5, VAT due on the invoice's date (debits); 72, on payment.
            xml.sub(tax, "ram:DueDateTypeCode", "5" if seller["vat_on_debits"] else "72")
        xml.sub(tax, "ram:RateApplicablePercent", _percent(rate))
    terms = xml.sub(settlement, "ram:SpecifiedTradePaymentTerms")
    if seller is not None and seller["payment_terms"]:
        xml.sub(terms, "ram:Description", seller["payment_terms"])
    if invoice.get("due_date"):
        xml.date(terms, "ram:DueDateDateTime", invoice["due_date"])
    totals = xml.sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    xml.sub(totals, "ram:LineTotalAmount", money(invoice["total_excluding_tax_minor"]))
    xml.sub(totals, "ram:TaxBasisTotalAmount", money(invoice["total_excluding_tax_minor"]))
    xml.sub(totals, "ram:TaxTotalAmount", money(invoice["total_tax_minor"]), currencyID=currency)
    xml.sub(totals, "ram:GrandTotalAmount", money(invoice["total_including_tax_minor"]))
    xml.sub(totals, "ram:DuePayableAmount", money(invoice["total_including_tax_minor"]))
    if credited_number:
        cited = xml.sub(settlement, "ram:InvoiceReferencedDocument")
        xml.sub(cited, "ram:IssuerAssignedID", credited_number)
    return bytes(etree.tostring(xml.root, xml_declaration=True, encoding="UTF-8"))


# The PDF


def _srgb() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def _address_lines(party: PartyDoc) -> list[str]:
    where = party["address"]
    lines = [party["name"], where["line1"]]
    if where["line2"]:
        lines.append(where["line2"])
    lines.append(f"{where['postal_code']} {where['city']} {where['country']}".strip())
    return lines


def draw_pdf(invoice: Invoice, seller: SellerProfile | None, credited_number: str = "") -> bytes:
    """The human-readable invoice, every mention printed."""
    currency = invoice["currency"]

    def money(minor: int) -> str:
        return f"{amount_text(minor, currency)} {currency}"

    pdf = FPDF(format="A4")
    pdf.set_title(invoice["number"])
    pdf.set_lang("fr-FR")
    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier="sRGB",
        dest_output_profile=PDFICCProfile(contents=_srgb(), n=3, alternate="DeviceRGB"),
        info="sRGB IEC61966-2.1",
    )
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=9)
    pdf.add_page()
    width = pdf.epw
    credit = invoice["kind"] == CREDIT_NOTE_KIND
    seller_party, buyer_party = invoice["seller"], invoice["buyer"]
    top = pdf.get_y()
    for text in _address_lines(seller_party):
        pdf.cell(width / 2, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width / 2, 5, f"SIREN {seller_party['siren']} – TVA {seller_party['vat_number']}")
    pdf.set_xy(pdf.l_margin + width / 2, top)
    for text in _address_lines(buyer_party):
        pdf.cell(width / 2, 5, text, new_x="LEFT", new_y="NEXT")
    if buyer_party["siren"]:
        pdf.cell(width / 2, 5, f"SIREN {buyer_party['siren']}", new_x="LEFT", new_y="NEXT")
    pdf.ln(8)
    pdf.set_x(pdf.l_margin)
    pdf.set_font(size=16)
    title = "AVOIR" if credit else "FACTURE"
    pdf.cell(width, 10, f"{title} {invoice['number']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=9)
    pdf.cell(
        width, 5, f"Date : {_french_day(invoice['issue_date'])}", new_x="LMARGIN", new_y="NEXT"
    )
    supplied = invoice.get("supply_date") or invoice["issue_date"]
    pdf.cell(
        width, 5, f"Date de la prestation : {_french_day(supplied)}", new_x="LMARGIN", new_y="NEXT"
    )
    if invoice.get("due_date"):
        pdf.cell(
            width,
            5,
            f"Échéance : {_french_day(invoice['due_date'])}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if credited_number:
        pdf.cell(width, 5, f"Avoir sur la facture {credited_number}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(
        col_widths=(60, 14, 24, 14, 14, 24),
        text_align="LEFT",
        # One font only (no bold face embedded): the headings are shaded instead.
        headings_style=FontFace(fill_color=(230, 230, 230)),
    ) as table:
        table.row(["Désignation", "Qté", "PU HT", "Remise", "TVA", "Total HT"])
        for line in invoice["lines"]:
            table.row(
                [
                    line["designation"],
                    line["quantity"],
                    money(line["unit_price_minor"]),
                    f"{_percent(line['discount_basis_points'])} %",
                    f"{_percent(line['vat_basis_points'])} %",
                    money(line["net_minor"]),
                ]
            )
    pdf.ln(4)
    for rate, basis, amount in vat_breakdown(invoice):
        pdf.cell(
            width,
            5,
            f"TVA {_percent(rate)} % sur {money(basis)} : {money(amount)}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if invoice["exemption_reference"]:
        pdf.cell(
            width,
            5,
            f"Exonération : {invoice['exemption_reference']}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    for label, amount in (
        ("Total HT", invoice["total_excluding_tax_minor"]),
        ("Total TVA", invoice["total_tax_minor"]),
        ("Total TTC", invoice["total_including_tax_minor"]),
    ):
        pdf.cell(width, 6, f"{label} : {money(amount)}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if seller is not None:
        pdf.multi_cell(width, 4, f"Conditions de paiement : {seller['payment_terms']}")
    for _, text in notes(invoice, seller):
        pdf.multi_cell(width, 4, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def factur_x(invoice: Invoice, seller: SellerProfile | None, credited_number: str = "") -> bytes:
    """The Factur-X file of a posted invoice: its PDF with its CII XML embedded, the XML
    checked against the EN 16931 XSD by the package first."""
    xml = cii_xml(invoice, seller, credited_number)
    pdf = draw_pdf(invoice, seller, credited_number)
    lang = "fr-FR"
    metadata = {
        "author": invoice["seller"]["name"],
        "keywords": "Factur-X",
        "title": f"{invoice['seller']['name']}: {invoice['number']}",
        "subject": f"Factur-X {invoice['number']}",
    }
    out = facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level=PROFILE, check_xsd=True, pdf_metadata=metadata, lang=lang
    )
    return bytes(out)


def file_name(invoice: Invoice) -> str:
    return f"{invoice['number']}.pdf"
