package dev.dbsync.bench;

import java.util.Optional;

/**
 * One measured figure beside its baseline from the same run.
 *
 * @param section the benchmark section, e.g. "transfer"
 * @param subject what was measured, e.g. "netty -> kwik, raw"
 * @param metric the quantity and its unit, e.g. "MB/s"
 * @param value the median measured, NaN when the run failed or stalled
 * @param baseline what the figure is compared with
 * @param baselineValue the baseline's median from the same run, NaN when it failed
 * @param note detail: runs, spread, or why the value is missing ("stalled after 40 MB")
 */
record Figure(String section, String subject, String metric, double value, String baseline, double baselineValue,
              String note) {

    /** @return value ÷ baseline, when both were measured */
    Optional<Double> ratio() {
        if (Double.isNaN(value) || Double.isNaN(baselineValue) || baselineValue == 0) {
            return Optional.empty();
        }
        return Optional.of(value / baselineValue);
    }
}
