import ClinicDomain
import Foundation
import Plot

/// Shown once, right after staff create a self-report link: the code, the address and a QR code to
/// hand to the patient. Only the code's digest is stored, so this is the only time it is visible.
public enum SelfReportLinkPage {
    /// Renders the page.
    public static func render(patient: PatientSummary, link: SelfReportLink, code: String, address: String,
                              qrCode: Node<HTML.BodyContext>?, sentBy: String?, timeZone: TimeZone, context: PageContext) -> String {
        let base = "/patients/\(patient.id.uuidString.lowercased())"
        return Layout.page(
            title: "Self-report link", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("\(base)/scales"), .text("\(patient.listName) · rating scales"))),
            .h1(.text("Self-report link created")),
            .p(.class("notice"), .text("Shown only now: the clinic keeps no copy of the code. It opens once, until "
                                       + "\(Instant.text(link.expiresAt, in: timeZone)), after the patient confirms their date of birth.")),
            .p(.text("Questionnaires: \(link.instruments.map { Instrument.named($0).shortName }.joined(separator: ", "))")),
            .p(.text("Code: "), .span(.class("self-report-code"), .id("self-report-code"), .text(code))),
            .p(.text("Address: "), .a(.id("self-report-url"), .href(address), .text(address))),
            .unwrap(qrCode) { .div(.class("qr"), .id("self-report-qr"), $0) },
            .unwrap(sentBy) { .p(.class("flash flash-success"), .text($0)) },
            .p(.a(.href("\(base)/scales"), .text("Back to the rating scales")))
        )
    }
}
