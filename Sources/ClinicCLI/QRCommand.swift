import ArgumentParser
import ClinicWeb
import Foundation

/// `ketaclinic qr`: the app's own QR encoder (the one that draws self-report links and the
/// two-factor set-up code) from the command line, so that an outside decoder can check every
/// version it emits (Tests/QR/qr_decode_test.py).
struct QRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Print TEXT as a QR code (SVG) drawn by the app's own encoder.",
        discussion: """
            Byte mode, error correction level M, versions 1-10 (up to \(QRCode.maximumBytes) UTF-8 bytes). \
            --min-version pins the smallest version to use. Prints the SVG document on standard output and, \
            with --info, the version and mask on standard error. Exits 2 when the text does not fit.
            """)

    @Option(help: "The text to encode.") var text: String
    @Option(name: .customLong("min-version"), help: "The smallest version to use (1-10, default 1).") var minVersion = 1
    @Option(name: .customLong("module-px"), help: "Pixels per module in the SVG's width and height (1-40, default 4).") var modulePx = 4
    @Flag(help: "Print the version and mask chosen on standard error.") var info = false

    func run() throws {
        guard (1...10).contains(minVersion) else { throw ValidationError("--min-version must be 1 to 10.") }
        guard (1...40).contains(modulePx) else { throw ValidationError("--module-px must be 1 to 40.") }
        guard let code = QRCode.standalone(for: text, minimumVersion: minVersion, moduleSize: modulePx) else {
            FileHandle.standardError.write(Data("The text (\(text.utf8.count) bytes) does not fit a version \(minVersion)-10 code at level M (at most \(QRCode.maximumBytes) bytes).\n".utf8))
            throw ExitCode(2)
        }
        if info { FileHandle.standardError.write(Data("version \(code.version) mask \(code.mask)\n".utf8)) }
        print(code.svg)
    }
}
