import ClinicDomain
import Testing

@Suite("Session lifecycle state machine")
struct SessionStateMachineTests {
    /// One event of each kind, with its hard stops satisfied.
    static let events: [SessionEvent] = [
        .checkIn, .beginChecks, .startDosing(checklistPassed: true, override: nil), .endDosing,
        .markReadyForDischarge(criteriaMet: true, override: nil), .discharge(requiredPointsComplete: true, override: nil),
        .stopEarly(reason: "vomiting, infusion stopped"), .cancel(reason: "BP 172/104 before dosing"), .markNoShow,
    ]

    /// Every legal transition: (from, event name) → to.
    static let legal: [String: TreatmentSessionState] = [
        "scheduled/check in": .checkedIn, "scheduled/mark no-show": .noShow, "scheduled/cancel": .cancelled,
        "checked-in/begin pre-treatment checks": .preTreatmentChecks, "checked-in/cancel": .cancelled,
        "pre-treatment-checks/start dosing": .dosing, "pre-treatment-checks/cancel": .cancelled,
        "dosing/end dosing": .observation, "dosing/stop early": .stoppedEarly,
        "observation/mark ready for discharge": .readyForDischarge, "observation/stop early": .stoppedEarly,
        "ready-for-discharge/discharge": .discharged, "ready-for-discharge/stop early": .stoppedEarly,
    ]

    @Test("Every state × every event: the legal ones move to the right state, every other one is refused and changes nothing",
          arguments: TreatmentSessionState.allCases)
    func table(state: TreatmentSessionState) {
        for event in Self.events {
            var machine = SessionStateMachine(state: state)
            let action = machine.handle(event)
            if let next = Self.legal["\(state.rawValue)/\(event.name)"] {
                guard case .transition(let to, _, let override) = action else {
                    Issue.record("\(state) + \(event.name) should move to \(next), got \(action)")
                    continue
                }
                #expect(to == next && machine.state == next && override == nil, "\(state) + \(event.name)")
            } else {
                guard case .refuse(let reason) = action else {
                    Issue.record("\(state) + \(event.name) should be refused, got \(action)")
                    continue
                }
                #expect(!reason.isEmpty && machine.state == state, "\(state) + \(event.name)")
            }
        }
    }

    @Test("The whole happy path, in order")
    func happyPath() {
        var machine = SessionStateMachine()
        for event in [SessionEvent.checkIn, .beginChecks, .startDosing(checklistPassed: true, override: nil), .endDosing,
                      .markReadyForDischarge(criteriaMet: true, override: nil), .discharge(requiredPointsComplete: true, override: nil)] {
            guard case .transition = machine.handle(event) else { Issue.record("refused \(event.name)"); return }
        }
        #expect(machine.state == .discharged && machine.state.isFinal)
    }

    @Test("Hard stops: refused without an override; a nurse or a thin reason cannot override; a prescriber with a reason can",
          arguments: [TreatmentSessionState.preTreatmentChecks, .observation, .readyForDischarge])
    func hardStops(state: TreatmentSessionState) {
        func event(_ override: SessionOverride?) -> SessionEvent {
            switch state {
            case .preTreatmentChecks: .startDosing(checklistPassed: false, override: override)
            case .observation: .markReadyForDischarge(criteriaMet: false, override: override)
            default: .discharge(requiredPointsComplete: false, override: override)
            }
        }
        for attempt in [nil, SessionOverride(byName: "Nurse N", byPrescriber: false, reason: "patient feels fine, escort waiting"),
                        SessionOverride(byName: "Dr P", byPrescriber: true, reason: "ok")] as [SessionOverride?] {
            var machine = SessionStateMachine(state: state)
            guard case .refuse = machine.handle(event(attempt)) else { Issue.record("\(state) let \(String(describing: attempt)) through"); continue }
            #expect(machine.state == state)
        }
        let valid = SessionOverride(byName: "Dr P", byPrescriber: true, reason: "BP 146/92 is her usual; benefit outweighs risk")
        var machine = SessionStateMachine(state: state)
        guard case .transition(_, let audit, let override) = machine.handle(event(valid)) else { Issue.record("override refused"); return }
        #expect(override == valid && audit.contains("override by Dr P") && audit.contains(valid.reason))
    }

    @Test("Cancelling and stopping early need a reason")
    func reasons() {
        var scheduled = SessionStateMachine()
        guard case .refuse = scheduled.handle(.cancel(reason: "  ")) else { Issue.record("cancelled without a reason"); return }
        var dosing = SessionStateMachine(state: .dosing)
        guard case .refuse = dosing.handle(.stopEarly(reason: "")) else { Issue.record("stopped without a reason"); return }
        #expect(scheduled.state == .scheduled && dosing.state == .dosing)
    }
}
