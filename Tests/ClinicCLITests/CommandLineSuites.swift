import ArgumentParser
@testable import ClinicCLI
import Testing

/// Every command-line suite runs one test at a time: commands are parsed and run in-process,
/// and the argument parser and the redirected standard input are not safe to share between
/// concurrently running commands.
@Suite(.serialized)
enum CommandLineSuites {
    /// Parses `arguments` as `ketaclinic …` and runs the command in this process.
    static func run(_ arguments: [String]) async throws {
        var command = try KetaClinicCommand.parseAsRoot(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }
}
