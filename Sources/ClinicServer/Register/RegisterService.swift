import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// What the register's pages and API share: reading form or JSON fields into entries, asking a
/// witness to confirm with their own credentials, and turning the register's refusals into
/// field errors. Bad input never reaches the register: every number is parsed and bounded here.
struct RegisterService: Sendable {
    let services: ClinicServices
    var repository: RegisterRepository { RegisterRepository(database: services.database) }

    /// The credential fields of a witness, for accepted-field lists.
    static let witnessFields = SecondPersonCredentials.fieldNames(prefix: "witness")

    /// The signature of the signed-in user, confirmed by a witness when `purpose` is given.
    func signature(_ context: StaffRequestContext, fields: [String: String], witnessFor purpose: String?) async throws -> RegisterSignature {
        let stamp = context.stamp(at: services.now())
        var witness: ConfirmingPerson?
        if let purpose {
            witness = try await SecondPersonConfirmation(services: services).confirm(
                SecondPersonCredentials.from(fields, prefix: "witness"), permission: .registerWitness, actingUser: context.identity.user,
                purpose: purpose, stamp: stamp)
        }
        return RegisterSignature(stamp: stamp, name: context.identity.user.displayName, witness: witness)
    }

    /// Runs a register write, turning its refusal into field errors.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as RegisterRefusal { throw refusal.fieldErrors }
    }

    /// A UUID field, or a field error.
    static func id(_ fields: [String: String], _ name: String, _ message: String, into errors: inout FieldErrors) -> UUID? {
        guard let id = fields[name].flatMap({ UUID(uuidString: $0.trimmed) }) else { errors.add(name, message); return nil }
        return id
    }

    /// A `draw` field error unless the draw named is one of the session's: waste and returns come
    /// only from the session's own draws.
    static func check(_ draw: UUID?, isDrawOf session: SessionRegister, into errors: inout FieldErrors) {
        if let draw, !session.entries.contains(where: { $0.id == draw && $0.kind == .draw }) { errors.add("draw", "Choose one of this session's draws.") }
    }

    /// A whole number of units 1…10,000 (or `allowZero`), or a field error.
    static func units(_ fields: [String: String], _ name: String = "units", into errors: inout FieldErrors, signed: Bool = false) -> Int64? {
        guard let text = fields[name]?.trimmed, let value = Int64(text), abs(value) <= RegisterLedger.maximumUnits, signed || value > 0 else {
            errors.add(name, signed ? "Enter a whole number of units (negative to remove)." : "Enter a whole number of units (1 to \(RegisterLedger.maximumUnits)).")
            return nil
        }
        return value
    }

    /// An amount in mg, or a field error; `signed` accepts a leading minus.
    static func amount(_ fields: [String: String], _ name: String = "amountMg", into errors: inout FieldErrors, signed: Bool = false,
                       required: Bool = true) -> RegisterAmount? {
        var text = fields[name]?.trimmed ?? ""
        if text.isEmpty && !required { return .zero }
        var negative = false
        if signed, text.hasPrefix("-") { negative = true; text.removeFirst() }
        guard let amount = RegisterAmount.parse(milligrams: text), signed || amount > .zero else {
            errors.add(name, "Enter the amount in mg, a number such as 35 or 12.5.")
            return nil
        }
        return negative ? .zero - amount : amount
    }

    // MARK: Entries

    /// Records a receipt from form or JSON fields.
    func receive(_ fields: [String: String], clinic: Clinic, context: StaffRequestContext) async throws -> RegisterMovement {
        var errors = FieldErrors()
        let product = Self.id(fields, "product", "Choose the product.", into: &errors)
        let location = Self.id(fields, "location", "Choose where it is stored.", into: &errors)
        let units = Self.units(fields, into: &errors)
        let expiry = fields["expiry"].flatMap { CalendarDate(iso: $0.trimmed) }
        if expiry == nil { errors.add("expiry", "Enter the lot's expiry date (YYYY-MM-DD).") }
        if fields["lotNumber"]?.nilIfEmpty == nil { errors.add("lotNumber", "Enter the lot number printed on the pack.") }
        if fields["supplier"]?.nilIfEmpty == nil { errors.add("supplier", "Name the supplier.") }
        if fields["orderReference"]?.nilIfEmpty == nil {
            errors.add("orderReference", "Enter the order form or invoice number (in the US, the DEA Form 222 or CSOS order number).")
        }
        try errors.throwIfAny()
        let signature = try await signature(context, fields: fields, witnessFor: nil)
        return try await run {
            try await repository.receive(productID: product!, lotNumber: fields["lotNumber"]!, expiry: expiry!, units: units!, locationID: location!,
                                         supplier: fields["supplier"]!, orderReference: fields["orderReference"]!, clinicID: clinic.id,
                                         today: services.today(for: clinic), signature: signature)
        }
    }

    /// Records a transfer.
    func transfer(_ fields: [String: String], clinic: Clinic, context: StaffRequestContext) async throws -> RegisterMovement {
        var errors = FieldErrors()
        let line = Self.id(fields, "line", "Choose the stock to move.", into: &errors)
        let to = Self.id(fields, "toLocation", "Choose where it goes.", into: &errors)
        let units = Self.units(fields, into: &errors)
        try errors.throwIfAny()
        let signature = try await signature(context, fields: fields, witnessFor: nil)
        return try await run { try await repository.transfer(lineID: line!, units: units!, toLocationID: to!, clinicID: clinic.id, signature: signature) }
    }

    /// Records a witnessed destruction.
    func destroy(_ fields: [String: String], clinic: Clinic, context: StaffRequestContext) async throws -> RegisterMovement {
        var errors = FieldErrors()
        let lineID = Self.id(fields, "line", "Choose the stock destroyed.", into: &errors)
        let line = try await lineID.asyncFlatMap { try await repository.line($0) }
        if lineID != nil, line == nil { errors.add("line", "Choose the stock destroyed.") }
        let units = line?.kind == .opened ? line?.units : Self.units(fields, into: &errors)
        if fields["reason"]?.nilIfEmpty == nil { errors.add("reason", "Say why the stock is destroyed.") }
        try errors.throwIfAny()
        let signature = try await signature(context, fields: fields, witnessFor: "witness the destruction of controlled-substance stock")
        return try await run {
            try await repository.destroy(lineID: line!.id, units: units ?? 0, reason: fields["reason"]!, clinicID: clinic.id, signature: signature)
        }
    }

    /// Records a witnessed correction of an entry.
    func correct(_ fields: [String: String], clinic: Clinic, context: StaffRequestContext) async throws -> RegisterMovement {
        var errors = FieldErrors()
        let entry = Self.id(fields, "entry", "Name the entry corrected.", into: &errors)
        let line = Self.id(fields, "line", "Choose the stock line the correction changes.", into: &errors)
        let units = fields["units"]?.nilIfEmpty == nil ? 0 : Self.units(fields, into: &errors, signed: true)
        let amount = Self.amount(fields, into: &errors, signed: true, required: false)
        if (fields["reason"]?.trimmed.count ?? 0) < 10 { errors.add("reason", "Say why the entry is corrected (at least 10 characters).") }
        try errors.throwIfAny()
        let signature = try await signature(context, fields: fields, witnessFor: "witness the correction of a register entry")
        return try await run {
            try await repository.correct(entry: entry!, lineID: line!, units: units ?? 0, amount: amount ?? .zero, reason: fields["reason"]!,
                                         clinicID: clinic.id, signature: signature)
        }
    }

    /// Records a count by two people.
    func count(_ fields: [String: String], clinic: Clinic, context: StaffRequestContext) async throws -> RegisterCountRecord {
        var errors = FieldErrors()
        guard let kind = fields["kind"].flatMap(CountKind.init(rawValue:)) else {
            errors.add("kind", "Choose why the count is made.")
            throw errors
        }
        let lines = try await repository.stock(clinicID: clinic.id)
        var counted: [UUID: (units: String?, amountMg: String?)] = [:]
        for line in lines {
            let key = "count-\(line.id.uuidString.lowercased())"
            counted[line.id] = (fields[key], fields[key + "-mg"])
        }
        let signature = try await signature(context, fields: fields, witnessFor: "count controlled-substance stock (\(kind.displayName.lowercased()))")
        return try await run {
            try await repository.recordCount(kind: kind, counted: counted, note: fields["note"], clinicID: clinic.id, signature: signature)
        }
    }

    /// Closes a discrepancy.
    func close(discrepancy id: UUID, _ fields: [String: String], clinic: Clinic, context: StaffRequestContext) async throws -> RegisterDiscrepancy {
        var errors = FieldErrors()
        let resolution = fields["resolution"].flatMap(DiscrepancyResolution.init(rawValue:))
        if resolution == nil { errors.add("resolution", "Choose what the investigation found.") }
        if (fields["reason"]?.trimmed.count ?? 0) < RegisterDiscrepancy.minimumReasonLength {
            errors.add("reason", "Write what the investigation found (at least \(RegisterDiscrepancy.minimumReasonLength) characters).")
        }
        try errors.throwIfAny()
        let signature = try await signature(context, fields: fields, witnessFor: nil)
        return try await run {
            try await repository.closeDiscrepancy(id, resolution: resolution!, reason: fields["reason"], clinicID: clinic.id, signature: signature)
        }
    }

    /// Adds a product from fields.
    func addProduct(_ fields: [String: String], clinic: Clinic, context: StaffRequestContext) async throws -> RegisterProduct {
        var errors = FieldErrors()
        let substance = fields["substance"].flatMap(ControlledSubstance.init(rawValue:))
        let form = fields["form"].flatMap(ProductForm.init(rawValue:))
        if substance == nil { errors.add("substance", "Choose the substance.") }
        if form == nil { errors.add("form", "Choose how it is packed.") }
        let perUnit = Self.amount(fields, "perUnitMg", into: &errors)
        var concentration: Int64?
        if form == .multiDoseVial {
            concentration = Self.amount(fields, "concentrationMgPerMl", into: &errors)?.micrograms
        }
        try errors.throwIfAny()
        let product = try RegisterProduct(name: fields["name"] ?? "", substance: substance!, form: form!, perUnit: perUnit!,
                                          concentrationMicrogramsPerMl: concentration, productCode: fields["productCode"]).validated()
        return try await run { try await repository.addProduct(product, clinicID: clinic.id, stamp: context.stamp(at: services.now())) }
    }

    /// Adds a location from fields.
    func addLocation(_ fields: [String: String], clinic: Clinic, context: StaffRequestContext) async throws -> RegisterLocation {
        guard let kind = fields["kind"].flatMap(RegisterLocation.Kind.init(rawValue:)) else {
            var errors = FieldErrors()
            errors.add("kind", "Choose the kind of store.")
            throw errors
        }
        return try await run {
            try await repository.addLocation(name: fields["name"] ?? "", kind: kind, clinicID: clinic.id, stamp: context.stamp(at: services.now()))
        }
    }

    // MARK: Sessions

    /// A session's register view: its record, entries, reconciliation and the draw proposal.
    struct SessionRegister: Sendable {
        let loaded: LoadedSession
        let entries: [RegisterMovement]
        let reconciliation: SessionDrawReconciliation?
        let planned: RegisterAmount?
        let proposals: [(product: RegisterProduct, proposal: DrawProposal)]
        let stock: [StockLine]
        let catalogue: RegisterCatalogue
    }

    /// Loads the session named in the path for its register view, auditing the view.
    func sessionRegister(_ context: StaffRequestContext, clinic: Clinic) async throws -> SessionRegister {
        guard let id = context.parameters.get("session").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is no such treatment session.") }
        let loaded = try await SessionWorkflow(services: services).load(id, clinic: clinic)
        try await services.audit.record(AuditEvent(.view, entityType: "treatment_session", entityID: id.uuidString, patientID: loaded.patient.id,
                                                   summary: "controlled-substance draws of the session"), stamp: context.stamp(at: services.now()))
        let catalogue = try await repository.catalogue(clinicID: clinic.id)
        let stock = try await repository.stock(clinicID: clinic.id)
        let policy = try await repository.policy(clinicID: clinic.id)
        let planned = RegisterRepository.plannedDose(loaded.record)
        let substance: ControlledSubstance = loaded.record.treatment == .esketamine ? .esketamine : .ketamine
        var proposals: [(RegisterProduct, DrawProposal)] = []
        if let planned {
            for product in catalogue.products where product.substance == substance {
                proposals.append((product, DrawProposal.plan(planned: planned, product: product, lines: stock, lots: catalogue.lots, now: services.now(),
                                                             today: services.today(for: clinic), policy: policy)))
            }
        }
        return SessionRegister(loaded: loaded, entries: try await repository.entries(sessionID: id),
                               reconciliation: try await repository.reconciliation(of: loaded.record), planned: planned, proposals: proposals,
                               stock: stock, catalogue: catalogue)
    }

    /// Draws for the session.
    func draw(_ fields: [String: String], session: SessionRegister, clinic: Clinic, context: StaffRequestContext) async throws -> RegisterMovement {
        var errors = FieldErrors()
        let line = Self.id(fields, "line", "Choose the stock to draw from.", into: &errors)
        let amount = Self.amount(fields, into: &errors)
        try errors.throwIfAny()
        let signature = try await signature(context, fields: fields, witnessFor: nil)
        return try await run {
            try await repository.draw(lineID: line!, amount: amount!, sessionID: session.loaded.record.session.id, clinicID: clinic.id,
                                      timeZone: clinic.settings.resolvedTimeZone, signature: signature)
        }
    }

    /// Records the session's witnessed waste.
    func waste(_ fields: [String: String], session: SessionRegister, clinic: Clinic, context: StaffRequestContext) async throws -> RegisterMovement {
        var errors = FieldErrors()
        let draw = Self.id(fields, "draw", "Choose the draw the waste comes from.", into: &errors)
        let amount = Self.amount(fields, into: &errors)
        Self.check(draw, isDrawOf: session, into: &errors)
        try errors.throwIfAny()
        let signature = try await signature(context, fields: fields, witnessFor: "witness the waste of \(amount!) drawn for a treatment session")
        return try await run {
            try await repository.waste(drawID: draw!, amount: amount!, reason: fields["reason"], clinicID: clinic.id, signature: signature)
        }
    }

    /// Returns unused devices of the session's draw.
    func returnUnits(_ fields: [String: String], session: SessionRegister, clinic: Clinic, context: StaffRequestContext) async throws -> RegisterMovement {
        var errors = FieldErrors()
        let draw = Self.id(fields, "draw", "Choose the draw the devices came from.", into: &errors)
        let units = Self.units(fields, into: &errors)
        Self.check(draw, isDrawOf: session, into: &errors)
        try errors.throwIfAny()
        let signature = try await signature(context, fields: fields, witnessFor: nil)
        return try await run { try await repository.returnUnits(drawID: draw!, units: units!, clinicID: clinic.id, signature: signature) }
    }
}

/// JSON bodies for the register API, read as the pages' fields: strings, numbers and booleans
/// become the text a form would carry, anything else (and any unknown field) is a 422.
enum RegisterJSON {
    /// The body's fields, restricted to `accepted`.
    static func fields(from request: Request, accepted: Set<String>) async throws -> [String: String] {
        let object = try await StrictJSON.object(from: request)
        var errors = FieldErrors()
        var fields: [String: String] = [:]
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard accepted.contains(key) else {
                errors.add(key, "Unknown field. Accepted fields: \(accepted.sorted().joined(separator: ", ")).")
                continue
            }
            switch value {
            case let text as String: fields[key] = text
            case let number as NSNumber:
                if "\(type(of: number))".contains("Bool") { errors.add(key, "Wrong type: expected a number or a string."); continue }
                guard number.doubleValue.isFinite else { errors.add(key, "Enter a finite number."); continue }
                fields[key] = number.stringValue
            case is NSNull: continue
            default: errors.add(key, "Wrong type: expected a number or a string.")
            }
        }
        try errors.throwIfAny()
        return fields
    }
}

extension RegisterService {
    /// The loss report of the clinic's jurisdiction, filled from the discrepancies closed as a loss
    /// in the last 24 months (DEA Form 106 item 9 counts them [X2]).
    func lossReport(clinic: Clinic) async throws -> RegisterLossReportPage.Model {
        let catalogue = try await repository.catalogue(clinicID: clinic.id)
        let since = services.now().addingTimeInterval(-2 * 365.25 * 86_400)
        let losses = try await repository.discrepancies(clinicID: clinic.id, openOnly: false)
            .filter { $0.closing?.resolution == .loss && ($0.closing?.at ?? .distantPast) >= since }
        let substances = losses.map { item -> LossReportForm.Substance in
            let product = catalogue.product(item.productID)
            let units = item.expectedUnits - item.countedUnits, amount = item.expectedAmount - item.countedAmount
            return LossReportForm.Substance(product: product?.name ?? "?", productCode: product?.productCode, lotNumber: catalogue.lots[item.lotID]?.lotNumber ?? "?",
                                            quantity: "\(product?.unitsText(units) ?? "\(units)") · \(amount)")
        }
        let zone = clinic.settings.resolvedTimeZone
        let form = LossReportForm.make(clinicName: clinic.settings.name, jurisdiction: clinic.settings.jurisdiction.displayName,
                                       dateOfLoss: losses.map(\.foundAt).max().map { CalendarDate(instant: $0, in: zone) },
                                       lossesInPast24Months: losses.count, substances: substances)
        return RegisterLossReportPage.Model(form: form, profile: .of(clinic.settings.jurisdiction.region))
    }
}
