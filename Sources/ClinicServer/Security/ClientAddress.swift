import Foundation

/// The address a request really came from. `X-Forwarded-For` is written by whoever sends the
/// request, so only the hops added by the clinic's own proxies are believed: reading the header
/// from the right, the first address that is not a trusted proxy is the client (OWASP ASVS V2.2;
/// any earlier entries were supplied by the client and may be made up).
public enum ClientAddress {
    /// The client behind `peer`: `peer` itself unless it is a trusted proxy, otherwise the
    /// right-most untrusted address in `forwardedFor`. Unparseable entries end the walk at the
    /// last trusted hop, so a forged value never becomes the client address.
    public static func resolve(peer: String, forwardedFor: String?, trustedProxies: [String]) -> String {
        guard !trustedProxies.isEmpty, let peerAddress = normalized(peer), trustedProxies.contains(peerAddress),
              let forwardedFor else { return peer }
        var client = peerAddress
        for hop in forwardedFor.split(separator: ",").reversed() {
            guard let address = normalized(hop.trimmingCharacters(in: .whitespaces)) else { return client }
            client = address
            if !trustedProxies.contains(address) { return address }
        }
        return client
    }

    /// `text` as a canonical IPv4 or IPv6 address, or nil when it is not one.
    public static func normalized(_ text: String) -> String? {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            guard inet_ntop(AF_INET, &v4, &buffer, socklen_t(INET_ADDRSTRLEN)) != nil else { return nil }
            return String(cString: buffer)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(INET6_ADDRSTRLEN)) != nil else { return nil }
            return String(cString: buffer)
        }
        return nil
    }
}
