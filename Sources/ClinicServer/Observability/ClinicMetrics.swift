import ClinicStorage
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The process's Prometheus registry. Hummingbird's metrics middleware records request counts
/// and latency histograms per route into it; database pool figures are read at each scrape.
public final class ClinicMetrics: Sendable {
    /// The one registry of the process (the metrics system can be bootstrapped only once).
    public static let shared = ClinicMetrics()

    let registry = PrometheusCollectorRegistry()

    private init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
    }

    /// The Prometheus text exposition, with `database`'s pool figures brought up to date first.
    public func exposition(database: ClinicDatabase) async -> String {
        let figures = await database.figures()
        let gauges: [(String, Int)] = [
            ("ketaclinic_db_readers_open", figures.readersOpen),
            ("ketaclinic_db_readers_in_use", figures.readersInUse),
            ("ketaclinic_db_readers_waiting", figures.readersWaiting),
            ("ketaclinic_db_readers_max", figures.readersMaximum),
            ("ketaclinic_db_writes_queued", figures.writesQueued),
            ("ketaclinic_db_write_batches_committed", figures.batchesCommitted),
            ("ketaclinic_db_writes_committed", figures.writesCommitted),
            ("ketaclinic_db_largest_write_batch", figures.largestBatch),
        ]
        for (name, value) in gauges {
            registry.makeGauge(name: name, labels: [("engine", database.engine.rawValue)]).set(Double(value))
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Sets the backup gauges: the newest good backup's age (-1 when there is none) and whether
    /// it is older than the policy (1) or not (0), for an alerting rule.
    func recordBackups(_ status: BackupStatus) {
        let age = status.lastSuccess.map { max(0, status.now.timeIntervalSince($0.finishedAt)) } ?? -1
        registry.makeGauge(name: "ketaclinic_backup_last_success_age_seconds", labels: []).set(Double(age))
        registry.makeGauge(name: "ketaclinic_backup_overdue", labels: []).set(Double(status.freshness.needsAttention ? 1 : 0))
    }
}
