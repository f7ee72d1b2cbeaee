@testable import ClinicDomain
import Foundation
import Testing

/// An independent check: the two amounts of the one-compartment absorption model (drug still to be
/// absorbed, drug in plasma) integrated with classical fourth-order Runge–Kutta. It reads only the
/// label values F, V, CL [R25], the fitted ka and the device schedule, and shares no code with the
/// Bateman solution.
private struct AbsorptionRungeKutta {
    let ka: Double
    let k = 89.0 / 60 / 709          // CL/V, min⁻¹ [R25]
    let f = 0.48                     // [R25]
    let volume = 709.0               // L [R25]

    /// ng/mL at each of `minutes` (ascending) for `devices` 28 mg devices at 0, 5, 10 min [R14].
    func concentrations(devices: Int, at minutes: [Double], step: Double = 0.01) -> [Double] {
        var depot = 0.0, central = 0.0   // mg
        var given = 0
        var t = 0.0
        var results: [Double] = []
        func giveDue() {
            while given < devices, Double(given) * 5 <= t + 1e-12 { depot += f * 28; given += 1 }
        }
        giveDue()
        for target in minutes {
            while t < target - 1e-12 {
                var h = min(step, target - t)
                if given < devices { h = min(h, Double(given) * 5 - t) }   // never step across a device
                func d(_ a: Double, _ c: Double) -> (Double, Double) { (-ka * a, ka * a - k * c) }
                let k1 = d(depot, central)
                let k2 = d(depot + h / 2 * k1.0, central + h / 2 * k1.1)
                let k3 = d(depot + h / 2 * k2.0, central + h / 2 * k2.1)
                let k4 = d(depot + h * k3.0, central + h * k3.1)
                depot += h / 6 * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0)
                central += h / 6 * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1)
                t += h
                giveDue()
            }
            results.append(central / volume * 1000)
        }
        return results
    }
}

@Suite("Esketamine absorption model (approximate)")
struct EsketamineModelTests {
    let model = EsketamineAbsorptionModel.label

    @Test("Built from the US label values: k = CL/V from 89 L/h and 709 L, F 48% [R25]")
    func parameters() {
        #expect(abs(model.eliminationPerMin - 89.0 / 60 / 709) < 1e-15)
        #expect(EsketamineAbsorptionModel.bioavailability == 0.48)
        // The one-compartment half-life (≈ 5.5 h) is shorter than the label's 7–12 h [R25]: documented as approximate.
        #expect(model.halfLifeHours > 5.4 && model.halfLifeHours < 5.6)
        #expect(model.halfLifeHours < 7)
        #expect(model.absorptionPerMin > 0.13 && model.absorptionPerMin < 0.16)
        #expect(EsketamineAbsorptionModel.approximateNotice.hasPrefix("APPROXIMATE"))
    }

    @Test("The fitted ka puts the Bateman peak at the target time", arguments: [20.0, 30.0, 40.0])
    func fittedPeak(tmax: Double) {
        let k = model.eliminationPerMin
        let ka = EsketamineAbsorptionModel.absorptionRate(tmaxMin: tmax, eliminationPerMin: k)
        #expect(abs(EsketamineAbsorptionModel.peakMinute(absorptionPerMin: ka, eliminationPerMin: k) - tmax) < 1e-6)
    }

    @Test("One device peaks at 30 ± 0.5 min, the middle of 20–40 min after the last spray [R25]")
    func singleDeviceTmax() throws {
        let preview = try EsketaminePreview(EsketaminePreviewRequest(devices: 1))
        #expect(abs(preview.curve.tmaxMin - 30) <= 0.5)
        #expect(preview.doseMg == 28)
        #expect(preview.curve.points.first?.ngPerMl == 0)
    }

    @Test("Each dose peaks 20–40 min after its last device [R25][R14]", arguments: [1, 2, 3])
    func tmaxAfterLastDevice(devices: Int) throws {
        let preview = try EsketaminePreview(EsketaminePreviewRequest(devices: devices))
        let afterLast = preview.curve.tmaxMin - preview.lastDeviceMinute
        #expect(afterLast >= 20 && afterLast <= 40, "\(devices) devices: \(afterLast) min after the last")
    }

    @Test("Mass balance: AUC(0→∞) × CL = F × dose within 1% [R25]", arguments: [1, 2, 3])
    func massBalance(devices: Int) {
        // Simpson's rule to 20 000 min (≈ 60 half-lives), ng/mL·min → mg/L·min.
        let end = 20_000.0, n = 40_000
        let h = end / Double(n)
        var sum = 0.0
        for i in 0...n {
            let weight: Double = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2)
            sum += weight * model.concentrationNgPerMl(atMinute: Double(i) * h, devices: devices)
        }
        let aucMgMinPerLitre = sum * h / 3 / 1000
        let clearanceLitresPerMin = 89.0 / 60                       // [R25]
        let absorbedMg = 0.48 * 28 * Double(devices)                // F [R25] × 28 mg per device [R13]
        #expect(abs(aucMgMinPerLitre * clearanceLitresPerMin / absorbedMg - 1) < 0.01)
    }

    @Test("Two and three devices are the single-device curve shifted by 5 min and added [R14]", arguments: [2, 3])
    func superposition(devices: Int) {
        for minute in stride(from: 0.0, through: 600, by: 2.5) {
            var expected = 0.0
            for device in 0..<devices {
                expected += model.singleDoseNgPerMl(atMinute: minute - 5 * Double(device), doseMg: 28)
            }
            #expect(abs(model.concentrationNgPerMl(atMinute: minute, devices: devices) - expected) < 1e-9)
        }
        #expect(model.concentrationNgPerMl(atMinute: 60, devices: devices)
                > model.concentrationNgPerMl(atMinute: 60, devices: devices - 1))
    }

    @Test("The exact curve agrees with RK4 integration within 1% at every point", arguments: [1, 2, 3])
    func rungeKutta(devices: Int) throws {
        let preview = try EsketaminePreview(EsketaminePreviewRequest(devices: devices, untilMin: 480, stepMin: 2.5))
        let minutes = preview.curve.points.map(\.minute)
        let reference = AbsorptionRungeKutta(ka: model.absorptionPerMin).concentrations(devices: devices, at: minutes)
        for (point, expected) in zip(preview.curve.points, reference) {
            if expected == 0 {
                #expect(point.ngPerMl == 0)
            } else {
                #expect(abs(point.ngPerMl / expected - 1) < 0.01, "minute \(point.minute): \(point.ngPerMl) vs \(expected)")
            }
        }
    }

    @Test("Doses map to devices: 28/56/84 mg only [R14]", arguments: [
        (28.0, 1), (56.0, 2), (84.0, 3), (0.0, nil), (42.0, nil), (112.0, nil), (Double.nan, nil), (1e300, nil), (-28.0, nil),
    ] as [(Double, Int?)])
    func doses(doseMg: Double, devices: Int?) {
        if let devices {
            #expect((try? EsketaminePreviewRequest.devices(forDoseMg: doseMg)) == devices)
        } else {
            #expect(throws: FieldErrors.self) { try EsketaminePreviewRequest.devices(forDoseMg: doseMg) }
        }
    }

    @Test("Invalid requests name every wrong field")
    func validation() {
        do {
            _ = try EsketaminePreview(EsketaminePreviewRequest(devices: 4, untilMin: 0, stepMin: -1, thresholdNgPerMl: .nan))
            Issue.record("accepted")
        } catch {
            #expect(error.entries.map(\.field) == ["devices", "stepMin", "untilMin", "thresholdNgPerMl"])
            #expect(error["devices"] == "Choose 1, 2 or 3 devices (28, 56 or 84 mg).")
        }
        #expect(throws: FieldErrors.self) { try EsketaminePreviewRequest(devices: 3, untilMin: 5).validated() }
        #expect(throws: FieldErrors.self) { try EsketaminePreviewRequest(devices: 1, stepMin: 0.001).validated() }
    }
}
