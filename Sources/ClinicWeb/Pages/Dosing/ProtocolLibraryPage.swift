import ClinicDomain
import Foundation
import Plot

/// The protocol library: every protocol's latest version, and one protocol with its versions.
public enum ProtocolLibraryPage {
    /// The list.
    public static func render(_ protocols: [TreatmentProtocol], canEdit: Bool, context: PageContext) -> String {
        Layout.page(
            title: "Protocol library", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/dosing"), .text("Dosing"))),
            .h1(.text("Protocol library")),
            .p(.class("hint"), .text("Each protocol is versioned: an edit saves the next version and signed plans keep the "
                                     + "version they were signed on. Source keys refer to the clinical reference.")),
            .div(.class("table-scroll"), ScrollRegion.focusable("Protocols"),
                 .table(.class("data"), .id("protocols"),
                        .thead(.tr(.th(.text("Protocol")), .th(.text("Treatment")), .th(.text("Dose")), .th(.text("Course")),
                                   .th(.text("Version")), .th(.text("Sources")))),
                        .tbody(.forEach(protocols) { item in
                            .tr(.td(.a(.href("/dosing/protocols/\(item.id)"), .text(item.name)),
                                    .if(item.isRetired, .span(.class("status-retired"), .text(" (retired)"))),
                                    .if(item.isCustom, .span(.class("rule-id"), .text(" custom")))),
                                .td(.text(item.treatment.displayName)), .td(.text(doseSummary(item))),
                                .td(.text(courseSummary(item.schedule))), .td(.text(String(item.version))),
                                .td(.class("sources"), .text(item.sources.map { "[\($0)]" }.joined())))
                        }))),
            .if(canEdit, .p(.class("hint"), .text("To write a custom protocol, open a protocol and choose “New protocol based on this”.")))
        )
    }

    /// One protocol: its settings, course and versions.
    public static func render(versions: [(treatmentProtocol: TreatmentProtocol, savedAt: Date?, savedByName: String, reason: String)],
                              canEdit: Bool, timeZone: TimeZone, context: PageContext) -> String {
        let current = versions.last!.treatmentProtocol
        return Layout.page(
            title: current.name, context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/dosing/protocols"), .text("Protocol library"))),
            .h1(.text(current.name), .if(current.isRetired, .span(.class("status-retired"), .text(" (retired)")))),
            .p(.class("protocol-meta"), .text("\(current.treatment.displayName) · id \(current.id) · version \(current.version) · "
                                              + "sources " + current.sources.map { "[\($0)]" }.joined())),
            .p(.text(current.summary)),
            .if(canEdit, .div(.class("actions"),
                              .a(.class("button"), .href("/admin/protocols/\(current.id)/edit"), .text("Edit (saves version \(current.version + 1))")),
                              .a(.class("button secondary"), .href("/admin/protocols/new?from=\(current.id)"), .text("New protocol based on this")))),
            settings(current),
            .h2(.text("Course")),
            .ul(.forEach(current.schedule.phases) { phase in
                .li(.strong(.text(phase.name)), .text(": \(phase.frequency)"),
                    .text(phase.allowedFrequencies.count > 1 ? " (may be \(phase.allowedFrequencies.map(\.description).joined(separator: " or ")))" : ""),
                    .text(phase.sessions.map { ", \($0) sessions" } ?? phase.weeks.map { ", \($0) weeks" } ?? ", until the course ends"),
                    .span(.class("sources"), .text(" " + phase.sources.map { "[\($0)]" }.joined())))
            }),
            .p(.text("At least \(current.schedule.minimumDaysBetweenSessions) days between sessions (clinic policy; no source gives a minimum).")),
            .h2(.text("Rating scales")),
            .ul(.id("measurement-schedule"), .forEach(current.measurementSchedule.rules) { rule in
                .li(.text("\(Instrument.named(rule.instrument).shortName): \(rule.timing.displayName.lowercased())"))
            }),
            .h2(.text("Versions")),
            .div(.class("table-scroll"), ScrollRegion.focusable("Protocol versions"),
                 .table(.class("data"), .id("protocol-versions"),
                        .thead(.tr(.th(.text("Version")), .th(.text("Saved")), .th(.text("By")), .th(.text("Why")))),
                        .tbody(.forEach(versions.reversed()) { version in
                            .tr(.td(.text(String(version.treatmentProtocol.version))),
                                .td(.text(version.savedAt.map { Instant.text($0, in: timeZone) } ?? "built in")),
                                .td(.text(version.savedByName)), .td(.text(version.reason)))
                        })))
        )
    }

    /// "0.5 mg/kg over 40 min" or "56 or 84 mg (28 mg devices)".
    public static func doseSummary(_ item: TreatmentProtocol) -> String {
        if let dosing = item.weightBased {
            let over = dosing.minutes.map { " over \(Minutes($0))" } ?? " IM"
            return "\(MilligramsPerKilogram(dosing.mgPerKg))\(over), \(dosing.weightBasis.rawValue) weight"
        }
        if let rules = item.esketamine {
            let doses = rules.allowedDevices.map { Rounding.text(Double($0) * rules.deviceMg, places: 1) }.joined(separator: ", ")
            return "\(doses) mg in \(Rounding.text(rules.deviceMg, places: 1)) mg devices"
        }
        return ""
    }

    /// "Induction series: 3 a week, 6 sessions; then maintenance boosters weekly".
    public static func courseSummary(_ schedule: CourseSchedule) -> String {
        schedule.phases.map { phase in
            "\(phase.name): \(phase.frequency)" + (phase.sessions.map { ", \($0) sessions" } ?? phase.weeks.map { ", \($0) weeks" } ?? "")
        }.joined(separator: "; ")
    }

    private static func settings(_ item: TreatmentProtocol) -> Node<HTML.BodyContext> {
        var rows: [(String, String)] = []
        if let dosing = item.weightBased {
            rows.append(("Default dose", MilligramsPerKilogram(dosing.mgPerKg).description))
            if let minutes = dosing.minutes { rows.append(("Infusion duration", Minutes(minutes).description)) }
            rows.append(("Weight basis", dosing.weightBasis.displayName))
            rows.append(("Vial", dosing.vial.displayName))
            if let bag = dosing.bagMl { rows.append(("Bag", Millilitres(bag).description)) }
            rows.append(("Drug volume counted in total", dosing.drugVolumeCountsInTotal ? "yes" : "no"))
            let limits = dosing.limits
            func range(_ low: Double?, _ high: Double?, _ unit: String) -> String {
                switch (low, high) {
                case let (low?, high?): "\(Rounding.text(low, places: 3))–\(Rounding.text(high, places: 3)) \(unit)"
                case let (nil, high?): "up to \(Rounding.text(high, places: 3)) \(unit)"
                case let (low?, nil): "from \(Rounding.text(low, places: 3)) \(unit)"
                case (nil, nil): "none"
                }
            }
            rows.append(("Soft limits (reason needed outside)", range(limits.softMinimumMgPerKg, limits.softMaximumMgPerKg, "mg/kg")
                         + (item.treatment == .ivKetamine ? "; " + range(limits.softMinimumMinutes, limits.softMaximumMinutes, "min") : "")))
            rows.append(("Hard limits (refused outside)", range(nil, limits.hardMaximumMgPerKg, "mg/kg")
                         + (limits.hardMaximumMg.map { "; at most \(Milligrams($0)) per dose" } ?? "")
                         + (item.treatment == .ivKetamine ? "; " + range(limits.hardMinimumMinutes, limits.hardMaximumMinutes, "min") : "")))
        }
        if let rules = item.esketamine {
            rows.append(("Device", "\(Milligrams(rules.deviceMg)), \(Rounding.text(rules.minutesBetweenDevices, places: 1)) min between devices"))
            rows.append(("Doses", rules.allowedDevices.map { Milligrams(Double($0) * rules.deviceMg).description }.joined(separator: ", ")))
            rows.append(("Day 1", Milligrams(Double(rules.startDevices) * rules.deviceMg).description
                         + (rules.olderAdultStartDevices.map { "; \(Milligrams(Double($0) * rules.deviceMg)) at \(rules.olderAdultAgeYears) or over" } ?? "")))
            rows.append(("Largest dose", rules.largestDoseOnlyAfterStart ? "only after the starting dose" : "any session"))
        }
        return .div(.class("table-scroll"), ScrollRegion.focusable("Protocol settings"),
                    .table(.class("data"), .id("protocol-settings"),
                           .tbody(.forEach(rows) { row in .tr(.th(.attribute(named: "scope", value: "row"), .text(row.0)), .td(.text(row.1))) })))
    }
}
