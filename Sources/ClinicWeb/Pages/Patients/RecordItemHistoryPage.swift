import ClinicDomain
import Foundation
import Plot

/// Every version of one record item: what it said, who wrote it, when and why.
public struct RecordItemHistoryPage: Sendable {
    /// One version as shown.
    public struct Version: Sendable {
        /// Version number, when, who, why.
        public var meta: RecordItemVersion
        /// What the version said; nil for a withdrawal.
        public var summary: String?

        /// Creates a row.
        public init(meta: RecordItemVersion, summary: String?) {
            self.meta = meta
            self.summary = summary
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The patient.
        public var patient: PatientSummary
        /// The section of the item.
        public var section: RecordSection
        /// Oldest first.
        public var versions: [Version]
        /// The clinic's time zone.
        public var timeZone: TimeZone

        /// Creates the model.
        public init(patient: PatientSummary, section: RecordSection, versions: [Version], timeZone: TimeZone) {
            self.patient = patient
            self.section = section
            self.versions = versions
            self.timeZone = timeZone
        }
    }

    /// Renders the history.
    public static func render(_ model: Model, context: PageContext) -> String {
        let chart = "/patients/\(model.patient.id.uuidString.lowercased())"
        return Layout.page(
            title: "History of \(model.section.displayName) · \(model.patient.listName)", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href(chart), .text("\(model.patient.listName) · \(model.patient.mrn.text)"))),
            .h1(.text("History of this \(model.section.displayName) entry")),
            .table(
                .class("data"), .id("item-history"),
                .thead(.tr(.th(.text("Version")), .th(.text("Recorded")), .th(.text("By")), .th(.text("Entry")),
                           .th(.text("Reason")))),
                .tbody(.forEach(model.versions) { version in
                    .tr(.td(.text(String(version.meta.version))),
                        .td(.text(Instant.text(version.meta.recordedAt, in: model.timeZone))),
                        .td(.text(version.meta.recordedBy)),
                        .td(.text(version.summary ?? "Withdrawn")),
                        .td(.text(version.meta.reason ?? "First entry")))
                })
            )
        )
    }
}
