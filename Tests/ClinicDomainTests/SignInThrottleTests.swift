import ClinicDomain
import Foundation
import Testing

/// Progressive delays instead of a lockout a stranger can trigger (NIST SP 800-63B §5.2.2, OWASP ASVS V2.2.1).
@Suite("Sign-in throttle: progressive delays per account, address and both")
struct SignInThrottleTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let throttle = SignInThrottle(freeFailuresPerAccountAndAddress: 5, freeFailuresPerAddress: 20, window: 900)

    static func scope(_ count: Int, secondsAgo: TimeInterval) -> SignInScopeFailures {
        SignInScopeFailures(count: count, latest: count == 0 ? nil : now.addingTimeInterval(-secondsAgo))
    }

    @Test("How long the next attempt waits", arguments: [
        // (pair count, account count, address count, seconds since the latest failure, expected wait)
        (0, 0, 0, 0.0, nil as TimeInterval?),     // nothing failed
        (4, 4, 4, 0, nil),                        // within the 5 free failures
        (5, 5, 5, 0, 1.0),                        // 5th failure: wait 2^0 s
        (7, 7, 7, 1, 3.0),                        // 2^2 = 4 s after the latest, 1 s gone
        (5, 5, 5, 2, nil),                        // the 1 s delay has passed
        (30, 30, 30, 0, 900),                     // the delay for one's own address is capped at the window
        (0, 12, 0, 0, 4),                         // elsewhere: 10 free for the account, then 2^(12-10)
        (0, 40, 0, 0, 60),                        // a stranger can delay the account by at most 60 s
        (0, 40, 0, 61, nil),                      // … and after it, the real user goes in
        (0, 100, 0, 30, 870),                     // NIST's ceiling of 100 failures: wait out the window
        (0, 0, 20, 0, 1),                         // the address's 20 free failures, for any account
    ])
    func wait(pair: Int, account: Int, address: Int, ago: TimeInterval, expected: TimeInterval?) {
        let history = SignInHistory(accountFromAddress: Self.scope(pair, secondsAgo: ago),
                                    account: Self.scope(account, secondsAgo: ago),
                                    address: Self.scope(address, secondsAgo: ago))
        let wait = Self.throttle.wait(history, now: Self.now)
        if let expected {
            #expect(wait.map { abs($0 - expected) < 0.001 } == true, "expected \(expected), got \(String(describing: wait))")
        } else {
            #expect(wait == nil)
        }
    }
}
