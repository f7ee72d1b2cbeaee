import ClinicDomain
import Foundation
import Plot

extension PatientChartPage {
    /// Renders the chart.
    public static func render(_ model: Model, context: PageContext) -> String {
        let patient = model.patient
        let registration = patient.registration
        let chart = model.chart
        let base = "/patients/\(patient.id.uuidString.lowercased())"
        return Layout.page(
            title: patient.listName, context: context,
            content:
            .section(
                .class("chart-header"), .attribute(named: "aria-label", value: "Patient identity"),
                .h1(.text(patient.listName)),
                .span(.class("mono"), .text("MRN \(patient.mrn.text)")),
                .span(.text("Born \(registration.dateOfBirth.iso) (\(registration.dateOfBirth.age(on: model.today)) years)")),
                .span(.text("Sex at birth: \(registration.sexAtBirth.displayName)")),
                .unwrap(registration.genderIdentity) { .span(.text("Gender identity: \($0)")) }
            ),
            .if(!model.openAlerts.isEmpty, .div(.class("safety-alert open"), .id("chart-alerts"), .attribute(named: "role", value: "alert"),
                .p(.strong(.text("⚠ Open suicidality alert\(model.openAlerts.count == 1 ? "" : "s") (\(model.openAlerts.count)): ")),
                   .text(model.openAlerts.map(\.detail).joined(separator: "; ")), .text(" "),
                   .a(.href("\(base)/scales#alerts"), .text("Review and acknowledge"))))),
            safetyBanner(model),
            .if(!model.emergencyAccesses.isEmpty, .section(
                .class("notice"), .id("emergency-accesses"), .attribute(named: "aria-label", value: "Emergency accesses"),
                .p(.strong(.text("Emergency access to this record in the last 30 days:"))),
                .ul(.forEach(model.emergencyAccesses) { grant in
                    .li(.text("\(grant.userName), \(Instant.text(grant.grantedAt, in: model.timeZone)): “\(grant.reason)”"))
                }))),
            .nav(.class("chart-actions"),
                 .a(.href("\(base)/screening"), .id("screening-link"), .class("button"), .text("Screening")),
                 .a(.href("\(base)/scales"), .id("scales-link"), .class("button secondary"), .text("Rating scales")),
                 .unwrap(model.plan) { plan in
                     .a(.href("\(base)/plans/\(plan.version)"), .id("plan-link"), .class("button secondary"),
                        .text("Treatment plan: \(plan.treatmentProtocol.name), \(plan.targetSummary)"
                              + (model.nextSession.map { " · next session \($0.date.iso)" } ?? "")))
                 },
                 .unwrap(model.nextSession) { session in
                     .a(.href("/sessions/\(session.id.uuidString.lowercased())"), .id("session-link"), .class("button"),
                        .text("Session \(session.number) (\(session.date.iso)): \(session.state.displayName.lowercased())"))
                 },
                 .if(model.plan != nil && model.canBook,
                     .a(.href("/schedule/patients/\(model.patient.id.uuidString.lowercased())"), .id("book-sessions-link"), .class("button secondary"),
                        .text("Book sessions"))),
                 .if(model.plan == nil && model.canPlan,
                     .a(.href("\(base)/plans/new"), .id("plan-link"), .class("button secondary"), .text("Plan a course"))),
                 .if(model.canCorrectIdentity, .a(.href("\(base)/identity/edit"), .id("correct-identity"), .text("Correct identity"))),
                 .if(model.canSeeAccessLog,
                     .a(.href("\(base)/access-log"), .id("access-log-link"), .text("Who has seen or changed this record")))),
            sessionsSection(model.sessions),
            section(.contact, model, entries: chart.contact.map { [row($0, model, [$0.value.phone, $0.value.email, $0.value.address].compactMap { $0 }.joined(separator: " · "))] } ?? []),
            section(.emergencyContact, model, entries: chart.emergencyContact.map {
                [row($0, model, "\($0.value.name)\($0.value.relationship.map { " (\($0))" } ?? "") · \($0.value.phone)\($0.value.isEscort ? " · escort" : "")")]
            } ?? []),
            section(.height, model, entries: chart.height.map { [row($0, model, $0.value.auditSummary)] } ?? [],
                    extra: chart.record.bodyMassIndex.map { "BMI \(BodyMetrics.format($0)) kg/m²" }),
            section(.weight, model, entries: chart.weights.map { row($0, model, $0.value.auditSummary) }),
            section(.allergy, model, entries: chart.allergies.map {
                row($0, model, "\($0.value.substance) · \($0.value.severity.displayName)\($0.value.reaction.map { " · \($0)" } ?? "")")
            }),
            section(.medication, model, entries: chart.medications.map { entry in
                let m = entry.value
                var text = m.name + (m.dose.map { " · \($0)" } ?? "")
                if !m.classes.isEmpty { text += " · " + m.sortedClasses.map(\.displayName).joined(separator: ", ") }
                if let lorazepam = m.lorazepamEquivalentMgPerDay { text += " · \(BodyMetrics.format(lorazepam)) mg/day lorazepam-eq." }
                return row(entry, model, text)
            }),
            section(.diagnosis, model, entries: chart.diagnoses.map {
                row($0, model, "\($0.value.icd10) \($0.value.title)\($0.value.snomedCode.map { " · SNOMED \($0)" } ?? "")")
            }),
            section(.psychiatricHistory, model, entries: chart.psychiatricHistory.map { [row($0, model, $0.value.auditSummary)] } ?? []),
            section(.medicalHistory, model, entries: chart.medicalHistory.map { entry in
                let findings = MedicalHistoryFindings.list(entry.value)
                return [row(entry, model, findings.isEmpty ? "Nothing of note" : findings.joined(separator: " · "))]
            } ?? []),
            section(.vitalSigns, model, entries: chart.vitalSigns.map { entry in
                let v = entry.value
                var text = "BP \(v.bloodPressureText) · HR \(v.heartRate)/min"
                if let spo2 = v.oxygenSaturation { text += " · SpO₂ \(spo2) %" }
                if let rr = v.respiratoryRate { text += " · RR \(rr)/min" }
                return row(entry, model, text + " · \(v.measuredOn)")
            }),
            section(.episode, model, entries: chart.episode.map { [row($0, model, $0.value.auditSummary)] } ?? []),
            section(.trial, model, entries: chart.trials.map { entry in
                let t = entry.value
                var text = "\(t.treatment) (\(t.drugClass?.displayName ?? t.kind.displayName))"
                if let dose = t.dose { text += " · \(dose)" }
                text += " · \(t.startedOn) – \(t.endedOn?.iso ?? "ongoing") · \(t.outcome.displayName)"
                if !t.adequateDose { text += " · dose not adequate" }
                if let augmentation = t.augmentation { text += " · augmented with \(augmentation)" }
                if !t.inCurrentEpisode { text += " · earlier episode" }
                return row(entry, model, text)
            }),
            .h2(.text("Registration")),
            .dl(.class("facts"),
                .dt(.text("Registered")),
                .dd(.time(.datetime(ISO8601DateFormatter().string(from: patient.registeredAt)),
                          .text(CalendarDate(instant: patient.registeredAt, in: model.timeZone).iso))),
                .dt(.text("Record revision")), .dd(.id("record-revision"), .text(String(chart.revision))))
        )
    }

    private static func safetyBanner(_ model: Model) -> Node<HTML.BodyContext> {
        let allergies = model.chart.allergies.map { "\($0.value.substance) (\($0.value.severity.displayName.lowercased()))" }
        return .section(
            .class("safety-banner"), .id("safety-banner"), .attribute(named: "aria-label", value: "Safety summary"),
            .div(.class("safety-item"), .strong(.text("Allergies: ")),
                 .span(.id("header-allergies"), .text(allergies.isEmpty ? "none recorded" : allergies.joined(separator: ", ")))),
            .unwrap(model.header) { header in
                .group(
                    .div(.class(header.contraindications.isEmpty ? "safety-item" : "safety-item danger"),
                         .strong(.text("Contraindications: ")),
                         .span(.id("header-contraindications"),
                               .text(header.contraindications.isEmpty ? "none" : header.contraindications.joined(separator: "; ")))),
                    .div(.class(header.cautions.isEmpty ? "safety-item" : "safety-item warning"),
                         .strong(.text("Cautions: ")),
                         .span(.id("header-cautions"),
                               .text(header.cautions.isEmpty ? "none" : header.cautions.joined(separator: "; ")))),
                    .div(.class("safety-item"), .strong(.text("Treatment resistance: ")),
                         .span(.id("header-resistance"), .text(header.resistance))),
                    .div(.class(header.screeningIsStale ? "safety-item warning" : "safety-item"),
                         .strong(.text("Screening: ")),
                         .span(.id("header-screening"), .text(header.screeningStatus)))
                )
            }
        )
    }

    private struct Row {
        let text: String
        let editPath: String
        let meta: RecordItemVersion
    }

    private static func row<V: RecordValue>(_ entry: RecordEntry<V>, _ model: Model, _ text: String) -> Row {
        let group = V.section.isContact ? "contact" : "record"
        return Row(text: text,
                   editPath: "/patients/\(model.patient.id.uuidString.lowercased())/\(group)/\(V.section.slug)/\(entry.key.uuidString.lowercased())",
                   meta: entry.latest)
    }

    private static func section(_ section: RecordSection, _ model: Model, entries: [Row], extra: String? = nil)
        -> Node<HTML.BodyContext> {
        let canEdit = section.isContact ? model.canEditContact : model.canEditIntake
        let group = section.isContact ? "contact" : "record"
        let add = "/patients/\(model.patient.id.uuidString.lowercased())/\(group)/\(section.slug)/new"
        let title = IntakeFormSpec.of(section).title
        return .section(
            .class("record-section"), .id(section.slug),
            .h2(.text(title)),
            entries.isEmpty
                ? .p(.class("empty"), .text("Nothing recorded."))
                : .ul(.class("record-items"), .forEach(entries) { row in
                    .li(.span(.class("item-text"), .text(row.text)),
                        .span(.class("item-meta"),
                              .text(" — \(row.meta.recordedBy), \(Instant.text(row.meta.recordedAt, in: model.timeZone))"
                                    + (row.meta.version > 1 ? " (amended, version \(row.meta.version))" : ""))),
                        .if(canEdit, .a(.href("\(row.editPath)/edit"), .class("item-edit"), .text(" Amend"))))
                }),
            .unwrap(extra) { .p(.class("hint"), .text($0)) },
            .if(canEdit && (!section.isSingle || entries.isEmpty),
                .a(.href(add), .class("add-link"), .id("add-\(section.slug)"),
                   .text(entries.isEmpty || !section.isSingle ? "Add \(section.displayName)" : "")))
        )
    }
}
