import ClinicDomain
@testable import ClinicServer
import Foundation
import Testing

/// The shapes learnt from Codable types: what the API's description says each body and answer holds.
@Suite("Shapes of Codable types")
struct TypeShapeTests {
    private struct Visit: Codable {
        enum Kind: String, Codable, CaseIterable { case infusion, spray }
        struct Dose: Codable { let mg: Double; let lot: String? }
        let id: UUID
        let kind: Kind
        let doses: [Dose]
        let on: CalendarDate
        let at: Date
        let count: Int
        let sequence: Int64
        let flagged: Bool
        let notes: [String: String]
        let note: String?
    }

    private static func fields(_ shape: TypeShape) -> [String: TypeShape.Field] {
        guard case .object(let fields, _) = shape else { return [:] }
        return Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0) })
    }

    @Test("Each field's JSON type, whether it is required, and an enum's raw values come from the type itself")
    func learnsFields() throws {
        let fields = Self.fields(TypeShape.of(Visit.self))
        #expect(Set(fields.keys) == ["id", "kind", "doses", "on", "at", "count", "sequence", "flagged", "notes", "note"])
        let expected: [(String, TypeShape, Bool)] = [
            ("id", .string(format: "uuid"), true),
            ("kind", .oneOf([.text("infusion"), .text("spray")]), true),
            ("doses", .array(.object([.init(name: "mg", shape: .number, required: true),
                                      .init(name: "lot", shape: .string(format: nil), required: false)], closed: false)), true),
            ("on", .string(format: "date"), true),
            ("at", .string(format: "date-time"), true),
            ("count", .integer(wide: false), true),
            ("sequence", .integer(wide: true), true),
            ("flagged", .boolean, true),
            ("notes", .dictionary(.string(format: nil)), true),
            ("note", .string(format: nil), false),
        ]
        for (name, shape, required) in expected {
            #expect(fields[name]?.shape == shape, "\(name)")
            #expect(fields[name]?.required == required, "\(name) required")
        }
        #expect(Self.fields(TypeShape.of(Visit.self, dates: .reference))["at"]?.shape == .number)
    }

    @Test("A strict request body is closed and names exactly the fields its decoder accepts")
    func requestBodies() {
        let bodies: [any StrictlyKeyed.Type] = [
            ScalesAPIController.AnswersBody.self, ScalesAPIController.LinkBody.self, ScalesAPIController.AcknowledgementBody.self,
            PKAPIController.RacemicBody.self, DosingAPIController.DoseBody.self, DosingAPIController.CreateBody.self,
            ScheduleAPIController.HoursBody.self, WaitlistAPIController.AddBody.self, PlanAPIController.PlanBody.self,
        ]
        for body in bodies {
            let shape = Self.requestShape(body)
            guard case .object(let fields, let closed) = shape else { Issue.record("\(body) is not an object"); continue }
            #expect(closed, "\(body)")
            #expect(Set(fields.map(\.name)) == body.acceptedFields, "\(body)")
        }
        let racemic = Self.fields(TypeShape.requestBody(PKAPIController.RacemicBody.self))
        #expect(racemic["doseMg"]?.shape == .number && racemic["doseMg"]?.required == true)
        #expect(racemic["untilMin"]?.required == false)
        let link = Self.fields(TypeShape.requestBody(ScalesAPIController.LinkBody.self))
        #expect(link["instruments"]?.shape == .array(.oneOf(InstrumentID.allCases.map { .text($0.rawValue) })))
        let hours = Self.fields(TypeShape.requestBody(ScheduleAPIController.HoursBody.self))
        #expect(hours["days"]?.shape == .dictionary(.dictionary(.string(format: nil))))
        // A nested domain type is described field by field, not left open.
        let protocolFields = Self.fields(Self.fields(TypeShape.requestBody(DosingAPIController.CreateBody.self))["protocol"]?.shape ?? .any)
        #expect(protocolFields["treatment"]?.shape == .oneOf(Treatment.allCases.map { .text($0.rawValue) }))
        #expect(protocolFields["weightBased"]?.required == false)
    }

    @Test("A form read as flat fields is closed, each field a scalar the form itself validates")
    func flatForms() {
        let shape = TypeShape.flatForm(["chair"])
        #expect(shape == .object([.init(name: "chair", shape: .scalar, required: false)], closed: true))
    }

    @Test("Each single-value domain type's stated shape is what its encoding writes")
    func statedShapesMatchEncoding() throws {
        let encoder = JSONEncoder()
        func check<T: ShapedValue & Encodable>(_ type: T.Type, _ values: [T]) throws {
            for value in [T.shapeSample] + values {
                let json = try JSONSerialization.jsonObject(with: try encoder.encode(value), options: [.fragmentsAllowed])
                #expect(AnswerConformance.mismatches(json, T.valueShape, at: "").isEmpty, "\(T.self): \(json)")
            }
        }
        try check(ClockTime.self, [ClockTime(hour: 17, minute: 45)!])
        try check(CourseFrequency.self, [.everyWeeks(2), .perWeek(3)])
        try check(Jurisdiction.self, [Jurisdiction(code: "US-NY")!])
        try check(PlanDoseTarget.self, [.devices(3)])
        // and a value of the wrong shape is caught
        #expect(!AnswerConformance.mismatches(["devices": ["_0": 2.5]], PlanDoseTarget.valueShape, at: "").isEmpty)
    }

    private static func requestShape<T: StrictlyKeyed>(_ type: T.Type) -> TypeShape { TypeShape.requestBody(type) }
}
