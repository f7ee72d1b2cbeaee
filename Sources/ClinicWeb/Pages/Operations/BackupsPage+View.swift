import Plot

extension BackupsPage {
    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Backups", context: context,
            content:
            .h1(.text("Backups")),
            standing(model),
            .p(.class("hint"), .text(model.policy.map { "Scheduled backups: \($0)." }
                ?? "Scheduled backups are off. Start the server with --backup-every (e.g. --backup-every 6h --backup-keep 28), "
                    + "or take backups with `ketaclinic backup --out FILE` from the server's own scheduler.")),
            .p(.class("hint"), .text(model.engine == "postgres"
                ? "Backups are pg_dump archives; restore one with `ketaclinic restore FILE --database postgres://…` into an empty database."
                : "Backups are self-contained SQLite files; restore one with `ketaclinic restore FILE --database PATH` while the server is stopped.")),
            .h2(.text("Recent backups")),
            .if(model.rows.isEmpty, .p(.class("empty"), .text("No backup has been recorded yet."))),
            .if(!model.rows.isEmpty,
                .div(.class("table-wrap"), ScrollRegion.focusable("Backups"),
                     .table(.class("data backups"),
                            .thead(.tr(.th(.text("Finished")), .th(.text("Age")), .th(.text("Result")), .th(.text("How")),
                                       .th(.text("File")), .th(.text("Size")), .th(.text("SHA-256")))),
                            .tbody(.forEach(model.rows) { row in
                                .tr(.td(.text(row.finished)), .td(.text(row.age)),
                                    .td(row.succeeded ? .text("✓ Good") : .group(.strong(.text("⚠ Failed")), .text(": \(row.message)"))),
                                    .td(.text(row.trigger == "scheduled" ? "Scheduled" : "Command")),
                                    .td(.class("mono"), .text(row.file)), .td(.text(row.size)),
                                    .td(.class("mono"), .text(row.sha256.isEmpty ? "—" : String(row.sha256.prefix(16)) + "…")))
                            }))))
        )
    }

    private static func standing(_ model: Model) -> Node<HTML.BodyContext> {
        switch model.standing {
        case .current(let age):
            return .div(.class("flash flash-success"), .attribute(named: "role", value: "status"),
                        .text("✓ The newest good backup is \(age) old."))
        case .overdue(let age, let policy):
            return .div(.class("flash flash-error"), .attribute(named: "role", value: "alert"),
                        .strong(.text("⚠ Backup overdue: ")),
                        .text("the newest good backup is \(age) old, older than the policy (\(policy)) allows. "
                              + "Check the server log and the disk, then take one with `ketaclinic backup`."))
        case .never:
            return .div(.class(model.policy == nil ? "flash flash-warning" : "flash flash-error"),
                        .attribute(named: "role", value: "alert"),
                        .strong(.text("⚠ No backup: ")),
                        .text("no good backup of this database has been recorded."))
        }
    }
}
