import { baseName, uploadFromPath } from '../../scripts/cli/inputFiles.ts';
import type { CliRuntime } from '../../scripts/runtime/cliRuntime.ts';

describe('a file named on the command line', () => {
	it('is uploaded under the last part of its path, by POSIX rules', async () => {
		expect(baseName('photos/cat.png')).toBe('cat.png');
		expect(baseName('/tmp/photos/')).toBe('photos');
		expect(baseName('cat.png')).toBe('cat.png');
		// "\" is an ordinary character on POSIX, as in Node's path.posix.basename.
		expect(baseName('photos/a\\b.png')).toBe('a\\b.png');

		const runtime = { readFile: async () => new Uint8Array([1, 2, 3]) } as unknown as CliRuntime;
		expect(await uploadFromPath(runtime, '--file image', 'photos/a\\b.png')).toEqual({ data: new Uint8Array([1, 2, 3]), fileName: 'a\\b.png', mimeType: 'image/png' });
	});
});
