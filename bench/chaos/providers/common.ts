// What the provider adapters share: reading files back and comparing them with the simulator's.
import { readFileSync } from 'node:fs';

import type { INodeExecutionData } from 'n8n-workflow';

import { binaryBytes } from '../../../test/helpers/providerNodes.ts';
import type { CliEvent } from '../../../test/scripts/cliProcess.ts';
import type { Faults, RequestRecord } from '../../../test/simulators/shared/types.ts';
import type { FileCheck } from '../types.ts';

/** Compares each file with the bytes the simulator has for it (undefined: it has none). */
function compare(files: { bytes: Buffer; expected: () => Uint8Array | undefined; name: string }[]): FileCheck {
	let equal = 0;
	const problems: string[] = [];
	for (const file of files) {
		let expected: Uint8Array | undefined;
		try {
			expected = file.expected();
		} catch (error) {
			problems.push(`${file.name}: ${(error as Error).message}`);
			continue;
		}
		if (expected && Buffer.from(expected).equals(file.bytes)) equal++;
		else problems.push(`${file.name}: ${file.bytes.length} bytes, the simulator has ${expected ? expected.length : 'none'}`);
	}
	return { files: files.length, equal, problem: problems.length ? problems.slice(0, 3).join('; ') : undefined };
}

/** Node output items: each must carry its file in `property`, `expected` gives the simulator's bytes from the item's JSON. */
export function checkItems(output: INodeExecutionData[], expected: (json: Record<string, unknown>) => Uint8Array | undefined, property = 'data'): FileCheck {
	const withFiles = output.filter((item) => item.binary?.[property]);
	if (withFiles.length < output.length) return { files: 0, equal: 0, problem: `${output.length - withFiles.length} of ${output.length} items without a file` };
	return compare(withFiles.map((item, index) => ({ bytes: binaryBytes(item, property), expected: () => expected(item.json as Record<string, unknown>), name: `item ${index}` })));
}

/** The CLI's `saved` events: each file read back from its path, `expected` from the event's fields. */
export function checkSaved(events: CliEvent[], expected: (event: CliEvent) => Uint8Array | undefined): FileCheck {
	const saved = events.filter((event) => event.event === 'saved');
	return compare(saved.map((event) => ({ bytes: readFileSync(String(event.path)), expected: () => expected(event), name: `${String(event.path)} (its saved event: ${JSON.stringify(event)})` })));
}

export function countRequests(...logs: RequestRecord[][]): { requests: number; faulted: number } {
	const all = logs.flat();
	return { requests: all.length, faulted: all.filter((record) => record.fault !== undefined).length };
}

/** A random length between `min` and `max` ms. */
export function between(min: number, max: number): number {
	return Math.round(min + Math.random() * (max - min));
}

/** What every provider's chaos adapter does the same way with its simulator. */
export abstract class OnSimulator<Simulator extends { faults: Faults; close(): Promise<void> }> {
	simulator!: Simulator;

	close(): Promise<void> {
		return this.simulator.close();
	}

	clearChaos(): void {
		this.simulator.faults.clear();
	}
}
