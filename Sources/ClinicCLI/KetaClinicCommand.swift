import ArgumentParser

/// `ketaclinic`: the one executable. Each capability adds its subcommand here.
public struct KetaClinicCommand: AsyncParsableCommand {
    /// The command tree.
    public static let configuration = CommandConfiguration(
        commandName: "ketaclinic",
        abstract: "KetaClinic: clinic software for ketamine and esketamine treatment.",
        discussion: "Supports clinicians; does not replace clinical judgement.",
        version: "0.1.0",
        subcommands: [ServeCommand.self, MigrateCommand.self, DemoCommand.self, ClinicCommand.self, UserCommand.self,
                      TokenCommand.self, AuditCommand.self, ScreenCommand.self, PKCommand.self, DoseCommand.self,
                      CourseCommand.self, SessionsCommand.self, RemsCommand.self, ScoreCommand.self, SecretsCommand.self, RegisterCommand.self, ReportCommand.self, MonitorsCommand.self, BackupCommand.self, RestoreCommand.self, BillingCommand.self, ScheduleCommand.self,
                      ExportCommand.self, QRCommand.self])

    /// Required by ArgumentParser.
    public init() {}
}
