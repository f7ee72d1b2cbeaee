@testable import ClinicDomain
import Foundation
import Testing

/// An independent check: the model's differential equations on the drug amounts in each
/// compartment, integrated with classical fourth-order Runge–Kutta. It reads only the published
/// parameters (V1 per kg, k10, k12/k21, k13/k31) and shares no code with the analytic solver.
private struct RungeKuttaReference {
    let model: CompartmentModel
    let weightKg: Double

    /// Concentrations in ng/mL at each of `minutes` (ascending) for `doseMg` over `durationMin`.
    func concentrations(doseMg: Double, durationMin: Double, at minutes: [Double], step: Double = 0.01) -> [Double] {
        let v1 = model.centralVolumeLitresPerKg * weightKg
        let k10 = model.k10
        let transfers = model.peripherals.map { ($0.fromCentral, $0.toCentral) }
        var amounts = [Double](repeating: 0, count: 1 + transfers.count)   // mg
        if durationMin == 0 { amounts[0] = doseMg }
        let rate = durationMin > 0 ? doseMg / durationMin : 0

        func derivative(_ a: [Double], _ t: Double) -> [Double] {
            var d = [Double](repeating: 0, count: a.count)
            d[0] = (t < durationMin ? rate : 0) - k10 * a[0]
            for (index, (out, back)) in transfers.enumerated() {
                let flow = out * a[0] - back * a[index + 1]
                d[0] -= flow
                d[index + 1] += flow
            }
            return d
        }
        func add(_ a: [Double], _ b: [Double], _ scale: Double) -> [Double] { zip(a, b).map { $0 + scale * $1 } }

        var results: [Double] = []
        var t = 0.0
        for target in minutes {
            while t < target - 1e-12 {
                // Never step across the end of the infusion: the input switches off there.
                var h = min(step, target - t)
                if t < durationMin { h = min(h, durationMin - t) }
                // The input rate is the one in force over (t, t+h).
                let inside = t + h / 2
                let k1 = derivative(amounts, inside)
                let k2 = derivative(add(amounts, k1, h / 2), inside)
                let k3 = derivative(add(amounts, k2, h / 2), inside)
                let k4 = derivative(add(amounts, k3, h), inside)
                amounts = zip(amounts.indices, amounts).map { i, a in a + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
                t += h
            }
            results.append(amounts[0] / v1 * 1000)
        }
        return results
    }
}

@Suite("Pharmacokinetic preview")
struct PharmacokineticsTests {
    // MARK: - (a) exact solution vs numerical integration

    @Test("The exact solution agrees with RK4 integration within 1% at every point",
          arguments: [CompartmentModel.domino, .clements],
          [(weightKg: 70.0, doseMg: 35.0, durationMin: 40.0),     // 0.5 mg/kg over 40 min [R56-Zanos]
           (weightKg: 70.0, doseMg: 35.0, durationMin: 100.0),
           (weightKg: 52.0, doseMg: 26.0, durationMin: 0.0),      // bolus
           (weightKg: 120.0, doseMg: 90.0, durationMin: 60.0),
           (weightKg: 45.0, doseMg: 10.0, durationMin: 2.5)])
    func agreesWithNumericalIntegration(model: CompartmentModel, plan: (weightKg: Double, doseMg: Double, durationMin: Double)) throws {
        // setup
        let preview = try PKPreview(PKPreviewRequest(model: model.id, weightKg: plan.weightKg, doseMg: plan.doseMg,
                                                     durationMin: plan.durationMin, untilMin: 360, stepMin: 2.5))
        let minutes = preview.curve.points.map(\.minute)
        // act
        let reference = RungeKuttaReference(model: model, weightKg: plan.weightKg)
            .concentrations(doseMg: plan.doseMg, durationMin: plan.durationMin, at: minutes)
        // validate
        var worst = 0.0
        for (point, expected) in zip(preview.curve.points, reference) {
            #expect(abs(point.ngPerMl - expected) <= 0.01 * abs(expected) + 1e-9,
                    "\(model.id) at \(point.minute) min: exact \(point.ngPerMl), RK4 \(expected)")
            if expected > 0 { worst = max(worst, abs(point.ngPerMl / expected - 1)) }
        }
        // The required bound is 1%; in fact the two agree to RK4's own truncation error.
        #expect(worst < 1e-6, "worst relative difference \(worst)")
        // Between the points too (off-grid minutes).
        let offGrid = [0.3, 1.7, 13.1, plan.durationMin + 0.9, 211.4]
        let referenceOff = RungeKuttaReference(model: model, weightKg: plan.weightKg)
            .concentrations(doseMg: plan.doseMg, durationMin: plan.durationMin, at: offGrid.sorted())
        for (minute, expected) in zip(offGrid.sorted(), referenceOff) {
            let exact = preview.concentrationNgPerMl(atMinute: minute)
            #expect(abs(exact - expected) <= 0.01 * abs(expected) + 1e-9, "\(model.id) at \(minute) min")
        }
    }

    @Test("Eigen-decomposition: the coefficients sum to 1/V1 and the cubic's roots are roots", arguments: [CompartmentModel.domino, .clements])
    func eigenDecomposition(model: CompartmentModel) {
        let solution = CompartmentSolution(model: model, weightKg: 80)
        #expect(solution.exponents.count == model.compartmentCount)
        #expect(solution.exponents.allSatisfy { $0 > 0 })
        let v1 = model.centralVolumeLitres(weightKg: 80)
        #expect(abs(solution.coefficients.reduce(0, +) * v1 - 1) < 1e-12)
        // The product of the eigenvalues is k10·Π k_p1 (determinant of the rate matrix).
        let product = solution.exponents.reduce(1, *)
        let expected = model.peripherals.reduce(model.k10) { $0 * $1.toCentral }
        #expect(abs(product / expected - 1) < 1e-9)
    }

    // MARK: - (b) mass balance and shape

    @Test("Zero at the start of an infusion, rising during it, falling after it", arguments: [CompartmentModel.domino, .clements])
    func shape(model: CompartmentModel) throws {
        let preview = try PKPreview(PKPreviewRequest(model: model.id, weightKg: 70, doseMg: 35, durationMin: 40,
                                                     untilMin: 300, stepMin: 1))
        let points = preview.curve.points
        #expect(points.first?.ngPerMl == 0)
        for (a, b) in zip(points, points.dropFirst()) {
            if b.minute <= 40 { #expect(b.ngPerMl > a.ngPerMl, "rises at \(b.minute)") }
            if a.minute >= 40 { #expect(b.ngPerMl < a.ngPerMl, "falls at \(b.minute)") }
        }
        #expect(preview.curve.tmaxMin == 40)
        #expect(points.last?.minute == 300)
    }

    @Test("Mass balance: the area under the curve equals dose / clearance (CL = k10·V1)", arguments: [CompartmentModel.domino, .clements])
    func areaUnderCurve(model: CompartmentModel) {
        let solution = CompartmentSolution(model: model, weightKg: 70)
        // ∫ C dt for the exact sum of exponentials, mg·min/L
        let area = zip(solution.coefficients, solution.exponents).reduce(0) { $0 + $1.0 / $1.1 } * 35
        let clearance = model.k10 * model.centralVolumeLitres(weightKg: 70)   // L/min
        #expect(abs(area / (35 / clearance) - 1) < 1e-9)
    }

    @Test("A very short infusion tends to the bolus; a bolus starts at D/V1", arguments: [CompartmentModel.domino, .clements])
    func bolusLimit(model: CompartmentModel) {
        let solution = CompartmentSolution(model: model, weightKg: 70)
        let atZero = solution.concentrationNgPerMl(atMinute: 0, doseMg: 35, durationMin: 0)
        #expect(abs(atZero - 35 / model.centralVolumeLitres(weightKg: 70) * 1000) < 1e-9)
        for minute in [1.0, 5, 30, 120] {
            let bolus = solution.concentrationNgPerMl(atMinute: minute, doseMg: 35, durationMin: 0)
            let short = solution.concentrationNgPerMl(atMinute: minute, doseMg: 35, durationMin: 1e-4)
            #expect(abs(short / bolus - 1) < 1e-3, "at \(minute) min")
        }
    }

    @Test("Volumes scale with weight: double the weight, half the concentration", arguments: [CompartmentModel.domino, .clements])
    func weightScaling(model: CompartmentModel) {
        let light = CompartmentSolution(model: model, weightKg: 50), heavy = CompartmentSolution(model: model, weightKg: 100)
        for minute in [10.0, 40, 90] {
            let a = light.concentrationNgPerMl(atMinute: minute, doseMg: 25, durationMin: 40)
            let b = heavy.concentrationNgPerMl(atMinute: minute, doseMg: 25, durationMin: 40)
            #expect(abs(a / b - 2) < 1e-9)
        }
        #expect(CompartmentModel.domino.peripheralVolumesLitres(weightKg: 1).map { ($0 * 1e4).rounded() / 1e4 }
                == [0.063 * 0.5921 / 0.2470, 0.063 * 0.5900 / 0.0146].map { ($0 * 1e4).rounded() / 1e4 })   // [R56-fus]
    }

    // MARK: - (c) worked example

    /// 70 kg, 35 mg (0.5 mg/kg) over 40 min, the antidepressant dose for which Zarate 2006 reports
    /// a Cmax of about 185 ng/mL [R56-Zanos].
    ///
    /// Tolerance: 185 ng/mL is one study's mean; ketamine PK varies between people by tens of per
    /// cent, and neither model was fitted to this population or this infusion (Domino from
    /// anaesthesia data, Clements from 250 µg/kg boluses). The Clements model is required to land
    /// within ±10% of 185; the Domino model gives about 240 ng/mL, 30% above. That is recorded here
    /// as what the model gives, not waved through with a wide tolerance. Both peaks lie inside
    /// the 100–250 ng/mL band associated with dissociation [R56-Zanos].
    @Test("Worked example: 70 kg, 35 mg over 40 min against Cmax ≈ 185 ng/mL [R56-Zanos]")
    func workedExample() throws {
        let reported = 185.0   // [R56-Zanos]
        let clements = try PKPreview(PKPreviewRequest(model: .clements, weightKg: 70, doseMg: 35, durationMin: 40))
        let domino = try PKPreview(PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 40))
        // Clements: 177.3 ng/mL at 40 min, 4% below the reported mean.
        #expect(abs(clements.curve.cmaxNgPerMl / reported - 1) <= 0.10)
        #expect(abs(clements.curve.cmaxNgPerMl - 177.31) < 0.01)
        // Domino: 240.3 ng/mL at 40 min, 30% above the reported mean.
        #expect(abs(domino.curve.cmaxNgPerMl - 240.33) < 0.01)
        #expect(abs(domino.curve.cmaxNgPerMl / reported - 1.30) < 0.01)
        for preview in [clements, domino] {
            #expect(preview.curve.tmaxMin == 40)
            #expect((PKPreviewRequest.dissociationBandLowerNgPerMl...PKPreviewRequest.dissociationBandUpperNgPerMl)
                        .contains(preview.curve.cmaxNgPerMl))
        }
    }

    @Test("compare: the same dose over 100 min peaks lower and later than over 40 min", arguments: [CompartmentModel.Identifier.domino, .clements])
    func compareDurations(model: CompartmentModel.Identifier) throws {
        let comparison = try PKPreview.compare(PKPreviewRequest(model: model, weightKg: 70, doseMg: 35, durationMin: 40))
        #expect(comparison.first.request.durationMin == 40)
        #expect(comparison.second.request.durationMin == 100)
        #expect(comparison.first.curve.points.count == comparison.second.curve.points.count)
        #expect(comparison.second.curve.cmaxNgPerMl < comparison.first.curve.cmaxNgPerMl)
        #expect(comparison.second.curve.tmaxMin == 100)
        #expect(comparison.peakReduction > 0.3)
        #expect(throws: FieldErrors.self) {
            try PKPreview.compare(PKPreviewRequest(model: model, weightKg: 70, doseMg: 35, durationMin: 40), durationsMin: (40, 700))
        }
    }

    // MARK: - (d) time above threshold

    @Test("Time above a threshold: exact crossings, independent of the step")
    func timeAboveThreshold() throws {
        let request = PKPreviewRequest(model: .clements, weightKg: 70, doseMg: 35, durationMin: 40,
                                       untilMin: 240, stepMin: 10, thresholdNgPerMl: 100)
        let coarse = try PKPreview(request)
        var fine = request
        fine.stepMin = 0.5
        let finePreview = try PKPreview(fine)
        #expect(abs(coarse.curve.minutesAboveThreshold - finePreview.curve.minutesAboveThreshold) < 1e-6)
        // The curve rises then falls, so the time above is the span between two crossings, where
        // the concentration equals the threshold.
        let solution = coarse.solution
        func c(_ t: Double) -> Double { solution.concentrationNgPerMl(atMinute: t, doseMg: 35, durationMin: 40) }
        func root(_ low: Double, _ high: Double) -> Double {
            var low = low, high = high
            for _ in 0..<200 { let m = (low + high) / 2; if (c(m) >= 100) == (c(low) >= 100) { low = m } else { high = m } }
            return low
        }
        let up = root(0, 40), down = root(40, 240)
        #expect(abs(c(up) - 100) < 1e-6 && abs(c(down) - 100) < 1e-6)
        #expect(abs(coarse.curve.minutesAboveThreshold - (down - up)) < 1e-6)
        // A threshold above the peak gives 0; one below every point (after the start) gives almost all.
        var high = request
        high.thresholdNgPerMl = 500
        #expect(try PKPreview(high).curve.minutesAboveThreshold == 0)
        var low = request
        low.thresholdNgPerMl = 1
        let lowPreview = try PKPreview(low)
        #expect(lowPreview.curve.minutesAboveThreshold > 239 && lowPreview.curve.minutesAboveThreshold < 240)
    }

    @Test("The last point lands on the end minute even when the step does not divide it")
    func pointsEndAtUntil() throws {
        let preview = try PKPreview(PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 40,
                                                     untilMin: 62, stepMin: 5))
        #expect(preview.curve.points.map(\.minute) == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 62])
    }

    // MARK: - (e) validation

    @Test("Invalid input is refused field by field", arguments: [
        (PKPreviewRequest(model: .domino, weightKg: 20, doseMg: 35, durationMin: 40), "weightKg"),
        (PKPreviewRequest(model: .domino, weightKg: 400, doseMg: 35, durationMin: 40), "weightKg"),
        (PKPreviewRequest(model: .domino, weightKg: .nan, doseMg: 35, durationMin: 40), "weightKg"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 0, durationMin: 40), "doseMg"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: -5, durationMin: 40), "doseMg"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35_000, durationMin: 40), "doseMg"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: -1), "minutes"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 601), "minutes"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 40, stepMin: 0), "stepMin"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 40, untilMin: 30), "untilMin"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 40, untilMin: 2000), "untilMin"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 40, untilMin: 1000, stepMin: 0.01), "stepMin"),
        (PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 40, thresholdNgPerMl: 0), "thresholdNgPerMl"),
    ])
    func validation(request: PKPreviewRequest, field: String) {
        #expect(throws: FieldErrors.self) { try PKPreview(request) }
        do {
            _ = try request.validated()
        } catch {
            #expect(error[field] != nil, "\(field) should be flagged: \(error.entries)")
            #expect(error.entries.count == 1, "\(error.entries)")
        }
    }

    @Test("Several wrong fields are all reported; the boundaries are accepted")
    func validationBoundaries() throws {
        let bad = PKPreviewRequest(model: .clements, weightKg: 0, doseMg: 0, durationMin: 40, stepMin: -1)
        do {
            _ = try bad.validated()
            Issue.record("accepted")
        } catch {
            #expect(error.entries.map(\.field) == ["weightKg", "doseMg", "stepMin"])
        }
        _ = try PKPreviewRequest(model: .clements, weightKg: 25, doseMg: 1000, durationMin: 600).validated()
        _ = try PKPreviewRequest(model: .clements, weightKg: 350, doseMg: 0.1, durationMin: 0, untilMin: 1440).validated()
    }
}
