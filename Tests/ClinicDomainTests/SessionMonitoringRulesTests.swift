import ClinicDomain
import Testing

@Suite("Session monitoring rules: vital-sign alerts, the pre-dose BP gate, the modified Aldrete score")
struct SessionMonitoringRulesTests {
    static let baseline = VitalReading(systolic: 128, diastolic: 80, heartRate: 72, oxygenSaturation: 98, respiratoryRate: 14)

    @Test("Absolute limits (clinic policy from [R40][R33][R39]) and the rise from baseline [R18]", arguments: [
        (VitalReading(systolic: 180, diastolic: 100, heartRate: 120, oxygenSaturation: 92, respiratoryRate: 30), ["systolic-rise"]),  // at the limits; +52 rise
        (VitalReading(systolic: 181), ["systolic-high", "systolic-rise"]),                                                      // +53 too
        (VitalReading(diastolic: 101), ["diastolic-high"]),                                                                      // +21 only
        (VitalReading(heartRate: 49), ["heart-rate-low"]), (VitalReading(heartRate: 121), ["heart-rate-high"]),
        (VitalReading(oxygenSaturation: 91), ["oxygen-saturation-low"]),
        (VitalReading(respiratoryRate: 9), ["respiratory-rate-low"]), (VitalReading(respiratoryRate: 31), ["respiratory-rate-high"]),
        (VitalReading(systolic: 168, diastolic: 104), ["diastolic-high", "systolic-rise"]),                                    // +40 / +24
        (VitalReading(systolic: 167, diastolic: 105), ["diastolic-high", "diastolic-rise"]),                                     // +39 / +25
    ])
    func alerts(reading: VitalReading, codes: [String]) {
        #expect(VitalSignAlertPolicy.defaults.alerts(for: reading, baseline: Self.baseline).map(\.code) == codes)
    }

    @Test("Without a baseline only the absolute limits apply")
    func noBaseline() {
        #expect(VitalSignAlertPolicy.defaults.alerts(for: VitalReading(systolic: 175, diastolic: 99), baseline: nil).isEmpty)
    }

    @Test("Pre-dose gate: label guide >140/90 [R16]; trial rule SBP >140 (>150 over 65) or DBP >90 [R17]", arguments: [
        (PreDoseBloodPressureRule.esketamineLabel, 140, 90, 70, true), (.esketamineLabel, 141, 80, 40, false),
        (.esketamineLabel, 130, 91, 40, false),
        (.trialRule, 145, 85, 66, true), (.trialRule, 145, 85, 65, false), (.trialRule, 151, 85, 70, false),
        (.trialRule, 140, 90, 40, true), (.trialRule, 120, 91, 40, false),
    ])
    func gate(rule: PreDoseBloodPressureRule, systolic: Int, diastolic: Int, age: Int, passes: Bool) {
        #expect((rule.refusal(systolic: systolic, diastolic: diastolic, ageYears: age) == nil) == passes)
    }

    @Test("Modified Aldrete: ready at 9 of 10 by default [R39-Miller]; items 0–2 only")
    func aldrete() {
        #expect(ModifiedAldrete(consciousness: 2, circulation: 2, respiration: 2, oxygenSaturation: 2, activity: 1).isReady())
        #expect(!ModifiedAldrete(consciousness: 1, circulation: 2, respiration: 2, oxygenSaturation: 2, activity: 1).isReady())
        #expect(ModifiedAldrete(consciousness: 1, circulation: 2, respiration: 2, oxygenSaturation: 2, activity: 1).isReady(threshold: 8))
        #expect(throws: FieldErrors.self) {
            try ModifiedAldrete(consciousness: 3, circulation: 2, respiration: 2, oxygenSaturation: 2, activity: 2).validated()
        }
    }
}
