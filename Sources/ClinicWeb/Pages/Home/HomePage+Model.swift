/// The home page: the clinic at a glance, with only figures that exist.
public struct HomePage: Sendable {
    /// What the home page shows.
    public struct Model: Sendable {
        /// The clinic's name.
        public var clinicName: String
        /// Where it operates, spelled out.
        public var jurisdiction: String
        /// Its time zone.
        public var timeZone: String
        /// How many patients it has registered.
        public var patientCount: Int
        /// `sqlite` or `postgres`.
        public var databaseEngine: String
        /// The schema version in use.
        public var schemaVersion: Int

        /// Creates the model.
        public init(clinicName: String, jurisdiction: String, timeZone: String, patientCount: Int,
                    databaseEngine: String, schemaVersion: Int) {
            self.clinicName = clinicName
            self.jurisdiction = jurisdiction
            self.timeZone = timeZone
            self.patientCount = patientCount
            self.databaseEngine = databaseEngine
            self.schemaVersion = schemaVersion
        }
    }
}
