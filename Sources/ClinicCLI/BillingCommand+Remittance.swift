import ArgumentParser
import ClinicDomain
import ClinicInterop
import ClinicServer
import ClinicStorage
import Foundation

extension BillingCommand {
    /// `ketaclinic billing remittance FILE`: imports a payer's 835 file the same way the page and
    /// the API do, and prints what was posted and what is kept for review.
    struct Remittance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an ANSI X12 835 remittance file: post matched claims, keep the rest for review.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The 835 file.") var file: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let text: String
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                guard data.count <= X12Remittance835.maximumBytes else { throw CommandSupport.fail("\(file) is larger than 5 MB; split it by payment.") }
                guard let decoded = String(data: data, encoding: .utf8) else { throw CommandSupport.fail("\(file) is not a text file.") }
                text = decoded
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw CommandSupport.fail("Cannot read \(file): \(error.localizedDescription)")
            }
            try await BillingCommand.withClinic(options) { database, clinic in
                let today = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
                let outcome: RemittanceIntake.Outcome
                do {
                    outcome = try await RemittanceIntake.importFile(text, database: database, clinicID: clinic.id, today: today,
                                                                    stamp: CommandSupport.operatorStamp("billing remittance"))
                } catch let bad as X12RemittanceError {
                    throw CommandSupport.fail("\(file) cannot be read: \(bad.description) Nothing was posted.")
                }
                if json {
                    print(try CommandSupport.jsonText(["imported": outcome.imported]))
                } else {
                    for remittance in outcome.imported {
                        print("\(remittance.payer) trace \(remittance.traceNumber): \(remittance.totalPaid) paid \(remittance.paidOn.iso); "
                              + "\(remittance.posted) claim(s) posted, \(remittance.forReview) for review")
                        for item in remittance.items {
                            print("  \(item.status == .posted ? "posted    " : "for review") \(item.claimID)  \(item.reason)")
                        }
                    }
                }
                for refusal in outcome.refused { FileHandle.standardError.write(Data("refused: \(refusal)\n".utf8)) }
                if outcome.imported.isEmpty { throw CommandSupport.fail("Nothing imported.") }
            }
        }
    }
}
