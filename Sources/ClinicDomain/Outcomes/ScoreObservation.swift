/// One total score of a rating scale on one day, the plain series the outcome analytics work on.
///
/// The analytics do not depend on which instrument produced the total: the caller passes the
/// instrument's own thresholds (remission, reliable change) alongside the series.
public struct ScoreObservation: Equatable, Sendable, Codable {
    /// The day the scale was completed.
    public let date: CalendarDate
    /// The scale's total score.
    public let total: Int

    /// An observation: its day and its total.
    public init(date: CalendarDate, total: Int) {
        self.date = date
        self.total = total
    }
}
