import Foundation

/// Builds the synthetic people of the demo clinic.
///
/// The names are invented and obviously so ("Testwood", "Mockridge"…), so no screenshot of the
/// demo can be mistaken for a real patient's chart. The same seed gives the same people.
public struct DemoPatients: Sendable {
    private static let givenFemale = ["Ada", "Bea", "Cora", "Dora", "Edie", "Fay", "Gwen", "Hope", "Iris", "June",
                                      "Kit", "Lena", "Mae", "Nell", "Opal", "Pia", "Rue", "Sia", "Tess", "Vera"]
    private static let givenMale = ["Abe", "Ben", "Cal", "Dov", "Eli", "Finn", "Gus", "Hal", "Ike", "Jude",
                                    "Kai", "Lev", "Max", "Ned", "Otto", "Pip", "Rex", "Sol", "Ted", "Vic"]
    private static let family = ["Testwood", "Mockridge", "Sampleton", "Demoford", "Fictley", "Placeworth",
                                 "Dummond", "Specimen", "Trialby", "Synthwick", "Examplar", "Notreal",
                                 "Madeupson", "Pretendra", "Fauxley", "Imaginby", "Stubbington", "Fixturell"]

    private var generator: SeededGenerator
    private let today: CalendarDate

    /// A generator of demo patients for a clinic whose date is `today`.
    public init(seed: UInt64, today: CalendarDate) {
        generator = SeededGenerator(seed: seed)
        self.today = today
    }

    /// The next synthetic registration: adults 18–80, both sexes, a few with a stated gender identity.
    public mutating func next() -> PatientRegistration {
        let sex: SexAtBirth = Int.random(in: 0..<100, using: &generator) < 52 ? .female : .male
        let givenNames = sex == .female ? Self.givenFemale : Self.givenMale
        let given = givenNames.randomElement(using: &generator)!
        let familyName = Self.family.randomElement(using: &generator)!
        let age = Int.random(in: 18...80, using: &generator)
        let month = Int.random(in: 1...12, using: &generator)
        let day = Int.random(in: 1...28, using: &generator)
        let birth = CalendarDate(year: today.year - age - 1, month: month, day: day)!
        let identity = Int.random(in: 0..<100, using: &generator) < 4 ? "Non-binary" : nil
        return PatientRegistration(givenName: given, familyName: familyName, dateOfBirth: birth,
                                   sexAtBirth: sex, genderIdentity: identity)
    }
}
