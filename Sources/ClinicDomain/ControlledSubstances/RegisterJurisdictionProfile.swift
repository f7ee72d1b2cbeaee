import Foundation

/// What a jurisdiction's regulator asks of a controlled-substance register: how long it is kept
/// and which fields each entry needs, each with its source. Where the reference found nothing,
/// the profile says so and the clinic's own policy applies.
public struct RegisterJurisdictionProfile: Equatable, Sendable {
    /// One requirement with its source key.
    public struct Requirement: Equatable, Sendable {
        /// What is required.
        public let text: String
        /// The source key in docs/register.md or the clinical reference.
        public let source: String
    }

    /// The region.
    public let region: Jurisdiction.Region
    /// The substances' schedule there.
    public let schedule: Requirement
    /// How long records are kept.
    public let retention: Requirement
    /// The fields each entry must carry.
    public let requiredFields: [Requirement]
    /// The form a loss is reported on, when there is one.
    public let lossReport: Requirement?

    /// The profile of `region`.
    public static func of(_ region: Jurisdiction.Region) -> RegisterJurisdictionProfile {
        switch region {
        case .unitedStates:
            return .init(
                region: region,
                schedule: .init(text: "Ketamine and esketamine are DEA Schedule III.", source: "[R31][R62]"),
                retention: .init(text: "At least 2 years, available for inspection (21 USC 827(b); 21 CFR 1304.04).", source: "[R62-DC][R62-Man]"),
                requiredFields: [
                    .init(text: "Each substance received, dispensed, administered or otherwise disposed of, with the actual date (21 CFR 1304.21).", source: "[R62-CFR]"),
                    .init(text: "Schedule III–V records kept separately or readily retrievable.", source: "[R62-Man]"),
                    .init(text: "Initial inventory, then an inventory at least every 2 years.", source: "[R62-DC]"),
                    .init(text: "Destruction recorded on DEA Form 41, signed by two authorised employee witnesses.", source: "[R62-41][R62-1317]"),
                ],
                lossReport: .init(text: "DEA Form 106, Report of Theft or Loss of Controlled Substances (21 CFR 1301.76(b)).", source: "[X2]"))
        case .unitedKingdom:
            return .init(
                region: region,
                schedule: .init(text: "Ketamine: Class B (2014); the Home Office consulted in 2014 on moving it from Schedule 4 Part 1 to "
                                + "Schedule 2 of the Misuse of Drugs Regulations 2001, whose register rules then apply.", source: "[X5]"),
                retention: .init(text: "NOT FOUND in the sources read: clinic policy applies (KetaClinic never deletes an entry).", source: "—"),
                requiredFields: [
                    .init(text: "Drugs obtained: date supply received; name and address from whom received; quantity received (reg. 19(1)(d)).", source: "[X3]"),
                    .init(text: "Drugs supplied: date supplied; name/address of person supplied; authority to possess; quantity supplied (reg. 19(1)(e)).", source: "[X3]"),
                    .init(text: "Entries in chronological order, made the same day (or the next); never cancelled or altered: a correction is a dated note (reg. 20).", source: "[X4]"),
                    .init(text: "A separate register for each premises and each class of drug (reg. 19(1)(b), 20(f)).", source: "[X3][X4]"),
                ],
                lossReport: nil)
        case .canada:
            return .init(
                region: region,
                schedule: .init(text: "Ketamine is in Schedule I of the CDSA.", source: "[R63]"),
                retention: .init(text: "NOT FOUND (practitioner record-keeping details for ketamine): clinic policy applies.", source: "[R63]"),
                requiredFields: [.init(text: "NOT FOUND in the clinical reference: keep every field KetaClinic records.", source: "—")],
                lossReport: nil)
        case .australia:
            return .init(
                region: region,
                schedule: .init(text: "Ketamine and esketamine are Schedule 8; state authorities apply.", source: "[R64]"),
                retention: .init(text: "NOT FOUND (S8 register specifics vary by state): clinic policy applies.", source: "[R64]"),
                requiredFields: [.init(text: "NOT FOUND in the clinical reference: follow the state's Schedule 8 rules.", source: "[R64]")],
                lossReport: nil)
        case .europeanUnion:
            return .init(
                region: region,
                schedule: .init(text: "Scheduling is national: NOT FOUND for a single EU rule.", source: "—"),
                retention: .init(text: "NOT FOUND: clinic policy applies.", source: "—"),
                requiredFields: [.init(text: "NOT FOUND: follow the member state's rules.", source: "—")],
                lossReport: nil)
        }
    }
}

/// The fields of DEA Form 106 (Report of Theft or Loss of Controlled Substances) [X2], filled
/// from the clinic's settings and a loss the register recorded; the rest the registrant completes.
public struct LossReportForm: Equatable, Sendable {
    /// One field: its number and label on the form, and the value KetaClinic can fill (nil: to complete by hand).
    public struct Field: Equatable, Sendable {
        /// "1", "4", "Substances".
        public let number: String
        /// The form's label.
        public let label: String
        /// The value, when the register knows it.
        public let value: String?
    }

    /// One substance lost.
    public struct Substance: Equatable, Sendable {
        /// Product name and strength.
        public let product: String
        /// NDC, when recorded.
        public let productCode: String?
        /// Lot.
        public let lotNumber: String
        /// Units and amount lost.
        public let quantity: String

        /// Creates a row.
        public init(product: String, productCode: String?, lotNumber: String, quantity: String) {
            self.product = product
            self.productCode = productCode
            self.lotNumber = lotNumber
            self.quantity = quantity
        }
    }

    /// The form's fields in order.
    public let fields: [Field]
    /// The substances lost.
    public let substances: [Substance]

    /// The form for losses closed on `discrepancies` (already resolved as losses).
    public static func make(clinicName: String, jurisdiction: String, dateOfLoss: CalendarDate?, lossesInPast24Months: Int,
                            substances: [Substance]) -> LossReportForm {
        LossReportForm(fields: [
            Field(number: "1", label: "Name and address of registrant", value: clinicName),
            Field(number: "2", label: "Phone number", value: nil),
            Field(number: "3", label: "DEA registration number", value: nil),
            Field(number: "4", label: "Date of theft or loss", value: dateOfLoss?.iso),
            Field(number: "5", label: "Principal business of registrant", value: "Practitioner / Hospital-Clinic (choose)"),
            Field(number: "6", label: "County in which registrant is located", value: nil),
            Field(number: "7", label: "Was theft reported to police?", value: nil),
            Field(number: "8", label: "Name and telephone number of police department", value: nil),
            Field(number: "9", label: "Number of thefts or losses in the past 24 months", value: "\(lossesInPast24Months) recorded in this register"),
            Field(number: "10", label: "Type of theft or loss", value: nil),
            Field(number: "12", label: "Purchase value of controlled substances taken", value: nil),
            Field(number: "14", label: "If lost in transit: carrier, consignee, dates", value: nil),
            Field(number: "Substances", label: "NDC, name, strength, dosage form and quantity of each substance", value: "\(substances.count) listed below"),
            Field(number: "Jurisdiction", label: "Where the clinic operates", value: jurisdiction),
        ], substances: substances)
    }
}
