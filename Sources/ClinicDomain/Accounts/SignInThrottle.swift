import Foundation

/// Failed sign-ins in one scope (an account from one address, an account from anywhere, one
/// address for any account) within the throttling window.
public struct SignInScopeFailures: Equatable, Sendable {
    /// Failures counted (attempts still being checked count as failures until they succeed).
    public var count: Int
    /// When the latest of them happened.
    public var latest: Date?

    /// Declares the failures of a scope.
    public init(count: Int, latest: Date?) {
        self.count = count
        self.latest = latest
    }

    /// No failures.
    public static let none = SignInScopeFailures(count: 0, latest: nil)
}

/// What throttling knows of recent sign-ins before it lets one more password be checked.
public struct SignInHistory: Equatable, Sendable {
    /// This account from this address.
    public var accountFromAddress: SignInScopeFailures
    /// This account from every address.
    public var account: SignInScopeFailures
    /// This address, for every account.
    public var address: SignInScopeFailures

    /// Declares a history.
    public init(accountFromAddress: SignInScopeFailures, account: SignInScopeFailures, address: SignInScopeFailures) {
        self.accountFromAddress = accountFromAddress
        self.account = account
        self.address = address
    }
}

/// Sign-in throttling by progressive delays rather than a lockout a stranger could trigger
/// (NIST SP 800-63B §5.2.2; OWASP ASVS V2.2.1).
///
/// Each scope allows some failures, then makes each further attempt wait 1, 2, 4, 8… seconds
/// after the scope's latest failure. The delay for the account from everywhere is capped low, so
/// someone guessing from elsewhere slows the real user down by at most ``accountDelayCap``;
/// the delays for the guesser's own address are capped at the window. At ``accountFailureCeiling``
/// failures in the window (the "no more than 100 consecutive failed attempts" of §5.2.2) the
/// account waits out the window.
public struct SignInThrottle: Equatable, Sendable {
    /// Failures of one account from one address before delays begin (clinic setting, default 5).
    public var freeFailuresPerAccountAndAddress: Int
    /// Failures from one address, for any account, before delays begin (clinic setting, default 20).
    public var freeFailuresPerAddress: Int
    /// The window over which failures count, and the longest delay for the guesser's own scopes.
    public var window: TimeInterval
    /// Longest delay that failures from other addresses can impose on an account.
    public var accountDelayCap: TimeInterval = 60
    /// Failures of an account, from anywhere, within the window, after which it waits out the window [NIST 800-63B §5.2.2].
    public var accountFailureCeiling = 100

    /// A policy from the clinic's settings.
    public init(freeFailuresPerAccountAndAddress: Int, freeFailuresPerAddress: Int, window: TimeInterval) {
        self.freeFailuresPerAccountAndAddress = freeFailuresPerAccountAndAddress
        self.freeFailuresPerAddress = freeFailuresPerAddress
        self.window = window
    }

    /// Failures of one account from all addresses before delays begin: twice the per-address
    /// allowance, so a user who mistypes on two devices is not slowed.
    public var freeFailuresPerAccount: Int { freeFailuresPerAccountAndAddress * 2 }

    /// Seconds until one more attempt may be checked, or nil when it may be checked now.
    public func wait(_ history: SignInHistory, now: Date) -> TimeInterval? {
        var until: Date?
        func consider(_ scope: SignInScopeFailures, free: Int, cap: TimeInterval) {
            guard scope.count >= free, let latest = scope.latest else { return }
            let exponent = min(scope.count - free, 30)
            let delay = min(pow(2, Double(exponent)), cap)
            let allowedAt = latest.addingTimeInterval(delay)
            if allowedAt > now, allowedAt > (until ?? .distantPast) { until = allowedAt }
        }
        consider(history.accountFromAddress, free: freeFailuresPerAccountAndAddress, cap: window)
        consider(history.address, free: freeFailuresPerAddress, cap: window)
        if history.account.count >= accountFailureCeiling {
            consider(history.account, free: 0, cap: window)
            if let latest = history.account.latest, latest.addingTimeInterval(window) > now {
                until = max(until ?? .distantPast, latest.addingTimeInterval(window))
            }
        } else {
            consider(history.account, free: freeFailuresPerAccount, cap: accountDelayCap)
        }
        return until.map { $0.timeIntervalSince(now) }
    }
}
