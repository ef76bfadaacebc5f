// The figures every waiting bench reports for a set of jobs of one length and one strategy.

export interface WaitSample {
	/** From the simulator finishing the job to our wait returning. */
	latencyMs: number;
	/** Requests to the API for this one job. */
	requests: number;
}

export interface WaitRow<Sample extends WaitSample = WaitSample> {
	durationMs: number;
	strategy: string;
	repetitions: number;
	medianLatencyMs: number;
	p90LatencyMs: number;
	medianRequests: number;
	samples: Sample[];
}

export function percentile(values: number[], share: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

export function waitRow<Sample extends WaitSample>(durationMs: number, strategy: string, samples: Sample[]): WaitRow<Sample> {
	return {
		durationMs,
		strategy,
		repetitions: samples.length,
		medianLatencyMs: percentile(samples.map((sample) => sample.latencyMs), 0.5),
		p90LatencyMs: percentile(samples.map((sample) => sample.latencyMs), 0.9),
		medianRequests: percentile(samples.map((sample) => sample.requests), 0.5),
		samples,
	};
}

/** One line of a waiting table in BENCHMARKS.md. */
export function waitTableLine(row: WaitRow): string {
	return `| ${row.durationMs / 1000} s | ${row.strategy} | ${Math.round(row.medianLatencyMs)} ms | ${Math.round(row.p90LatencyMs)} ms | ${row.medianRequests} |`;
}
