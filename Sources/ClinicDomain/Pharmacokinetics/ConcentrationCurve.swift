import Foundation

/// Predicted plasma concentrations over time for one planned dose (a racemic ketamine infusion, or
/// esketamine devices), with the peak and the time spent above a threshold.
public struct ConcentrationCurve: Equatable, Sendable {
    /// One sampled point of the curve.
    public struct Point: Equatable, Codable, Sendable {
        /// Minutes since the start of the infusion (or the first esketamine device).
        public let minute: Double
        /// Predicted plasma concentration, ng/mL.
        public let ngPerMl: Double

        /// A point: the minute and the concentration there.
        public init(minute: Double, ngPerMl: Double) {
            self.minute = minute
            self.ngPerMl = ngPerMl
        }
    }

    /// The points, from minute 0 every step, ending exactly at the last minute asked for.
    public let points: [Point]
    /// The highest predicted concentration, ng/mL, found exactly (not only among the points).
    public let cmaxNgPerMl: Double
    /// The minute of the peak.
    public let tmaxMin: Double
    /// The threshold the time above refers to, ng/mL.
    public let thresholdNgPerMl: Double
    /// Minutes between 0 and the last point with the concentration at or above the threshold;
    /// crossings are located by bisection, not rounded to the step.
    public let minutesAboveThreshold: Double

    /// Samples `concentration` (ng/mL at a minute) from 0 to `untilMin` every `stepMin`, finds the
    /// peak and the time above `thresholdNgPerMl`. `breakpoints` are minutes where the curve has a
    /// kink (the end of an infusion); the peak search and the crossing search include them.
    public init(untilMin: Double, stepMin: Double, thresholdNgPerMl: Double, breakpoints: [Double] = [],
                concentration: (Double) -> Double) {
        var points: [Point] = []
        let count = Int(rounding: untilMin / stepMin, .down)
        for index in 0...count {
            let minute = Double(index) * stepMin
            points.append(Point(minute: minute, ngPerMl: concentration(minute)))
        }
        if let last = points.last, untilMin - last.minute > 1e-9 * max(1, untilMin) {
            points.append(Point(minute: untilMin, ngPerMl: concentration(untilMin)))
        }
        self.points = points
        self.thresholdNgPerMl = thresholdNgPerMl

        // A fine grid (at most 0.25 min, always with the breakpoints) for the peak and the crossings.
        var grid = Set(points.map(\.minute))
        let fineCount = max(1, Int(rounding: untilMin / 0.25, .up))
        for index in 0...fineCount { grid.insert(untilMin * Double(index) / Double(fineCount)) }
        for minute in breakpoints where minute >= 0 && minute <= untilMin { grid.insert(minute) }
        let minutes = grid.sorted()
        let values = minutes.map(concentration)

        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        var tmax = minutes[best], cmax = values[best]
        // Refine an interior peak by golden-section search between the neighbouring grid minutes.
        if best > 0, best < minutes.count - 1, !breakpoints.contains(tmax) {
            var low = minutes[best - 1], high = minutes[best + 1]
            let ratio = (5.0.squareRoot() - 1) / 2
            for _ in 0..<80 {
                let a = high - ratio * (high - low), b = low + ratio * (high - low)
                if concentration(a) >= concentration(b) { high = b } else { low = a }
            }
            let refined = (low + high) / 2, value = concentration(refined)
            if value > cmax { cmax = value; tmax = refined }
        }
        cmaxNgPerMl = cmax
        tmaxMin = tmax

        // Time above: the intervals between crossings, each crossing found by bisection.
        func crossing(_ low: Double, _ high: Double) -> Double {
            var low = low, high = high
            let lowAbove = concentration(low) >= thresholdNgPerMl
            for _ in 0..<60 {
                let middle = (low + high) / 2
                if (concentration(middle) >= thresholdNgPerMl) == lowAbove { low = middle } else { high = middle }
            }
            return (low + high) / 2
        }
        var above = 0.0
        for index in 1..<minutes.count {
            let a = minutes[index - 1], b = minutes[index]
            let aAbove = values[index - 1] >= thresholdNgPerMl, bAbove = values[index] >= thresholdNgPerMl
            switch (aAbove, bAbove) {
            case (true, true): above += b - a
            case (false, false): break
            case (true, false): above += crossing(a, b) - a
            case (false, true): above += b - crossing(a, b)
            }
        }
        minutesAboveThreshold = above
    }
}
