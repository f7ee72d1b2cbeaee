import ClinicDomain

// Replaced by the live board's bus when it is merged.
extension ClinicServices {
    struct PendingBoard: Sendable { func publish(_ event: BoardEvent) async throws {} }
    var board: PendingBoard { PendingBoard() }
}
