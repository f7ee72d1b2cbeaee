import ClinicDomain
import Foundation
import Testing

/// A standard IV request (the §1.4 worked example) with one thing changed.
private func ivRequest(weight: Double = 70, mgPerKg: Double = 0.5, minutes: Double = 40, vial: VialConcentration = .fiftyMgPerMl,
                       bag: Double? = 100, counted: Bool = true, height: Double? = nil, sex: SexAtBirth? = nil,
                       basis: WeightBasis = .actual) -> WeightBasedDoseRequest {
    WeightBasedDoseRequest(route: .intravenous, weight: Kilograms(weight), height: height.map(Centimetres.init), sex: sex,
                           weightBasis: basis, dosePerKilogram: MilligramsPerKilogram(mgPerKg), duration: Minutes(minutes),
                           vial: vial, bagVolume: bag.map(Millilitres.init), drugVolumeCountsInTotal: counted)
}

@Suite("Rounding: half away from zero at each unit's precision")
struct RoundingTests {
    @Test("Worked values round as on paper, despite binary representation", arguments: [
        (151.05, 1, 151.1),   // §1.4 worked example rate [R35]
        (150.525, 1, 150.5),
        (0.125, 2, 0.13),
        (2.675, 2, 2.68),     // stored as 2.67499999…
        (69.75, 1, 69.8),
        (-1.25, 1, -1.3),
        (35.0, 1, 35.0),
        (0.0, 2, 0.0),
    ])
    func halfAwayFromZero(value: Double, places: Int, expected: Double) {
        #expect(Rounding.halfAwayFromZero(value, places: places) == expected)
    }

    @Test("Text drops trailing zeros", arguments: [(0.7, 2, "0.7"), (35.0, 1, "35"), (151.05, 1, "151.1"), (0.75, 3, "0.75")])
    func text(value: Double, places: Int, expected: String) {
        #expect(Rounding.text(value, places: places) == expected)
    }
}

@Suite("Ideal and adjusted body weight (Devine; adjusted = IBW + 0.4 × excess)")
struct BodyWeightTests {
    @Test("Devine IBW for both sexes", arguments: [
        (180.0, SexAtBirth.male, 75.0),     // 50 + 2.3 × (70.87 − 60) = 74.99
        (152.4, .male, 50.0),               // 5 ft exactly
        (165.0, .female, 56.9),             // 45.5 + 2.3 × 4.96 = 56.91
        (152.4, .female, 45.5),
        (160.0, .female, 52.4),             // 45.5 + 2.3 × 2.99 = 52.38
    ])
    func ideal(height: Double, sex: SexAtBirth, expected: Double) throws {
        #expect(try #require(BodyWeights.ideal(height: Centimetres(height), sex: sex)).value == expected)
    }

    @Test("Devine has no formula for sex unknown")
    func idealUnknownSex() {
        #expect(BodyWeights.ideal(height: Centimetres(170), sex: .unknown) == nil)
    }

    @Test("Adjusted weight for both sexes", arguments: [
        (120.0, 75.0, 93.0),     // male 180 cm: 75 + 0.4 × 45
        (100.0, 56.9, 74.1),     // female 165 cm: 56.9 + 0.4 × 43.1 = 74.14
        (75.0, 75.0, 75.0),      // at IBW
    ])
    func adjusted(actual: Double, ideal: Double, expected: Double) {
        #expect(BodyWeights.adjusted(actual: Kilograms(actual), ideal: Kilograms(ideal)).value == expected)
    }
}

@Suite("IV dose calculator [R32][R35]")
struct InfusionDoseTests {
    @Test("§1.4 worked example reproduces exactly: 35 mg, 0.7 mL, 100.7 mL, 151.1 mL/h [R35][R32]")
    func workedExample() throws {
        let dose = try WeightBasedDose(ivRequest())
        #expect(dose.dosingWeight.value == 70)
        #expect(dose.dose.value == 35)
        #expect(dose.drugVolume.value == 0.7)
        #expect(dose.totalVolume?.value == 100.7)
        #expect(dose.pumpRate?.value == 151.1)
        #expect(dose.doseRate?.value == 52.5)              // 35 ÷ 40 × 60
        #expect(dose.doseRatePerKilogram?.value == 0.75)   // 52.5 ÷ 70
        #expect(dose.infusionConcentration?.value == 0.348) // §1.4 "≈0.348 mg/mL"
        #expect(dose.warnings.isEmpty)
    }

    @Test("The three vial concentrations [R32]", arguments: [
        (VialConcentration.tenMgPerMl, 3.5, 103.5, 155.3, "vial-not-for-dilution" as String?),
        (.fiftyMgPerMl, 0.7, 100.7, 151.1, nil),
        (.hundredMgPerMl, 0.35, 100.35, 150.5, "vial-diluted-in-bag"),
    ])
    func vials(vial: VialConcentration, drugMl: Double, totalMl: Double, rate: Double, code: String?) throws {
        let dose = try WeightBasedDose(ivRequest(vial: vial))
        #expect(dose.drugVolume.value == drugMl)
        #expect(dose.totalVolume?.value == totalMl)
        #expect(dose.pumpRate?.value == rate)
        #expect(dose.warnings.map(\.code) == (code.map { [$0] } ?? []))
    }

    @Test("Drug volume counted and not counted in the total (clinic policy; §1.4)", arguments: [
        (true, 100.7, 151.1),
        (false, 100.0, 150.0),
    ])
    func drugVolumePolicy(counted: Bool, total: Double, rate: Double) throws {
        let dose = try WeightBasedDose(ivRequest(counted: counted))
        #expect(dose.totalVolume?.value == total)
        #expect(dose.pumpRate?.value == rate)
        #expect(dose.doseRate?.value == 52.5)
    }

    @Test("Weight basis: actual [R2], ideal and adjusted for both sexes", arguments: [
        (120.0, 180.0, SexAtBirth.male, WeightBasis.actual, 120.0, 60.0),
        (120.0, 180.0, .male, .ideal, 75.0, 37.5),
        (120.0, 180.0, .male, .adjusted, 93.0, 46.5),
        (100.0, 165.0, .female, .ideal, 56.9, 28.5),      // 28.45 → 28.5
        (100.0, 165.0, .female, .adjusted, 74.1, 37.1),   // 37.05 → 37.1
    ])
    func weightBasis(weight: Double, height: Double, sex: SexAtBirth, basis: WeightBasis, dosingKg: Double, doseMg: Double) throws {
        let dose = try WeightBasedDose(ivRequest(weight: weight, height: height, sex: sex, basis: basis))
        #expect(dose.dosingWeight.value == dosingKg)
        #expect(dose.dose.value == doseMg)
    }

    @Test("Adjusted-weight worked example: 46.5 mg, 0.93 mL, 100.93 mL, 151.4 mL/h, 69.8 mg/h, 0.751 mg/kg/h")
    func adjustedWorkedExample() throws {
        let dose = try WeightBasedDose(ivRequest(weight: 120, height: 180, sex: .male, basis: .adjusted))
        #expect(dose.drugVolume.value == 0.93)
        #expect(dose.totalVolume?.value == 100.93)
        #expect(dose.pumpRate?.value == 151.4)      // 100.93 ÷ 40 × 60 = 151.395
        #expect(dose.doseRate?.value == 69.8)       // 46.5 ÷ 40 × 60 = 69.75
        #expect(dose.doseRatePerKilogram?.value == 0.751)
    }

    @Test("BMI ≥ 30 on actual weight draws a caution [R2]; not on ideal weight", arguments: [
        (100.0, WeightBasis.actual, true),   // BMI 34.6
        (100.0, .ideal, false),
        (80.0, .actual, false),              // BMI 27.7
    ])
    func obesityCaution(weight: Double, basis: WeightBasis, caution: Bool) throws {
        let dose = try WeightBasedDose(ivRequest(weight: weight, height: 170, sex: .female, basis: basis))
        #expect(dose.warnings.contains { $0.code == "bmi-actual-weight" && $0.level == .caution } == caution)
    }

    @Test("Ideal weight above the measured weight doses on the measured weight (policy)")
    func actualWhenLower() throws {
        let dose = try WeightBasedDose(ivRequest(weight: 60, height: 190, sex: .male, basis: .ideal))
        #expect(dose.idealWeight?.value == 84.0)   // 50 + 2.3 × 14.80 = 84.05 → 84.0 (74.803 in)
        #expect(dose.dosingWeight.value == 60)
        #expect(dose.warnings.map(\.code).contains("actual-weight-lower"))
    }

    @Test("Limits: soft needs a reason, hard refuses [R3][R5]", arguments: [
        (0.5, 40.0, nil as DoseWarning.Level?),
        (0.8, 40.0, .softLimit),      // above 0.75 [R3]
        (0.05, 40.0, .softLimit),     // below 0.1 [R3]
        (1.2, 40.0, .hardLimit),      // above 1.0 [R5]
        (0.5, 80.0, .softLimit),      // longer than 60 min [R5]
        (0.5, 120.0, .hardLimit),     // longer than 100 min [R3]
    ])
    func limits(mgPerKg: Double, minutes: Double, level: DoseWarning.Level?) throws {
        let limits = try #require(ProtocolLibrary.ivStandard.weightBased).limits
        let dose = try WeightBasedDose(ivRequest(mgPerKg: mgPerKg, minutes: minutes), limits: limits)
        #expect(dose.warnings.map(\.level).max() == level)
    }

    @Test("100 mg/mL without a bag is refused: it must be diluted [R32]")
    func undilutedHundred() throws {
        let dose = try WeightBasedDose(ivRequest(vial: .hundredMgPerMl, bag: 0))
        #expect(dose.warnings.hasHardLimit)
        #expect(dose.warnings.first?.code == "vial-must-be-diluted")
    }

    @Test("Devine far below 5 ft gives no dose: the height is questioned instead")
    func implausibleIdealWeight() {
        do {
            _ = try WeightBasedDose(ivRequest(weight: 40, height: 102, sex: .female, basis: .ideal))
            Issue.record("dosed on an impossible ideal weight")
        } catch {
            #expect(error.entries.map(\.field) == ["heightCm"])
        }
    }

    @Test("IM: dose and volume, no pump figures")
    func intramuscular() throws {
        let request = WeightBasedDoseRequest(route: .intramuscular, weight: Kilograms(70), dosePerKilogram: MilligramsPerKilogram(0.5),
                                             duration: nil, vial: .fiftyMgPerMl, bagVolume: nil)
        let dose = try WeightBasedDose(request)
        #expect(dose.dose.value == 35)
        #expect(dose.drugVolume.value == 0.7)
        #expect(dose.pumpRate == nil && dose.totalVolume == nil)
    }

    @Test("Bad input names every wrong field")
    func invalid() {
        #expect(throws: FieldErrors.self) { try WeightBasedDose(ivRequest(weight: 10)) }
        do {
            _ = try WeightBasedDose(ivRequest(weight: .nan, mgPerKg: -1, minutes: 0, bag: -5, basis: .ideal))
            Issue.record("expected field errors")
        } catch {
            #expect(Set(error.entries.map(\.field)) == ["weightKg", "heightCm", "sex", "mgPerKg", "minutes", "bagMl"])
        }
    }

    @Test("The order carries the CLI's keys and values")
    func order() throws {
        let order = try WeightBasedDose(ivRequest(height: 175)).order
        #expect(order.dosingWeightKg == 70 && order.doseMg == 35 && order.drugVolumeMl == 0.7)
        #expect(order.totalVolumeMl == 100.7 && order.pumpRateMlPerHour == 151.1 && order.doseRateMgPerHour == 52.5)
        #expect(order.bmi == 22.9)   // 70 ÷ 1.75²
    }
}

@Suite("Esketamine doses in devices [R14][R15][R22]")
struct EsketamineDoseTests {
    @Test("Label checks", arguments: [
        (2, true, 40, EsketamineDoseRules.unitedStates, nil as String?),                 // day 1: 56 mg [R14]
        (3, true, 40, .unitedStates, "esketamine-largest-dose-first"),                   // 84 only after 56 [R14]
        (1, true, 40, .unitedStates, "esketamine-start-dose"),
        (3, false, 40, .unitedStates, nil),
        (1, false, 40, .unitedStates, "esketamine-dose-off-label"),                      // US: 56 or 84 [R15]
        (4, false, 40, .unitedStates, "esketamine-dose-not-allowed"),
        (1, true, 70, .europeanUnion, nil),                                              // EU ≥65 starts on 28 [R22]
        (2, true, 70, .europeanUnion, "esketamine-start-dose"),
        (2, true, 64, .europeanUnion, nil),
    ])
    func checks(devices: Int, first: Bool, age: Int, rules: EsketamineDoseRules, code: String?) {
        let dose = EsketamineDose(devices: devices, isFirstSession: first, ageYears: age, rules: rules)
        #expect(dose.warnings.first?.code == code)
    }

    @Test("A protocol cannot start on 84 mg, or give older adults a start dose it does not allow [R14][R22]")
    func startRules() {
        var rules = EsketamineDoseRules.unitedStates
        rules.startDevices = 3
        rules.allowedDevices = [2, 3]
        #expect(throws: FieldErrors.self) { try rules.validated() }
        var older = EsketamineDoseRules.unitedStates
        older.olderAdultStartDevices = 1          // 28 mg is not an allowed US dose
        #expect(throws: FieldErrors.self) { try older.validated() }
        #expect(throws: Never.self) { try EsketamineDoseRules.europeanUnion.validated() }
    }

    @Test("Devices are 28 mg, 5 minutes apart [R14][R31]")
    func deviceTimes() {
        let dose = EsketamineDose(devices: 3, isFirstSession: false, ageYears: 40, rules: .unitedStates)
        #expect(dose.dose.value == 84)
        #expect(dose.deviceMinutes == [0, 5, 10])
    }
}

@Suite("Titration and cumulative dose")
struct TitrationTests {
    @Test("A change is measured and needs a reason")
    func change() {
        let change = DoseChange(previous: Milligrams(35), current: Milligrams(42), reason: nil)
        #expect(change.difference?.value == 7)
        #expect(change.percentChange == 20)
        #expect(throws: FieldErrors.self) { try change.validated() }
        #expect(throws: Never.self) { try DoseChange(previous: Milligrams(35), current: Milligrams(42), reason: "Partial response").validated() }
        #expect(throws: Never.self) { try DoseChange(previous: Milligrams(35), current: Milligrams(35), reason: nil).validated() }
        #expect(DoseChange(previous: nil, current: Milligrams(35), reason: nil).summary == "First dose")
    }

    @Test("Course total and rolling 7 days")
    func cumulative() throws {
        let monday = try #require(CalendarDate(iso: "2026-12-07"))
        let entries = [0, 2, 4, 7].map { CumulativeDose.Entry(date: monday.adding(days: $0), dose: Milligrams(35)) }
        let asOfNextMonday = CumulativeDose(entries, asOf: monday.adding(days: 7))
        #expect(asOfNextMonday.course.value == 140)
        #expect(asOfNextMonday.rollingSevenDays.value == 105)   // Wed, Fri, Mon
        #expect(CumulativeDose(entries, asOf: monday.adding(days: 4)).rollingSevenDays.value == 105)
        #expect(CumulativeDose.largestRollingSevenDays(entries).value == 105)
    }
}
