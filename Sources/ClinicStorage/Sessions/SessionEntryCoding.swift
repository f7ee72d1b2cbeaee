import ClinicDomain
import Foundation
import SQLKit

/// How session entries and readings are stored and read back: each entry's kind names its JSON body.
enum SessionEntryCoding {
    /// The JSON body of `content`.
    static func body(of content: SessionEntryContent) throws -> String {
        switch content {
        case .checklist(let value): try StoredJSON.text(value)
        case .administration(let value): try StoredJSON.text(value)
        case .infusionChange(let value): try StoredJSON.text(value)
        case .device(let value): try StoredJSON.text(value)
        case .sideEffects(let value): try StoredJSON.text(value)
        case .adverseEvent(let value): try StoredJSON.text(value)
        case .discharge(let value): try StoredJSON.text(value)
        case .note(let value), .noteAmendment(let value): try StoredJSON.text(value)
        case .remsSubmission(let value): try StoredJSON.text(value)
        case .chair(let chair): try StoredJSON.text(["chair": chair])
        }
    }

    /// The content stored as `kind` with `body`.
    static func content(kind: String, body: String) throws -> SessionEntryContent {
        let data = Data(body.utf8)
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try StoredJSON.decoder.decode(type, from: data) }
        switch kind {
        case "checklist": return .checklist(try decode(PreTreatmentChecklist.self))
        case "administration": return .administration(try decode(AdministrationDetails.self))
        case "infusion-change": return .infusionChange(try decode(InfusionChange.self))
        case "device": return .device(try decode(DeviceUse.self))
        case "side-effects": return .sideEffects(try decode(SideEffectObservation.self))
        case "adverse-event": return .adverseEvent(try decode(SessionAdverseEvent.self))
        case "discharge-assessment": return .discharge(try decode(DischargeAssessment.self))
        case "note": return .note(try decode(SessionNoteText.self))
        case "note-amendment": return .noteAmendment(try decode(SessionNoteText.self))
        case "rems-submission": return .remsSubmission(try decode(RemsSubmission.self))
        case "chair":
            guard let chair = try decode([String: String].self)["chair"] else { throw StoredDataError(what: "chair entry") }
            return .chair(chair)
        default: throw StoredDataError(what: "session entry of kind \(kind)")
        }
    }

    /// A stored entry row.
    static func entry(_ row: any SQLRow) throws -> SessionEntry {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText) else { throw StoredDataError(what: "session entry \(idText)") }
        return SessionEntry(
            id: id,
            content: try content(kind: try row.decode(column: "kind", as: String.self), body: try row.decode(column: "body", as: String.self)),
            recordedAt: Date(millisecondsSince1970: try row.decode(column: "recorded_at", as: Int64.self)),
            recordedByName: try row.decode(column: "recorded_by_name", as: String.self),
            amends: try row.decode(column: "amends", as: String?.self).flatMap(UUID.init(uuidString:)),
            reason: try row.decode(column: "reason", as: String?.self))
    }

    /// A stored reading row.
    static func reading(_ row: any SQLRow) throws -> StoredVitalReading {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText),
              let source = ReadingSource(rawValue: try row.decode(column: "source", as: String.self)) else {
            throw StoredDataError(what: "vital reading \(idText)")
        }
        let values = VitalReading(
            systolic: try row.decode(column: "systolic", as: Int?.self), diastolic: try row.decode(column: "diastolic", as: Int?.self),
            heartRate: try row.decode(column: "heart_rate", as: Int?.self),
            oxygenSaturation: try row.decode(column: "oxygen_saturation", as: Int?.self),
            respiratoryRate: try row.decode(column: "respiratory_rate", as: Int?.self),
            temperatureCelsius: try row.decode(column: "temperature_decicelsius", as: Int?.self).map { Double($0) / 10 })
        return StoredVitalReading(
            id: id, takenAt: Date(millisecondsSince1970: try row.decode(column: "taken_at", as: Int64.self)),
            recordedAt: Date(millisecondsSince1970: try row.decode(column: "recorded_at", as: Int64.self)), source: source,
            values: values, recordedByName: try row.decode(column: "recorded_by_name", as: String.self),
            amends: try row.decode(column: "amends", as: String?.self).flatMap(UUID.init(uuidString:)),
            reason: try row.decode(column: "reason", as: String?.self))
    }

    /// A stored alert row.
    static func alert(_ row: any SQLRow) throws -> SessionVitalAlert {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText),
              let sessionID = UUID(uuidString: try row.decode(column: "session_id", as: String.self)),
              let readingID = UUID(uuidString: try row.decode(column: "vital_id", as: String.self)) else {
            throw StoredDataError(what: "session alert \(idText)")
        }
        var acknowledgement: SessionVitalAlert.Acknowledgement?
        if let at = try row.decode(column: "acknowledged_at", as: Int64?.self) {
            guard let action = VitalAlertAction(rawValue: try row.decode(column: "action", as: String?.self) ?? "") else {
                throw StoredDataError(what: "acknowledgement of alert \(idText)")
            }
            acknowledgement = .init(at: Date(millisecondsSince1970: at),
                                    byName: try row.decode(column: "acknowledged_by_name", as: String?.self) ?? "",
                                    action: action, note: try row.decode(column: "note", as: String?.self))
        }
        return SessionVitalAlert(
            id: id, sessionID: sessionID, readingID: readingID, code: try row.decode(column: "code", as: String.self),
            message: try row.decode(column: "message", as: String.self),
            raisedAt: Date(millisecondsSince1970: try row.decode(column: "raised_at", as: Int64.self)),
            escalatedAt: try row.decode(column: "escalated_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            acknowledgement: acknowledgement)
    }
}
