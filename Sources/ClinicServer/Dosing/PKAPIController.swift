import ClinicDomain
import Foundation
import Hummingbird

/// `POST /api/v1/pk` and `POST /api/v1/pk/esketamine`: the pharmacokinetic preview as JSON, for
/// the same inputs and with the same validation messages as the page and `ketaclinic pk`. Bad
/// input answers `application/problem+json` with one message per field. Nothing is stored.
struct PKAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.post, "/api/v1/pk", .permission(.dosingUse), request: .requestBody(RacemicBody.self),
                     answer: RouteAnswer(status: 200, shape: RacemicResource.shape, name: "PKPreview"), use: racemic)
        routes.staff(.post, "/api/v1/pk/esketamine", .permission(.dosingUse), request: .requestBody(EsketamineBody.self),
                     answer: RouteAnswer(status: 200, shape: EsketamineResource.shape, name: "EsketaminePKPreview"), use: esketamine)
    }

    /// The racemic ketamine request body.
    struct RacemicBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["model", "weightKg", "doseMg", "minutes", "untilMin", "stepMin",
                                                  "thresholdNgPerMl", "compareMinutes"]
        let model: String
        let weightKg: Double
        let doseMg: Double
        let minutes: Double
        let untilMin: Double?
        let stepMin: Double?
        let thresholdNgPerMl: Double?
        let compareMinutes: Double?
    }

    /// The esketamine request body: `devices` or `doseMg` (28, 56 or 84).
    struct EsketamineBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["devices", "doseMg", "untilMin", "stepMin", "thresholdNgPerMl"]
        let devices: Int?
        let doseMg: Double?
        let untilMin: Double?
        let stepMin: Double?
        let thresholdNgPerMl: Double?
    }

    /// One curve: its peak, time above the threshold and points, rounded to 0.01.
    struct CurveResource: Codable {
        let cmaxNgPerMl: Double
        let tmaxMin: Double
        let thresholdNgPerMl: Double
        let minutesAboveThreshold: Double
        let points: [ConcentrationCurve.Point]

        init(_ curve: ConcentrationCurve) {
            cmaxNgPerMl = rounded(curve.cmaxNgPerMl)
            tmaxMin = rounded(curve.tmaxMin)
            thresholdNgPerMl = curve.thresholdNgPerMl
            minutesAboveThreshold = rounded(curve.minutesAboveThreshold)
            points = curve.points.map { .init(minute: rounded($0.minute), ngPerMl: rounded($0.ngPerMl)) }
        }

        /// The curve's own fields (learnt from the type) with `extra` beside them: the previews write
        /// the curve's fields at their own level.
        static func shape(adding extra: [(name: String, shape: TypeShape, required: Bool)]) -> TypeShape {
            guard case .object(let fields, _) = TypeShape.of(Self.self) else { return .any }
            return .object(fields + extra.map { TypeShape.Field(name: $0.name, shape: $0.shape, required: $0.required) }, closed: false)
        }
    }

    /// The second duration of a comparison.
    struct ComparisonResource: Encodable {
        let minutes: Double
        let curve: CurveResource
        let peakReduction: Double

        func encode(to encoder: any Encoder) throws {
            try curve.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(minutes, forKey: .minutes)
            try container.encode(peakReduction, forKey: .peakReduction)
        }

        enum Keys: String, CodingKey { case minutes, peakReduction }

        /// The curve's fields with the duration and the peak's reduction beside them, as ``encode(to:)`` writes them.
        static var shape: TypeShape {
            CurveResource.shape(adding: [("minutes", .number, true), ("peakReduction", .number, true)])
        }
    }

    /// The racemic preview: the inputs, the curve's fields at the top level, `compare` when asked.
    struct RacemicResource: Encodable {
        let model: String
        let modelName: String
        let weightKg: Double
        let doseMg: Double
        let minutes: Double
        let curve: CurveResource
        let compare: ComparisonResource?
        let disclaimer: String

        func encode(to encoder: any Encoder) throws {
            try curve.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(model, forKey: .model)
            try container.encode(modelName, forKey: .modelName)
            try container.encode(weightKg, forKey: .weightKg)
            try container.encode(doseMg, forKey: .doseMg)
            try container.encode(minutes, forKey: .minutes)
            try container.encodeIfPresent(compare, forKey: .compare)
            try container.encode(disclaimer, forKey: .disclaimer)
        }

        enum Keys: String, CodingKey { case model, modelName, weightKg, doseMg, minutes, compare, disclaimer }

        /// The curve's fields at the top level with the inputs, as ``encode(to:)`` writes them.
        static var shape: TypeShape {
            CurveResource.shape(adding: [("model", .string(format: nil), true), ("modelName", .string(format: nil), true),
                                         ("weightKg", .number, true), ("doseMg", .number, true), ("minutes", .number, true),
                                         ("compare", ComparisonResource.shape, false), ("disclaimer", .string(format: nil), true)])
        }
    }

    /// The esketamine preview, marked approximate.
    struct EsketamineResource: Encodable {
        let devices: Int
        let doseMg: Double
        let deviceMinutes: [Double]
        let curve: CurveResource

        func encode(to encoder: any Encoder) throws {
            try curve.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("esketamine", forKey: .model)
            try container.encode(true, forKey: .approximate)
            try container.encode(EsketamineAbsorptionModel.approximateNotice, forKey: .approximateNotice)
            try container.encode(devices, forKey: .devices)
            try container.encode(doseMg, forKey: .doseMg)
            try container.encode(deviceMinutes, forKey: .deviceMinutes)
            try container.encode(EsketaminePreview.disclaimer, forKey: .disclaimer)
        }

        enum Keys: String, CodingKey { case model, approximate, approximateNotice, devices, doseMg, deviceMinutes, disclaimer }

        /// The curve's fields at the top level with the device schedule, as ``encode(to:)`` writes them.
        static var shape: TypeShape {
            CurveResource.shape(adding: [("model", .oneOf([.text("esketamine")]), true), ("approximate", .boolean, true),
                                         ("approximateNotice", .string(format: nil), true), ("devices", .integer(wide: false), true),
                                         ("doseMg", .number, true), ("deviceMinutes", .array(.number), true),
                                         ("disclaimer", .string(format: nil), true)])
        }
    }

    @Sendable func racemic(_ request: Request, context: Context) async throws -> Response {
        let body = try await StrictJSON.decode(RacemicBody.self, from: request)
        var errors = FieldErrors()
        let model = CompartmentModel.Identifier(rawValue: body.model.trimmed.lowercased())
        if model == nil { errors.add("model", "Use domino or clements.") }
        if let compare = body.compareMinutes, !PKPreviewRequest.isAcceptedDuration(compare) {
            errors.add("compareMinutes", "Enter 0 for a bolus, or a second duration from 1 to 600 minutes.")
        }
        let pkRequest = PKPreviewRequest(model: model ?? .domino, weightKg: body.weightKg, doseMg: body.doseMg,
                                         durationMin: body.minutes, untilMin: body.untilMin, stepMin: body.stepMin ?? 5,
                                         thresholdNgPerMl: body.thresholdNgPerMl ?? PKPreviewRequest.dissociationBandLowerNgPerMl)
        do { _ = try pkRequest.validated() } catch { errors = errors.merging(error) }
        try errors.throwIfAny()
        if let compare = body.compareMinutes {
            let comparison = try PKPreview.compare(pkRequest, durationsMin: (body.minutes, compare))
            return try APIResponse.json(resource(comparison.first, compare: ComparisonResource(
                minutes: compare, curve: CurveResource(comparison.second.curve), peakReduction: rounded(comparison.peakReduction, places: 4))))
        }
        return try APIResponse.json(resource(try PKPreview(pkRequest), compare: nil))
    }

    @Sendable func esketamine(_ request: Request, context: Context) async throws -> Response {
        let body = try await StrictJSON.decode(EsketamineBody.self, from: request)
        let devices: Int
        switch (body.devices, body.doseMg) {
        case (nil, nil):
            var errors = FieldErrors()
            errors.add("devices", "Give devices (1, 2 or 3) or doseMg (28, 56 or 84).")
            throw errors
        case (let count?, nil):
            devices = count
        case (nil, let dose?):
            devices = try EsketaminePreviewRequest.devices(forDoseMg: dose)
        case (let count?, let dose?):
            guard (try? EsketaminePreviewRequest.devices(forDoseMg: dose)) == count else {
                var errors = FieldErrors()
                errors.add("doseMg", "doseMg must equal devices × 28 mg; give one of the two.")
                throw errors
            }
            devices = count
        }
        let preview = try EsketaminePreview(EsketaminePreviewRequest(
            devices: devices, untilMin: body.untilMin ?? EsketaminePreviewRequest.defaultUntilMin, stepMin: body.stepMin ?? 5,
            thresholdNgPerMl: body.thresholdNgPerMl ?? PKPreviewRequest.dissociationBandLowerNgPerMl))
        return try APIResponse.json(EsketamineResource(
            devices: devices, doseMg: preview.doseMg,
            deviceMinutes: EsketamineAbsorptionModel.deviceMinutes(devices: devices), curve: CurveResource(preview.curve)))
    }

    private func resource(_ preview: PKPreview, compare: ComparisonResource?) -> RacemicResource {
        RacemicResource(model: preview.model.id.rawValue, modelName: preview.model.displayName,
                        weightKg: preview.request.weightKg, doseMg: preview.request.doseMg,
                        minutes: preview.request.durationMin, curve: CurveResource(preview.curve), compare: compare,
                        disclaimer: PKPreview.disclaimer)
    }
}

/// `value` rounded to `places` decimals, so JSON stays readable.
private func rounded(_ value: Double, places: Int = 2) -> Double {
    let scale = pow(10, Double(places))
    return (value * scale).rounded() / scale
}
