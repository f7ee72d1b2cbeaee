import Foundation

/// The exact solution of a compartment model's linear system for one body weight.
///
/// The plasma concentration after a unit bolus into the central compartment is a sum of
/// exponentials, C(t) = Σ cᵢ·e^(−λᵢ·t), where the λᵢ are the eigenvalues of the rate-constant
/// matrix (roots of its characteristic polynomial: linear, quadratic or cubic) and
/// cᵢ = Π_p (k_p1 − λᵢ) / Π_{j≠i} (λⱼ − λᵢ) / V1 (the residues of the Laplace-domain transfer
/// function). A zero-order infusion is the integral of that response, again in closed form.
/// No time stepping is involved.
public struct CompartmentSolution: Equatable, Sendable {
    /// The eigenvalues λᵢ (hybrid rate constants), min⁻¹, fastest first.
    public let exponents: [Double]
    /// The coefficients cᵢ, in mg/L of plasma per mg given as a bolus.
    public let coefficients: [Double]

    /// Solves `model` for a patient of `weightKg` kilograms (V1 scales with weight).
    public init(model: CompartmentModel, weightKg: Double) {
        let v1 = model.centralVolumeLitres(weightKg: weightKg)
        let k10 = model.k10
        let peripheral = model.peripherals
        let roots: [Double]
        switch peripheral.count {
        case 0:
            roots = [k10]
        case 1:
            let k12 = peripheral[0].fromCentral, k21 = peripheral[0].toCentral
            // λ² − (k10+k12+k21)λ + k10·k21 = 0
            let sum = k10 + k12 + k21, product = k10 * k21
            let root = (sum * sum - 4 * product).squareRoot()
            let fast = (sum + root) / 2
            roots = [fast, product / fast]           // the slow root via Vieta, without cancellation
        default:
            let k12 = peripheral[0].fromCentral, k21 = peripheral[0].toCentral
            let k13 = peripheral[1].fromCentral, k31 = peripheral[1].toCentral
            // λ³ − a2·λ² + a1·λ − a0 = 0
            let a2 = k10 + k12 + k13 + k21 + k31
            let a1 = k10 * k21 + k10 * k31 + k21 * k31 + k21 * k13 + k31 * k12
            let a0 = k10 * k21 * k31
            roots = Self.cubicRoots(a2: a2, a1: a1, a0: a0)
        }
        let sorted = roots.sorted(by: >)
        exponents = sorted
        coefficients = sorted.enumerated().map { index, lambda in
            var numerator = 1.0
            for p in peripheral { numerator *= p.toCentral - lambda }
            var denominator = 1.0
            for (other, mu) in sorted.enumerated() where other != index { denominator *= mu - lambda }
            return numerator / denominator / v1
        }
    }

    /// The three real roots of λ³ − a2·λ² + a1·λ − a0 (trigonometric method, then Newton-polished).
    /// A mammillary system always has three distinct positive real roots.
    static func cubicRoots(a2: Double, a1: Double, a0: Double) -> [Double] {
        // λ = x + a2/3 gives x³ + p·x + q = 0.
        let shift = a2 / 3
        let p = a1 - a2 * a2 / 3
        let q = -2 * a2 * a2 * a2 / 27 + a2 * a1 / 3 - a0
        let radius = 2 * (-p / 3).squareRoot()
        let argument = max(-1, min(1, (3 * q / (2 * p)) * (-3 / p).squareRoot()))
        let angle = acos(argument) / 3
        return (0..<3).map { k in
            var lambda = radius * cos(angle - 2 * Double.pi * Double(k) / 3) + shift
            for _ in 0..<4 {
                let value = ((lambda - a2) * lambda + a1) * lambda - a0
                let slope = (3 * lambda - 2 * a2) * lambda + a1
                guard slope != 0 else { break }
                lambda -= value / slope
            }
            return lambda
        }
    }

    /// Plasma concentration, mg/L (= µg/mL), per mg given as a bolus `minute` minutes ago.
    public func unitBolusResponse(atMinute minute: Double) -> Double {
        guard minute >= 0 else { return 0 }
        return zip(coefficients, exponents).reduce(0) { $0 + $1.0 * exp(-$1.1 * minute) }
    }

    /// Plasma concentration in ng/mL at `minute` for `doseMg` given at a constant rate over
    /// `durationMin` minutes from minute 0 (a bolus when the duration is 0).
    ///
    /// During the infusion C(t) = R·Σ cᵢ/λᵢ·(1 − e^(−λᵢt)); afterwards
    /// C(t) = R·Σ cᵢ/λᵢ·(1 − e^(−λᵢT))·e^(−λᵢ(t−T)), with R = D/T.
    public func concentrationNgPerMl(atMinute minute: Double, doseMg: Double, durationMin: Double) -> Double {
        guard minute >= 0 else { return 0 }
        let mgPerLitre: Double
        if durationMin <= 0 {
            mgPerLitre = doseMg * unitBolusResponse(atMinute: minute)
        } else {
            let rate = doseMg / durationMin
            let during = min(minute, durationMin), after = max(0, minute - durationMin)
            var sum = 0.0
            for (c, lambda) in zip(coefficients, exponents) {
                sum += c / lambda * -expm1(-lambda * during) * exp(-lambda * after)
            }
            mgPerLitre = rate * sum
        }
        return mgPerLitre * 1000   // 1 mg/L = 1000 ng/mL
    }
}
