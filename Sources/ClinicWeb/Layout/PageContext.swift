/// What every page needs besides its own model: the clinic's name for the header, the section
/// to highlight in the navigation, and a one-off message carried over from the previous request.
public struct PageContext: Sendable {
    /// The clinic's name, shown in the header and the document title.
    public var clinicName: String
    /// The navigation entry that is current, if any.
    public var section: NavigationSection?
    /// A message from the action that led here ("Patient registered").
    public var flash: Flash?

    /// Creates the context for one page.
    public init(clinicName: String, section: NavigationSection? = nil, flash: Flash? = nil) {
        self.clinicName = clinicName
        self.section = section
        self.flash = flash
    }
}

/// The top-level sections of the navigation bar.
public enum NavigationSection: String, CaseIterable, Sendable {
    /// The home page: the clinic at a glance.
    case home
    /// Patients: list, registration, charts.
    case patients

    /// The label in the navigation bar.
    public var title: String {
        switch self {
        case .home: "Home"
        case .patients: "Patients"
        }
    }

    /// Where the entry leads.
    public var path: String {
        switch self {
        case .home: "/"
        case .patients: "/patients"
        }
    }
}

/// A one-off message shown at the top of the next page after an action.
public struct Flash: Equatable, Sendable {
    /// How the message should look; the text always says it too, colour is never the only signal.
    public enum Kind: String, Sendable {
        /// Something was saved.
        case success
        /// Something to know.
        case info
        /// Something failed.
        case error
    }

    /// How it looks.
    public var kind: Kind
    /// What it says.
    public var message: String

    /// Creates a message.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
