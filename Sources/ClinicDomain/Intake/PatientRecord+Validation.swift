extension PatientRecord {
    /// The whole record cleaned up, or every field error of every section with its path, e.g.
    /// `registration.dateOfBirth`, `height.centimetres`, `weights[0].kilograms`, `trials[1].endedOn`,
    /// `medicalHistory.pregnancy`. Dates before the date of birth are refused too.
    public func validated(today: CalendarDate) throws(FieldErrors) -> PatientRecord {
        var errors = FieldErrors()
        var copy = self

        func section<T>(_ path: String, _ validate: () throws(FieldErrors) -> T) -> T? {
            do { return try validate() } catch {
                for entry in error.entries { errors.add("\(path).\(entry.field)", entry.message) }
                return nil
            }
        }
        func list<T>(_ name: String, _ items: [T], _ validate: (T) throws(FieldErrors) -> T) -> [T] {
            items.enumerated().map { index, item in section("\(name)[\(index)]") { () throws(FieldErrors) -> T in try validate(item) } ?? item }
        }

        copy.registration = section("registration") { () throws(FieldErrors) in try registration.validated(today: today) } ?? registration
        let birth = registration.dateOfBirth
        func notBeforeBirth(_ date: CalendarDate?, _ path: String) {
            if let date, birth <= today, date < birth, date <= today { errors.add(path, "The date \(date.iso) is before the date of birth (\(birth.iso)).") }
        }
        if let contact {
            copy.contact = section("contact") { () throws(FieldErrors) in try contact.validated() } ?? contact
        }
        if let emergencyContact {
            copy.emergencyContact = section("emergencyContact") { () throws(FieldErrors) in try emergencyContact.validated() } ?? emergencyContact
        }
        if let height {
            copy.height = section("height") { () throws(FieldErrors) in try height.validated(today: today) } ?? height
            notBeforeBirth(height.measuredOn, "height.measuredOn")
        }
        copy.weights = list("weights", weights) { (item) throws(FieldErrors) in try item.validated(today: today) }
        for (index, weight) in weights.enumerated() { notBeforeBirth(weight.measuredOn, "weights[\(index)].measuredOn") }
        copy.allergies = list("allergies", allergies) { (item) throws(FieldErrors) in try item.validated() }
        copy.medications = list("medications", medications) { (item) throws(FieldErrors) in try item.validated() }
        copy.diagnoses = list("diagnoses", diagnoses) { (item) throws(FieldErrors) in try item.validated(today: today) }
        for (index, diagnosis) in diagnoses.enumerated() { notBeforeBirth(diagnosis.diagnosedOn, "diagnoses[\(index)].diagnosedOn") }
        if let psychiatricHistory {
            copy.psychiatricHistory = section("psychiatricHistory") { () throws(FieldErrors) in try psychiatricHistory.validated() } ?? psychiatricHistory
        }
        if let medicalHistory {
            copy.medicalHistory = section("medicalHistory") { () throws(FieldErrors) in
                try medicalHistory.validated(today: today, sexAtBirth: registration.sexAtBirth)
            } ?? medicalHistory
            for (index, event) in medicalHistory.vascularEvents.enumerated() {
                notBeforeBirth(event.occurredOn, "medicalHistory.vascularEvents[\(index)].occurredOn")
            }
        }
        copy.vitalSigns = list("vitalSigns", vitalSigns) { (item) throws(FieldErrors) in try item.validated(today: today) }
        for (index, vitals) in vitalSigns.enumerated() { notBeforeBirth(vitals.measuredOn, "vitalSigns[\(index)].measuredOn") }
        copy.trials = list("trials", trials) { (item) throws(FieldErrors) in try item.validated(today: today) }
        for (index, trial) in trials.enumerated() { notBeforeBirth(trial.startedOn, "trials[\(index)].startedOn") }
        if let currentEpisode {
            copy.currentEpisode = section("currentEpisode") { () throws(FieldErrors) in try currentEpisode.validated(today: today) } ?? currentEpisode
            notBeforeBirth(currentEpisode.startedOn, "currentEpisode.startedOn")
        }
        try errors.throwIfAny()
        return copy
    }
}
