import ClinicDomain

/// The list of the clinic's patients, a page at a time, in name order.
public struct PatientListPage: Sendable {
    /// What the list shows.
    public struct Model: Sendable {
        /// The patients on this page.
        public var patients: [PatientSummary]
        /// How many the clinic has in all.
        public var total: Int
        /// The link to the next page, when there is one.
        public var nextPageQuery: String?
        /// True when this is not the first page.
        public var isContinuation: Bool
        /// The clinic's date, for ages.
        public var today: CalendarDate
        /// The search typed, if any.
        public var query: String

        /// Creates the model.
        public init(patients: [PatientSummary], total: Int, nextPageQuery: String?, isContinuation: Bool,
                    today: CalendarDate, query: String = "") {
            self.query = query
            self.patients = patients
            self.total = total
            self.nextPageQuery = nextPageQuery
            self.isContinuation = isContinuation
            self.today = today
        }
    }
}
