import ClinicDomain
import Foundation
import Plot

/// The audit trail, filtered and paged, newest first; also a patient's "who has seen or
/// changed this record" view.
public enum AuditPage {
    /// One entry as a table row, already formatted.
    public struct Row: Sendable {
        public var sequence: Int64
        public var time: String
        public var actor: String
        public var role: String
        public var action: String
        public var entity: String
        public var patient: String?
        public var summary: String
        public var address: String

        /// Creates the row.
        public init(sequence: Int64, time: String, actor: String, role: String, action: String, entity: String,
                    patient: String?, summary: String, address: String) {
            self.sequence = sequence
            self.time = time
            self.actor = actor
            self.role = role
            self.action = action
            self.entity = entity
            self.patient = patient
            self.summary = summary
            self.address = address
        }
    }

    /// What the browse page shows.
    public struct Model: Sendable {
        /// The filter as typed, for the form and the links.
        public var values: [String: String]
        /// Errors in the filter.
        public var errors: FieldErrors
        /// Users to filter by: id and label.
        public var users: [(value: String, label: String)]
        /// The rows of this page.
        public var rows: [Row]
        /// The query of the next (older) page, if any.
        public var nextPageQuery: String?
        /// The query string of the current filter, for the CSV link.
        public var filterQuery: String
        /// Entries in the whole trail.
        public var total: Int

        /// Creates the model.
        public init(values: [String: String], errors: FieldErrors, users: [(value: String, label: String)], rows: [Row],
                    nextPageQuery: String?, filterQuery: String, total: Int) {
            self.values = values
            self.errors = errors
            self.users = users
            self.rows = rows
            self.nextPageQuery = nextPageQuery
            self.filterQuery = filterQuery
            self.total = total
        }
    }

    /// Renders the browse page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: model.errors.isEmpty ? "Audit trail" : "Error: audit trail", context: context,
            content:
            .h1(.text("Audit trail")),
            .p(.class("hint"), .text("\(model.total) entries, each chained to the one before by SHA-256. Run `ketaclinic audit verify` to check the chain.")),
            FormField.errorSummary(model.errors),
            .form(.class("filters"), .method(.get), .action("/admin/audit"),
                  FormField.select("user", label: "User", choices: model.users, selected: model.values["user"], errors: model.errors),
                  FormField.input("patient", label: "Patient (MRN)", value: model.values["patient"], errors: model.errors, autocomplete: "off"),
                  FormField.select("action", label: "Action", choices: AuditAction.allCases.map { ($0.rawValue, $0.title) },
                                   selected: model.values["action"], errors: model.errors),
                  FormField.input("from", label: "From", type: .date, value: model.values["from"], errors: model.errors),
                  FormField.input("to", label: "To (inclusive)", type: .date, value: model.values["to"], errors: model.errors),
                  .div(.class("actions"), .button(.type(.submit), .text("Filter")),
                       .a(.href("/admin/audit"), .text("Clear")),
                       .a(.href("/admin/audit.csv" + (model.filterQuery.isEmpty ? "" : "?" + model.filterQuery)), .id("export-csv"),
                          .text("Export as CSV")))),
            table(model.rows, showPatient: true),
            .unwrap(model.nextPageQuery) { .p(.a(.href("/admin/audit?\($0)"), .text("Older entries →"))) }
        )
    }

    /// Renders a patient's access log.
    public static func renderAccessLog(patientName: String, mrn: String, chartPath: String, rows: [Row],
                                       nextPageQuery: String?, context: PageContext) -> String {
        Layout.page(
            title: "Access log · \(patientName)", context: context,
            content:
            .p(.a(.href(chartPath), .text("← Back to the chart"))),
            .h1(.text("Who has seen or changed this record")),
            .p(.text("\(patientName) · \(mrn). Every view and every change of this chart, newest first.")),
            table(rows, showPatient: false),
            .unwrap(nextPageQuery) { .p(.a(.href("\(chartPath)/access-log?\($0)"), .text("Older entries →"))) }
        )
    }

    private static func table(_ rows: [Row], showPatient: Bool) -> Node<HTML.BodyContext> {
        .if(rows.isEmpty, .p(.class("empty"), .text("No entries match.")), else:
            .div(.class("table-scroll"), ScrollRegion.focusable("Audit entries"),
                 .table(.class("data audit"),
                        .thead(.tr(.th(.text("#")), .th(.text("Time")), .th(.text("Who")), .th(.text("Role")), .th(.text("Action")),
                                   .th(.text("Record")), .if(showPatient, .th(.text("Patient"))), .th(.text("Details")), .th(.text("From")))),
                        .tbody(.forEach(rows) { row in
                            .tr(.td(.text(String(row.sequence))), .td(.text(row.time)), .td(.text(row.actor)), .td(.text(row.role)),
                                .td(.text(row.action)), .td(.text(row.entity)),
                                .if(showPatient, .td(.text(row.patient ?? ""))),
                                .td(.text(row.summary)), .td(.text(row.address)))
                        }))))
    }
}
