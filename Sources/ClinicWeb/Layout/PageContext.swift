/// What every page needs besides its own model: the clinic's name for the header, the section
/// to highlight in the navigation, and a one-off message carried over from the previous request.
public struct PageContext: Sendable {
    /// The clinic's name, shown in the header and the document title.
    public var clinicName: String
    /// The navigation entry that is current, if any.
    public var section: NavigationSection?
    /// A message from the action that led here ("Patient registered").
    public var flash: Flash?
    /// The signed-in user, or nil on the sign-in pages.
    public var user: SignedInUser?
    /// True on the patient's own pages (self-report): no staff text such as the clinical-judgement footer.
    public var patientFacing = false

    /// Creates the context for one page.
    public init(clinicName: String, section: NavigationSection? = nil, flash: Flash? = nil, user: SignedInUser? = nil) {
        self.clinicName = clinicName
        self.section = section
        self.flash = flash
        self.user = user
    }

    /// The anti-forgery token every state-changing form on the page carries.
    public var csrfToken: String { user?.csrfToken ?? "" }
}

/// What the header needs to know about the signed-in user.
public struct SignedInUser: Sendable {
    /// Their name.
    public var displayName: String
    /// Their role's title.
    public var roleTitle: String
    /// The session's anti-forgery token, for the sign-out button and every form.
    public var csrfToken: String
    /// The sections their role may open.
    public var sections: [NavigationSection]
    /// True while they must first change their password or set up two-factor sign-in.
    public var inSetup: Bool

    /// Creates the value.
    public init(displayName: String, roleTitle: String, csrfToken: String, sections: [NavigationSection], inSetup: Bool = false) {
        self.displayName = displayName
        self.roleTitle = roleTitle
        self.csrfToken = csrfToken
        self.sections = sections
        self.inSetup = inSetup
    }
}

/// The top-level sections of the navigation bar.
public enum NavigationSection: String, CaseIterable, Sendable {
    /// The home page: the clinic at a glance.
    case home
    /// Patients: list, registration, charts.
    case patients
    /// The day's treatment sessions, from check-in to discharge.
    case sessions
    /// The live chair board of the sessions under way.
    case board
    /// Dosing tools: the dose calculator, the pharmacokinetic preview and the protocol library.
    case dosing
    /// The REMS monitoring forms due (US clinics).
    case rems
    /// The controlled-substance register.
    case register
    /// Billing: fee schedule, codes, patient accounts and superbills (billing staff).
    case billing
    /// Staff accounts (administrators).
    case users
    /// The audit trail (administrators).
    case audit
    /// The clinic's settings (administrators).
    case clinic
    /// Database backups and their age (administrators).
    case backups
    /// The signed-in user's own account.
    case account
    /// The clinic's outcome report (directors, administrators, prescribers).
    case outcomes

    /// The label in the navigation bar.
    public var title: String {
        switch self {
        case .home: "Home"
        case .patients: "Patients"
        case .sessions: "Sessions"
        case .board: "Chair board"
        case .dosing: "Dosing"
        case .rems: "REMS forms"
        case .register: "Register"
        case .billing: "Billing"
        case .users: "Users"
        case .audit: "Audit trail"
        case .clinic: "Clinic settings"
        case .backups: "Backups"
        case .account: "My account"
        case .outcomes: "Outcomes"
        }
    }

    /// Where the entry leads.
    public var path: String {
        switch self {
        case .home: "/"
        case .patients: "/patients"
        case .sessions: "/sessions"
        case .board: "/board"
        case .dosing: "/dosing"
        case .rems: "/rems"
        case .register: "/register"
        case .billing: "/billing"
        case .users: "/admin/users"
        case .audit: "/admin/audit"
        case .clinic: "/admin/clinic"
        case .backups: "/admin/backups"
        case .account: "/account"
        case .outcomes: "/outcomes"
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
