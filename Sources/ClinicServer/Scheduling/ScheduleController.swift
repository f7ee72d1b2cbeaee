import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// `/schedule`: the clinic's calendar pages for the front desk: the week and day views per chair,
/// and a patient's course with proposed slots to accept and a form to book or move one session.
/// Refusals re-render the page with every reason; bad input with field errors; nothing is stored then.
struct ScheduleController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var workflow: ScheduleService { ScheduleService(services: services) }
    var schedule: ScheduleRepository { ScheduleRepository(database: services.database) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/schedule", .permission(.scheduleBook), use: week)
        routes.staff(.get, "/schedule/day", .permission(.scheduleBook), use: day)
        routes.staff(.get, "/schedule/patients/:id", .permission(.scheduleBook), use: course)
        routes.staff(.post, "/schedule/patients/:id/book-proposal", .permission(.scheduleBook), use: bookProposal)
        routes.staff(.post, "/schedule/patients/:id/move", .permission(.scheduleBook), use: move)
        routes.staff(.post, "/schedule/patients/:id/cancel", .permission(.scheduleBook), use: cancel)
        WaitlistController(services: services).addRoutes(to: routes)
        CalendarFeedController(services: services).addRoutes(to: routes)
    }

    @Sendable func week(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let query = WebResponses.queryFields(of: request)
        let anchor = query["week"].flatMap(CalendarDate.init(iso:)) ?? services.today(for: clinic)
        let monday = anchor.adding(days: -(anchor.weekday.rawValue - 1))
        let days = (0..<7).map { monday.adding(days: $0) }
        let model = try await grid(days, clinic: clinic, context: context, title: "Week of \(monday.iso)",
                                   previous: "/schedule?week=\(monday.adding(days: -7).iso)", next: "/schedule?week=\(monday.adding(days: 7).iso)")
        return WebResponses.consumingFlash(WebResponses.page(ScheduleWeekPage.render(model, context: pageContext(clinic, request, context))), from: request)
    }

    @Sendable func day(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let date = WebResponses.queryFields(of: request)["date"].flatMap(CalendarDate.init(iso:)) ?? services.today(for: clinic)
        let model = try await grid([date], clinic: clinic, context: context, title: "\(date.weekday.displayName) \(date.iso)",
                                   previous: "/schedule/day?date=\(date.adding(days: -1).iso)", next: "/schedule/day?date=\(date.adding(days: 1).iso)")
        return WebResponses.page(ScheduleWeekPage.render(model, context: pageContext(clinic, request, context)))
    }

    private func grid(_ days: [CalendarDate], clinic: Clinic, context: Context, title: String, previous: String,
                      next: String) async throws -> ScheduleWeekPage.Model {
        let chairs = try await workflow.chairs(clinic, context: context)
        let book = try await schedule.book(of: clinic.id, from: days[0], through: days[days.count - 1], timeZone: clinic.settings.resolvedTimeZone)
        var names: [UUID: String] = [:]
        var rows: [ScheduleWeekPage.ChairRow] = []
        for chair in chairs {
            var cells: [[ScheduleWeekPage.Entry]] = []
            for day in days {
                var entries: [ScheduleWeekPage.Entry] = []
                for booking in book.bookings(on: day) where booking.chairID == chair.id {
                    if names[booking.patientID] == nil {
                        names[booking.patientID] = try await services.patients.find(booking.patientID, in: clinic.id)?.listName ?? "?"
                    }
                    // A booking made when it stood may conflict since (an absence, a closure, new hours); the past is history.
                    let conflicts = book.conflicts(for: booking, now: services.now()).filter { $0 != .inThePast }
                    let isPast = booking.slot.instants(in: clinic.settings.resolvedTimeZone).start <= services.now()
                    entries.append(.init(hours: booking.slot.span.description, patientName: names[booking.patientID]!,
                                         treatment: booking.treatment.displayName,
                                         courseLink: "/schedule/patients/\(booking.patientID.uuidString.lowercased())",
                                         conflict: isPast || conflicts.isEmpty ? nil : conflicts.map(\.description).joined(separator: " ")))
                }
                cells.append(entries)
            }
            if chair.isActive || cells.contains(where: { !$0.isEmpty }) {
                rows.append(.init(name: chair.isActive ? chair.name : "\(chair.name) (out of service)", cells: cells))
            }
        }
        return ScheduleWeekPage.Model(days: days, chairs: rows, closures: book.closures.mapValues(\.reason),
                                      hours: Dictionary(uniqueKeysWithValues: days.compactMap { day in book.hours.hours(on: day).map { (day, $0.description) } }),
                                      previousLink: previous, nextLink: next, title: title)
    }

    @Sendable func course(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let model = try await courseModel(clinic, context: context, conflicts: [], values: [:], errors: FieldErrors())
        return WebResponses.consumingFlash(WebResponses.page(CourseBookingPage.render(model, context: pageContext(clinic, request, context))),
                                           from: request)
    }

    @Sendable func bookProposal(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        _ = try await WebResponses.formFields(of: request)
        let course = try await workflow.course(patientID: try ScheduleAPIController.patientID(context), clinic: clinic, context: context)
        let proposed = try await workflow.propose(course, preference: .any, rebook: false, clinic: clinic)
        var booked = 0
        var refused: [String] = []
        for slot in proposed {
            guard let booking = slot.booking else { refused.append("Session \(slot.session.number): \(slot.problem ?? "no slot")"); continue }
            do {
                _ = try await workflow.book(sessionID: booking.sessionID, chairID: booking.chairID, slot: booking.slot, course: course, clinic: clinic,
                                            context: context)
                booked += 1
            } catch let conflict as BookingRefused {
                refused.append("Session \(slot.session.number): \(conflict.description)")
            }
        }
        if !refused.isEmpty {
            let model = try await courseModel(clinic, context: context, conflicts: refused, values: [:], errors: FieldErrors())
            return WebResponses.page(CourseBookingPage.render(model, context: pageContext(clinic, request, context)), status: .conflict)
        }
        return WebResponses.redirect(to: "/schedule/patients/\(course.patient.id.uuidString.lowercased())",
                                     flash: Flash(.success, "\(booked) session(s) booked."))
    }

    @Sendable func move(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        let course = try await workflow.course(patientID: try ScheduleAPIController.patientID(context), clinic: clinic, context: context)
        let policy = try await schedule.policy(of: clinic.id)
        var errors = FieldErrors()
        let sessionID = fields["session"].flatMap { UUID(uuidString: $0) }
        if sessionID == nil || !course.sessions.contains(where: { $0.session.id == sessionID && $0.session.state == .scheduled }) {
            errors.add("session", "Choose a scheduled session.")
        }
        do {
            let (chairID, slot) = try ScheduleService.parseBooking(chair: fields["chair"], date: fields["date"], start: fields["start"], end: nil,
                                                                   treatment: course.treatment, policy: policy)
            try errors.throwIfAny()
            let warnings = try await workflow.book(sessionID: sessionID!, chairID: chairID, slot: slot, course: course, clinic: clinic, context: context)
            let number = course.sessions.first { $0.session.id == sessionID }?.session.number ?? 0
            let note = warnings.isEmpty ? "" : " " + warnings.map(\.message).joined(separator: " ")
            let flash = Flash(warnings.isEmpty ? .success : .info, "Session \(number) booked \(slot).\(note)")
            // The slot the move freed goes to the waitlist page when someone waiting suits it.
            if let old = course.sessions.first(where: { $0.session.id == sessionID })?.booking, old.slot != slot || old.chairID != chairID {
                let freed = FreedSlot(chairID: old.chairID, slot: old.slot)
                if try await !workflow.matches(for: freed, clinic: clinic, excluding: [course.patient.id], context: context).isEmpty {
                    return WebResponses.redirect(to: WaitlistController.path(for: freed), flash: flash)
                }
            }
            return WebResponses.redirect(to: "/schedule/patients/\(course.patient.id.uuidString.lowercased())", flash: flash)
        } catch let fieldErrors as FieldErrors {
            let model = try await courseModel(clinic, context: context, conflicts: [], values: fields, errors: errors.merging(fieldErrors))
            return WebResponses.page(CourseBookingPage.render(model, context: pageContext(clinic, request, context)), status: .unprocessableContent)
        } catch let refused as BookingRefused {
            let model = try await courseModel(clinic, context: context, conflicts: refused.conflicts.map(\.description), values: fields, errors: FieldErrors())
            return WebResponses.page(CourseBookingPage.render(model, context: pageContext(clinic, request, context)), status: .conflict)
        } catch let input as ScheduleInputError {
            var errors = FieldErrors()
            errors.add(input.field, input.message)
            let model = try await courseModel(clinic, context: context, conflicts: [], values: fields, errors: errors)
            return WebResponses.page(CourseBookingPage.render(model, context: pageContext(clinic, request, context)), status: .unprocessableContent)
        }
    }

    /// Cancels one scheduled session with a reason; a booked one frees its slot, and the waitlist page
    /// shows who is waiting for it.
    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        let course = try await workflow.course(patientID: try ScheduleAPIController.patientID(context), clinic: clinic, context: context)
        let row = fields["cancel-session"].flatMap { UUID(uuidString: $0) }.flatMap { id in course.sessions.first { $0.session.id == id } }
        do {
            guard let row, row.session.state == .scheduled else {
                var errors = FieldErrors()
                errors.add("cancel-session", "Choose a scheduled session.")
                throw errors
            }
            let late = try await schedule.cancel(sessionID: row.session.id, in: clinic.id, reason: fields["cancel-reason"] ?? "", now: services.now(),
                                                 stamp: context.stamp(at: services.now()))
            let flash = Flash(.success, "Session \(row.session.number) cancelled\(late ? " (a late cancellation)" : "").")
            if let booking = row.booking {
                return WebResponses.redirect(to: WaitlistController.path(for: FreedSlot(chairID: booking.chairID, slot: booking.slot)), flash: flash)
            }
            return WebResponses.redirect(to: "/schedule/patients/\(course.patient.id.uuidString.lowercased())", flash: flash)
        } catch let errors as FieldErrors {
            let model = try await courseModel(clinic, context: context, conflicts: [], values: fields, errors: errors)
            return WebResponses.page(CourseBookingPage.render(model, context: pageContext(clinic, request, context)), status: .unprocessableContent)
        } catch let input as ScheduleInputError {
            var errors = FieldErrors()
            errors.add(input.field == "reason" ? "cancel-reason" : "cancel-session", input.message)
            let model = try await courseModel(clinic, context: context, conflicts: [], values: fields, errors: errors)
            return WebResponses.page(CourseBookingPage.render(model, context: pageContext(clinic, request, context)), status: .unprocessableContent)
        }
    }

    private func courseModel(_ clinic: Clinic, context: Context, conflicts: [String], values: [String: String],
                             errors: FieldErrors) async throws -> CourseBookingPage.Model {
        let chairs = try await workflow.chairs(clinic, context: context)
        let course = try await workflow.course(patientID: try ScheduleAPIController.patientID(context), clinic: clinic, context: context)
        let proposed = try await workflow.propose(course, preference: .any, rebook: false, clinic: clinic)
        let names = Dictionary(chairs.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func text(_ booking: Booking) -> String { "\(booking.slot.date.iso) \(booking.slot.span), \(names[booking.chairID] ?? "?")" }
        return CourseBookingPage.Model(
            patientID: course.patient.id, patientName: course.patient.listName, treatment: course.treatment.displayName,
            sessions: course.sessions.map { .init(sessionID: $0.session.id, number: $0.session.number, plannedDate: $0.session.date,
                                                  state: $0.session.state, booking: $0.booking.map(text)) },
            proposals: proposed.map { "Session \($0.session.number): " + ($0.booking.map(text) ?? ($0.problem ?? "no free slot")) },
            warnings: (course.preconditions + course.intervalWarnings).map(\.message), conflicts: conflicts,
            chairs: chairs.filter(\.isActive).map { ($0.id.uuidString.lowercased(), $0.name) }, values: values, errors: errors)
    }

    private func pageContext(_ clinic: Clinic, _ request: Request, _ context: Context) -> PageContext {
        WebResponses.pageContext(clinic, request, context, section: .sessions)
    }
}
